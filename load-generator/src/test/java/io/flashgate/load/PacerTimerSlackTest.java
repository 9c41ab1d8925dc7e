package io.flashgate.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The pacer's thread, and only it, is woken on time: its timer slack becomes 1 µs, another thread's stays. */
@Timeout(30)
class PacerTimerSlackTest
{
    @Test
    void onlyTheCallingThreadGetsAOneMicrosecondSlack() throws Exception
    {
        assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "Linux only");
        final AtomicReference<String> pacerSlack = new AtomicReference<>();
        final AtomicReference<Boolean> tightened = new AtomicReference<>();
        final Thread pacer = new Thread(() ->
        {
            tightened.set(PacerTimerSlack.tightenForThisThread());
            pacerSlack.set(slackOfThisThread());
        }, "pacer-under-test");
        pacer.start();
        pacer.join();
        assumeTrue(tightened.get(), "this kernel or user may not set a thread's timer slack");
        assertEquals("1000", pacerSlack.get());
        assertNotEquals("1000", slackOfThisThread(), "the test's own thread keeps its slack");
    }

    private static String slackOfThisThread()
    {
        try
        {
            final Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return Files.readString(Path.of("/proc", self.getFileName().toString(), "timerslack_ns")).trim();
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
