package io.flashgate.ops;

import io.flashgate.cli.ExitCodes;
import io.aeron.Aeron;
import io.aeron.exceptions.ClientTimeoutException;
import io.aeron.exceptions.DriverTimeoutException;
import org.agrona.concurrent.AgentTerminationException;

import java.io.PrintStream;

/**
 * Notices that the process's Aeron client lost its media driver and raises exit {@value ExitCodes#DRIVER_LOST}
 * instead of half-working. The client's conductor checks the driver's heartbeat; after
 * {@code transport.driverTimeoutMillis} without one it closes every publication and subscription, reports
 * {@link DriverTimeoutException} to the context's error handler and closes itself. The driver in turn drops a
 * client whose conductor stalled ({@link ClientTimeoutException}). Aeron's default handler prints a stack trace and
 * calls {@code System.exit(-1)} on a driver timeout: this one names the cause in one line and lets the launcher
 * drain the engine first. A client that closes while the process is not closing it counts as lost too.
 */
final class DriverWatch
{
    private final String aeronDirectory;
    private final long timeoutMillis;
    private final FaultSignal faults;
    private final PrintStream err;
    private volatile boolean closing;

    DriverWatch(final String aeronDirectory, final long timeoutMillis, final FaultSignal faults, final PrintStream err)
    {
        this.aeronDirectory = aeronDirectory;
        this.timeoutMillis = timeoutMillis;
        this.faults = faults;
        this.err = err;
    }

    /** A client context for the driver in the folder, with this watch's timeout and handlers. */
    Aeron.Context context()
    {
        return new Aeron.Context()
            .aeronDirectoryName(aeronDirectory)
            .driverTimeoutMs(timeoutMillis)
            .errorHandler(this::onError)
            .closeHandler(this::onClientClosed);
    }

    /** Closes the client as the process's own doing, so its close is not taken for a lost driver. */
    AutoCloseable closing(final Aeron aeron)
    {
        return () ->
        {
            closing = true;
            aeron.close();
        };
    }

    private void onError(final Throwable error)
    {
        if (error instanceof DriverTimeoutException)
        {
            lost("no heartbeat from the media driver in " + aeronDirectory + " for " + timeoutMillis +
                " ms (transport.driverTimeoutMillis): it died or stalls");
        }
        else if (error instanceof ClientTimeoutException)
        {
            lost("the media driver in " + aeronDirectory + " dropped this process's Aeron client, which did not " +
                "report for too long (a long pause or a starved machine)");
        }
        else if (!closing && !faults.isFaulted() && !(error instanceof AgentTerminationException))
        {
            // Not fatal by itself (a channel error, a failed registration): one line, the client goes on. After a
            // fault, or when the conductor ends itself (AgentTerminationException), the cause is already reported.
            err.println("flashgate: warning: aeron: " + String.valueOf(error.getMessage()).lines().findFirst()
                .orElse("") + " (" + error.getClass().getSimpleName() + ")");
        }
    }

    private void onClientClosed()
    {
        if (!closing)
        {
            lost("the Aeron client of the media driver in " + aeronDirectory + " closed");
        }
    }

    /** No driver answered in the folder at start: the same fault as losing it, reported the same way. */
    static ProcessFault absent(final String aeronDirectory, final long timeoutMillis)
    {
        return fault("no media driver answered in " + aeronDirectory + " within " + timeoutMillis +
            " ms (transport.aeronDir; start the driver first, or set transport.embeddedDriver: true)");
    }

    private void lost(final String cause)
    {
        faults.raise(fault(cause));
    }

    private static ProcessFault fault(final String cause)
    {
        return new ProcessFault(ExitCodes.DRIVER_LOST, "media driver lost: " + cause + "; exiting " +
            ExitCodes.DRIVER_LOST + " for the supervisor to restart this process once the driver runs again " +
            "(ops/RUNBOOK.md, \"Media driver died or timed out\")");
    }
}
