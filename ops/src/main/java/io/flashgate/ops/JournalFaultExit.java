package io.flashgate.ops;

import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineFault;

import java.time.Duration;

/**
 * What a process does when its engine faults on the journal (docs/ARCHITECTURE.md, "Faults"): it does not retry
 * (after a failed write or fsync the page cache cannot be trusted), it waits a short drain so the edges see the
 * fault and report not ready, then exits with {@link ExitCodes#JOURNAL_FAULT}; the shutdown hook closes the parts
 * and the supervisor restarts the process, whose recovery cuts the torn tail.
 */
final class JournalFaultExit
{
    /** Long enough for edges to answer 503 and for /health/ready to turn 503 (within a second); short for a restart. */
    static final Duration DRAIN = Duration.ofMillis(1500);

    private JournalFaultExit()
    {
    }

    /** Exits the JVM with code 4, {@link #DRAIN} after {@code engine} faults. */
    static void watch(final Engine engine)
    {
        engine.onFault(JournalFaultExit::exitAfterDrain);
    }

    private static void exitAfterDrain(final EngineFault fault)
    {
        final Thread exit = new Thread(() ->
        {
            try
            {
                Thread.sleep(DRAIN.toMillis());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            System.err.println("flashgate: exiting with code " + ExitCodes.JOURNAL_FAULT + ": " + fault.describe());
            System.err.flush();
            System.exit(ExitCodes.JOURNAL_FAULT);
        }, "flashgate-fault-exit");
        exit.setDaemon(false);
        exit.start();
    }
}
