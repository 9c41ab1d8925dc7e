package io.flashgate.ops;

import io.flashgate.cli.ExitCodes;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineFault;

import java.time.Duration;

/**
 * What a process does when its engine faults on the journal (docs/ARCHITECTURE.md, "Faults"): it does not retry
 * (after a failed write or fsync the page cache cannot be trusted), it waits a short drain so the edges see the
 * fault and report not ready, then raises {@link ExitCodes#JOURNAL_FAULT} on the process's {@link FaultSignal}: the
 * launcher closes the parts in reverse order, prints one line and exits, as for every fault, and the supervisor
 * restarts the process, whose recovery cuts the torn tail.
 */
final class JournalFaultExit
{
    /** Long enough for edges to answer 503 and for /health/ready to turn 503 (within a second); short for a restart. */
    static final Duration DRAIN = Duration.ofMillis(1500);

    private JournalFaultExit()
    {
    }

    /** Raises exit code 4 on {@code faults}, {@link #DRAIN} after {@code engine} faults. */
    static void watch(final Engine engine, final FaultSignal faults)
    {
        engine.onFault(fault -> exitAfterDrain(fault, faults));
    }

    private static void exitAfterDrain(final EngineFault fault, final FaultSignal faults)
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
            faults.raise(new ProcessFault(ExitCodes.JOURNAL_FAULT, fault.describe()));
        }, "flashgate-fault-exit");
        exit.setDaemon(false);
        exit.start();
    }
}
