package io.flashgate.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A measured leg starts only once the JVM's compilers are idle, and never waits past the deadline. */
@Timeout(30)
class CompilerQuietTest
{
    @Test
    void waitsUntilTheCompileTimeStopsGrowing()
    {
        final AtomicLong looks = new AtomicLong();
        // Compiling for the first 10 looks (about half a second), then idle.
        final CompilerQuiet.Outcome outcome = CompilerQuiet.await(
            () -> Math.min(looks.incrementAndGet(), 10) * 7, Duration.ofMillis(100), Duration.ofSeconds(20));

        assertTrue(outcome.quiet());
        assertTrue(looks.get() > 10, "returned while the compilers still worked: " + looks.get() + " looks");
        assertEquals(63, outcome.compileMillis(), "the compiling seen during the wait");
        assertTrue(outcome.waitedNanos() >= Duration.ofMillis(100).toNanos());
    }

    @Test
    void givesUpAtTheDeadlineWhenTheCompilersNeverStop()
    {
        final AtomicLong total = new AtomicLong();
        final CompilerQuiet.Outcome outcome = CompilerQuiet.await(total::incrementAndGet, Duration.ofMillis(200),
            Duration.ofMillis(500));

        assertFalse(outcome.quiet());
        assertTrue(outcome.waitedNanos() >= Duration.ofMillis(500).toNanos());
        assertTrue(outcome.compileMillis() > 0);
    }

    @Test
    void anIdleCompilerCostsOnlyTheQuietWindow()
    {
        final CompilerQuiet.Outcome outcome = CompilerQuiet.await(() -> 42, Duration.ofMillis(50),
            Duration.ofSeconds(20));

        assertTrue(outcome.quiet());
        assertEquals(0, outcome.compileMillis());
        assertTrue(outcome.waitedNanos() >= Duration.ofMillis(50).toNanos());
        assertTrue(outcome.waitedNanos() < Duration.ofSeconds(10).toNanos(), "no longer than the window, and a look");
    }

    @Test
    void anInterruptEndsTheWaitAndStaysSet()
    {
        final AtomicLong total = new AtomicLong();
        Thread.currentThread().interrupt();
        final CompilerQuiet.Outcome outcome = CompilerQuiet.await(total::incrementAndGet, Duration.ofMillis(200),
            Duration.ofSeconds(20));

        assertFalse(outcome.quiet());
        assertTrue(Thread.interrupted(), "the caller still sees the interrupt");
        assertTrue(outcome.waitedNanos() < Duration.ofSeconds(10).toNanos());
    }

    @Test
    void aSmokeRunWarmsUpOnceAndWaitsForNothing() throws Exception
    {
        assertFalse(CompilerQuiet.settles(0.2));
        assertTrue(CompilerQuiet.settles(4));
        final AtomicLong rounds = new AtomicLong();
        CompilerQuiet.warmUntilCompiled(ProcessHandle.current().pid(), "this JVM", rounds::incrementAndGet, 0.6,
            false, System.out);
        assertEquals(1, rounds.get());
    }
}
