package io.flashgate.load;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Waits, before a measured leg, until this JVM's JIT compilers have been idle for a while. The compilers are shared
 * by everything in the JVM, and a leg is charged the CPU of every compile that runs in its window: without this
 * wait the code a Redis leg made hot (its client, its futures) was compiled in the Flashgate leg after it, and on
 * 2 cores the compiler thread took most of a core from the engine (docs/PERFORMANCE.md, "The JIT between legs").
 */
final class CompilerQuiet
{
    /** How long the compilers must have done nothing. */
    static final Duration QUIET = Duration.ofMillis(300);
    /** The longest wait; a JVM that never stops compiling is measured anyway, and says so. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * @param quiet        whether the compilers went quiet before the deadline.
     * @param waitedNanos  how long the wait took.
     * @param compileMillis the compilers' time during the wait (as the JVM counts it: time spent compiling).
     */
    record Outcome(boolean quiet, long waitedNanos, long compileMillis)
    {
    }

    private CompilerQuiet()
    {
    }

    /** Waits for this JVM's compilers; returns at once where the JVM does not count compile time. */
    static Outcome await()
    {
        final CompilationMXBean compilers = ManagementFactory.getCompilationMXBean();
        if (compilers == null || !compilers.isCompilationTimeMonitoringSupported())
        {
            return new Outcome(true, 0, 0);
        }
        return await(compilers::getTotalCompilationTime, QUIET, DEADLINE);
    }

    /**
     * Waits until {@code compileMillis} (a running total) has not grown for {@code quiet}, or {@code deadline} has
     * passed.
     */
    static Outcome await(final LongSupplier compileMillis, final Duration quiet, final Duration deadline)
    {
        final long start = System.nanoTime();
        final long first = compileMillis.getAsLong();
        long last = first;
        long lastChange = start;
        while (true)
        {
            final long now = System.nanoTime();
            final long total = compileMillis.getAsLong();
            if (total != last)
            {
                last = total;
                lastChange = now;
            }
            if (now - lastChange >= quiet.toNanos())
            {
                return new Outcome(true, now - start, last - first);
            }
            if (now - start >= deadline.toNanos())
            {
                return new Outcome(false, now - start, last - first);
            }
            LockSupport.parkNanos(STEP_NANOS);
        }
    }
}
