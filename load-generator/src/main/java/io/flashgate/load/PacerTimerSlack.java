package io.flashgate.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Asks Linux to wake the calling thread on time: its timer slack (how late the kernel may end a timed sleep, to group
 * wake-ups; 50 µs by default) set to 1 µs through {@code /proc/<tid>/timerslack_ns}. For the pacer only: at a fixed
 * rate every latency is measured from the request's due time, so a pacer that oversleeps charges its own lateness to
 * every system alike (measured at 77–109 µs at p50 at 15 k/s, more than half the engine's p50). The systems' threads
 * keep their slack: tightening theirs made their pollers wake more (docs/PERFORMANCE.md).
 */
final class PacerTimerSlack
{
    private static final String ONE_MICROSECOND = "1000";

    private PacerTimerSlack()
    {
    }

    /** @return true if the calling thread's slack is now 1 µs; false where Linux does not offer it (nothing changes). */
    static boolean tightenForThisThread()
    {
        try
        {
            final Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // "<pid>/task/<tid>"
            Files.writeString(Path.of("/proc", self.getFileName().toString(), "timerslack_ns"), ONE_MICROSECOND);
            return true;
        }
        catch (final IOException | UnsupportedOperationException | SecurityException ex)
        {
            return false; // not Linux, or not allowed: the pacer keeps the default, and each leg says so
        }
    }
}
