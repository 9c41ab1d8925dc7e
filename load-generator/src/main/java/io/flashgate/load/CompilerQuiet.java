package io.flashgate.load;

import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Waits, before a measured leg, until the JIT compilers (this JVM's, and the system's own JVM's if it has one) have
 * been idle for a while. The compilers are shared by everything in a JVM, and a leg is charged the CPU of every
 * compile that runs in its window: without this wait the code a Redis leg made hot (its client, its futures) was
 * compiled in the Flashgate leg after it, and on 2 cores the compiler thread took most of a core from the engine;
 * the HTTP server JVM was still compiling one leg's code in the next (docs/PERFORMANCE.md, "The JIT between legs,
 * and the generator's wake-ups").
 */
final class CompilerQuiet
{
    /** How long the compilers must have done nothing. */
    static final Duration QUIET = Duration.ofMillis(300);
    /** The longest wait; a JVM that never stops compiling is measured anyway, and says so. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * @param quiet         whether the compilers went quiet before the deadline.
     * @param waitedNanos   how long the wait took.
     * @param compileMillis how much the compilers' running total grew during the wait (milliseconds of compiling, as
     *                      the JVM and /proc count them).
     */
    record Outcome(boolean quiet, long waitedNanos, long compileMillis)
    {
    }

    private CompilerQuiet()
    {
    }

    /**
     * Waits for this JVM's compilers and, when the system under test is a process of its own that has them (the HTTP
     * server JVM), for that process's too, whose compiler threads /proc shows.
     *
     * @param systemPid the system's process, or -1 when it runs in this JVM or has no compilers to wait for.
     */
    static Outcome await(final long systemPid)
    {
        // The JVM adds a compile's time when it ends, /proc its compiler threads' CPU as it is used: a compile longer
        // than the quiet window shows in the second alone.
        final CompilationMXBean compilers = ManagementFactory.getCompilationMXBean();
        final boolean counted = compilers != null && compilers.isCompilationTimeMonitoringSupported();
        final ProcTasks proc = new ProcTasks(ProcTasks.PROC);
        final String self = Long.toString(ProcessHandle.current().pid());
        final String system = Long.toString(systemPid);
        return await(() -> (counted ? compilers.getTotalCompilationTime() : 0) + compilerMillis(proc, self) +
            (systemPid > 0 ? compilerMillis(proc, system) : 0), QUIET, DEADLINE);
    }

    /** The CPU time of a process's JIT compiler threads, in milliseconds (at the kernel's tick). */
    static long compilerMillis(final ProcTasks proc, final String pid)
    {
        long ticks = 0;
        for (final ProcTasks.Task task : proc.tasks(pid).values())
        {
            if (ThreadGroups.JIT.equals(ThreadGroups.of(task.comm())))
            {
                ticks += task.ticks();
            }
        }
        return ticks * 1000 / ProcTasks.TICKS_PER_SECOND;
    }

    /** A warm-up round: every leg's code made hot once. */
    interface WarmUpRound
    {
        void run() throws Exception;
    }

    /**
     * The shortest warm-up per leg that the compilers are waited for: a shorter one is a smoke run (the tests'), one
     * warm-up round and no wait before a leg, whose figures are not the point.
     */
    static final double SETTLING_WARM_UP_SECONDS = 1;

    /** True when a warm-up of this length per leg is followed by rounds until compiled and idle compilers. */
    static boolean settles(final double warmUpSecondsPerLeg)
    {
        return warmUpSecondsPerLeg >= SETTLING_WARM_UP_SECONDS;
    }

    /** The most warm-up rounds before measuring anyway. */
    static final int MAX_WARM_UP_ROUNDS = 4;
    /** A round in which the compilers used less than this share of its time ends the warm-up. */
    static final double WARM_COMPILER_SHARE = 0.05;

    /**
     * Warm-up rounds until a JVM's compilers are nearly idle through one, at most {@link #MAX_WARM_UP_ROUNDS}. On 2
     * cores one round of a few seconds per leg left a JVM compiling through the first measured round: each leg's
     * first round then ran at half its second round's rate with the JIT at a third of the CPU (docs/PERFORMANCE.md,
     * "The JIT between legs, and the generator's wake-ups").
     *
     * @param pid    the JVM whose code the round makes hot (the server JVM, or this one).
     * @param settle false for a smoke run ({@link #settles}): one round, whatever was compiled.
     */
    static void warmUntilCompiled(final long pid, final String whose, final WarmUpRound round,
        final double roundSeconds, final boolean settle, final PrintStream out) throws Exception
    {
        if (!settle)
        {
            round.run();
            return;
        }
        final ProcTasks proc = new ProcTasks(ProcTasks.PROC);
        final String process = Long.toString(pid);
        for (int i = 1; i <= MAX_WARM_UP_ROUNDS; i++)
        {
            final long before = compilerMillis(proc, process);
            round.run();
            // At least 0: a compiler thread the JVM ended meanwhile takes its CPU out of the sum.
            final long compiled = Math.max(0, compilerMillis(proc, process) - before);
            out.printf("warm-up round %d: %s compiled for %,d ms%n", i, whose, compiled);
            if (compiled < roundSeconds * 1000 * WARM_COMPILER_SHARE)
            {
                return;
            }
        }
    }

    /**
     * Waits until {@code compileMillis} (a running total) has not grown for {@code quiet}, or {@code deadline} has
     * passed, or the thread is interrupted (the flag stays set for the caller).
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
            if (now - start >= deadline.toNanos() || Thread.currentThread().isInterrupted())
            {
                return new Outcome(false, now - start, last - first);
            }
            LockSupport.parkNanos(STEP_NANOS);
        }
    }
}
