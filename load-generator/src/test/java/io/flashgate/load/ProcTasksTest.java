package io.flashgate.load;

import io.flashgate.testsupport.Await;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading CPU time from /proc: a fake tree for the parsing, and this JVM's own threads for the real thing. */
class ProcTasksTest
{
    @TempDir
    Path proc;

    /** A stat line: pid (comm) state, then fields 4..; utime and stime are fields 14 and 15. */
    private static String stat(final long pid, final String comm, final long utime, final long stime)
    {
        return pid + " (" + comm + ") S 1 1 1 0 -1 4194560 100 0 0 0 " + utime + " " + stime +
            " 0 0 20 0 12 0 1000 123456789 4000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
    }

    private void task(final long pid, final long tid, final String comm, final long utime, final long stime)
        throws IOException
    {
        final Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)).resolve("task")
            .resolve(Long.toString(tid)));
        Files.writeString(dir.resolve("stat"), stat(tid, comm, utime, stime));
        Files.writeString(dir.resolve("comm"), comm + "\n");
    }

    /**
     * {@code bench aeron --standby}: the pair's threads stay up while the journal-only engine is measured, in the same
     * JVM and with the same names. They are counted apart, neither the measured system's nor the generator's.
     */
    @Test
    void anotherSystemsThreadsInThisJvmAreCountedApart() throws IOException
    {
        final long self = ProcessHandle.current().pid();
        Files.writeString(proc.resolve("stat"), "cpu  100 0 0 1000 0 0 0 0 0 0\n");
        Files.createDirectories(proc.resolve(Long.toString(self)));
        Files.writeString(proc.resolve(Long.toString(self)).resolve("stat"), stat(self, "java", 100, 0));
        task(self, 10, "flashgate-aeron", 10, 0);
        task(self, 11, "flashgate-bench", 20, 0);
        task(self, 14, "flashgate-aeron", 5, 0);
        task(self, 15, "flashgate-pair", 5, 0);
        final CpuWatch watch = new CpuWatch(proc, java.util.Set.of(14L, 15L));

        Files.writeString(proc.resolve("stat"), "cpu  300 0 0 1500 0 0 0 0 0 0\n");
        Files.writeString(proc.resolve(Long.toString(self)).resolve("stat"), stat(self, "java", 200, 0));
        task(self, 10, "flashgate-aeron", 60, 0);   // +50, the measured system
        task(self, 11, "flashgate-bench", 45, 0);   // +25, the generator
        task(self, 14, "flashgate-aeron", 20, 0);   // +15, another system's
        task(self, 15, "flashgate-pair", 15, 0);    // +10, another system's

        final CpuUse use = watch.report(true);
        assertEquals(25, use.otherSystemsTicks());
        assertEquals(25, use.generatorTicks());
        assertEquals(50, use.systemTicks(), "this JVM without the generator and the other system");
        assertEquals(Map.of("aeron duty cycle", 50L, ThreadGroups.GENERATOR, 25L, ThreadGroups.OTHER_SYSTEMS, 25L),
            use.selfGroups());
        final String line = use.perPurchase("flashgate-aeron", 1000);
        assertTrue(line.startsWith("cpu per purchase: flashgate-aeron 500.0 µs = "), line);
        assertTrue(line.contains("[aeron duty cycle 500.0]; generator 250.0 µs apart"), line);
        assertTrue(line.contains("; other systems in this JVM 250.0 µs apart"), line);

        final CpuUse peer = watch.report(false);
        assertEquals(75, peer.generatorTicks(), "a system in another process: this JVM is the generator, but for " +
            "the systems in it");
    }

    @Test
    void theCompilersOfAnotherJvmAreItsJitThreads() throws IOException
    {
        task(7, 8, "C2 CompilerThre", 20, 10);
        task(7, 9, "C1 CompilerThre", 4, 1);
        task(7, 10, "qtp1234-56", 500, 100);
        assertEquals(350, CompilerQuiet.compilerMillis(new ProcTasks(proc), "7"), "35 ticks of JIT, not Jetty's");
        assertEquals(0, CompilerQuiet.compilerMillis(new ProcTasks(proc), "99"), "a process that is gone");
    }

    @Test
    void parsesMachineProcessAndThreadTicksFromAProcTree() throws IOException
    {
        Files.writeString(proc.resolve("stat"), "cpu  100 5 50 1000 7 3 2 0 0 0\ncpu0 50 2 25 500 3 1 1 0 0 0\n");
        Files.createDirectories(proc.resolve("42"));
        Files.writeString(proc.resolve("42").resolve("stat"), stat(42, "java", 300, 45));
        task(42, 42, "java", 1, 1);
        task(42, 43, "flashgate-logic", 120, 30);
        // a name with a space and a ')' must not shift the fields
        task(42, 44, "odd) name", 7, 3);
        task(42, 45, "C2 CompilerThre", 90, 0);

        final ProcTasks tasks = new ProcTasks(proc);
        assertEquals(100 + 5 + 50 + 3 + 2, tasks.machineBusy(), "everything but idle (1000) and iowait (7)");
        assertEquals(345, tasks.process("42"));
        final Map<Long, ProcTasks.Task> threads = tasks.tasks("42");
        assertEquals(4, threads.size());
        assertEquals(new ProcTasks.Task("flashgate-logic", 150), threads.get(43L));
        assertEquals(new ProcTasks.Task("odd) name", 10), threads.get(44L));
        assertEquals(-1, tasks.process("7"), "a process that is gone");
        assertEquals(Map.of(), tasks.tasks("7"));
        assertEquals(-1, new ProcTasks(proc.resolve("none")).machineBusy(), "no /proc");
    }

    @Test
    void wakeUpsAreEachThreadsVoluntaryAndInvoluntaryContextSwitches() throws IOException
    {
        Files.createDirectories(proc.resolve("42"));
        task(42, 43, "flashgate-aeron", 10, 5);
        Files.writeString(proc.resolve("42").resolve("task").resolve("43").resolve("status"),
            "Name:\tflashgate-aeron\nState:\tS (sleeping)\nvoluntary_ctxt_switches:\t1200\n" +
            "nonvoluntary_ctxt_switches:\t34\n");
        task(42, 44, "no-status", 1, 1);

        final Map<Long, ProcTasks.Task> threads = new ProcTasks(proc).tasks("42");
        assertEquals(new ProcTasks.Task("flashgate-aeron", 15, 1234), threads.get(43L));
        assertEquals(0, threads.get(44L).switches(), "no status file: no figure, not a failure");
        assertEquals("aeron duty cycle", ThreadGroups.of("flashgate-aeron"));
        assertEquals(ThreadGroups.GENERATOR, ThreadGroups.of(AeronTarget.GATEWAY_THREAD_NAME));
    }

    @Test
    void aWatchSplitsTheSystemFromTheGeneratorByThreadAndCountsExitedThreads() throws IOException
    {
        final long self = ProcessHandle.current().pid();
        Files.writeString(proc.resolve("stat"), "cpu  100 0 0 1000 0 0 0 0 0 0\n");
        Files.createDirectories(proc.resolve(Long.toString(self)));
        Files.writeString(proc.resolve(Long.toString(self)).resolve("stat"), stat(self, "java", 100, 0));
        task(self, 10, "flashgate-logic", 10, 0);
        task(self, 11, "flashgate-bench", 20, 0);
        task(self, 12, "[conductor, sen", 30, 0);
        final CpuWatch watch = new CpuWatch(proc);

        Files.writeString(proc.resolve("stat"), "cpu  400 0 0 1500 0 0 0 0 0 0\n");
        Files.writeString(proc.resolve(Long.toString(self)).resolve("stat"), stat(self, "java", 300, 0));
        task(self, 10, "flashgate-logic", 50, 10);   // +50
        task(self, 11, "flashgate-bench", 60, 0);    // +40, the generator
        task(self, 12, "[conductor, sen", 100, 0);   // +70
        task(self, 13, "GC Thread#0", 30, 0);        // +30, a thread born during the phase
        // process +200 = 190 by live threads + 10 by a thread that exited

        final CpuUse use = watch.report(true);
        assertTrue(use.measured());
        assertEquals(300, use.machineTicks());
        assertEquals(200, use.selfTicks());
        assertEquals(40, use.generatorTicks());
        assertEquals(160, use.systemTicks(), "this JVM without the generator's threads");
        assertEquals(Map.of("logic", 50L, ThreadGroups.GENERATOR, 40L, "driver", 70L, "GC", 30L,
            ThreadGroups.EXITED, 10L), use.selfGroups());
        final List<CpuUse.Share> shares = use.systemShares(1000);
        assertEquals("driver", shares.get(0).group());
        assertEquals(700.0, shares.get(0).microsPerPurchase(), 1e-9, "70 ticks of 10 ms over 1000 purchases");
        assertTrue(shares.stream().noneMatch(s -> s.group().equals(ThreadGroups.GENERATOR)));
        assertEquals(1600.0, CpuUse.micros(use.systemTicks(), 1000), 1e-9);
        final String line = use.perPurchase("flashgate-aeron", 1000);
        assertTrue(line.startsWith("cpu per purchase: flashgate-aeron 1600.0 µs = "), line);
        assertTrue(line.contains("[driver 700.0, logic 500.0, GC 300.0, exited threads 100.0]"), line);
        assertTrue(line.endsWith("generator 400.0 µs apart (" + String.format(java.util.Locale.ROOT, "%.2f",
            use.cores(40)) + " cores)"), line);

        final CpuUse twice = CpuUse.merge(List.of(use, use, CpuUse.NONE));
        assertEquals(2 * use.seconds(), twice.seconds(), 1e-9);
        assertEquals(320, twice.systemTicks());
        assertEquals(use.cores(160), twice.cores(320), 1e-9, "rates are time-weighted means");
    }

    @Test
    void threadNamesFallInReadableGroups()
    {
        assertEquals("driver", ThreadGroups.of("[conductor, sender, receiver]"));
        assertEquals("driver", ThreadGroups.of("driver-conductor"));
        assertEquals("driver", ThreadGroups.of("sender"));
        assertEquals("driver", ThreadGroups.of("/dev/shm/aeron-"));
        assertEquals("journaller", ThreadGroups.of("flashgate-journ"));
        assertEquals("journaller", ThreadGroups.of("flashgate-journaller"));
        assertEquals("replicator", ThreadGroups.of("flashgate-repli"));
        assertEquals("egress", ThreadGroups.of("flashgate-egres"));
        assertEquals("ingress", ThreadGroups.of("flashgate-ingre"));
        assertEquals("gateway poller", ThreadGroups.of("flashgate-edge-poller-7"));
        assertEquals("reply executor", ThreadGroups.of("flashgate-edge-reply-3"));
        assertTrue(ThreadGroups.isAmbiguous(ThreadGroups.of("flashgate-edge-")), "the kernel's 15 characters");
        assertEquals("jetty", ThreadGroups.of("JettyServerThre"));
        assertEquals("GC", ThreadGroups.of("G1 Conc#0"));
        assertEquals("GC", ThreadGroups.of("GC Thread#1"));
        assertEquals("JIT", ThreadGroups.of("C2 CompilerThre"));
        assertEquals(ThreadGroups.GENERATOR, ThreadGroups.of("flashgate-bench"));
        assertEquals("redis background I/O", ThreadGroups.of("bio_aof_fsync"));
        assertEquals("pool-", ThreadGroups.of("pool-12"));
    }

    @Test
    void javaNamesComeFromAThreadDumpByKernelId()
    {
        final Map<Long, String> names = JavaThreadNames.parse(String.join("\n",
            "\"flashgate-edge-poller-1\" #31 daemon prio=5 os_prio=0 cpu=1.2ms elapsed=3.4s tid=0x00007f00 nid=0x1c03 runnable",
            "   java.lang.Thread.State: RUNNABLE",
            "\"GC Thread#0\" os_prio=0 cpu=5.0ms elapsed=9.0s tid=0x00007f01 nid=7200 runnable"));
        assertEquals(Map.of(0x1c03L, "flashgate-edge-poller-1", 7200L, "GC Thread#0"), names);
        final Map<Long, String> mine = JavaThreadNames.ofThisJvm();
        assertTrue(mine.containsValue(Thread.currentThread().getName()), mine.toString());
    }

    /** The real /proc: a thread that spins shows its CPU, a sleeping one shows about none. */
    @Test
    @Timeout(30)
    void aBusyThreadOfThisJvmShowsCpuAndAnIdleOneAlmostNone() throws Exception
    {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc");
        final ProcTasks tasks = new ProcTasks(ProcTasks.PROC);
        final String self = Long.toString(ProcessHandle.current().pid());
        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch started = new CountDownLatch(2);
        final Thread busy = new Thread(() ->
        {
            started.countDown();
            long x = 0;
            while (!stop.get())
            {
                x += System.nanoTime() % 7;
            }
            assertTrue(x >= 0);
        }, "test-cpu-busy");
        final Thread idle = new Thread(() ->
        {
            started.countDown();
            while (!stop.get())
            {
                try
                {
                    Thread.sleep(50);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
            }
        }, "test-cpu-idle");
        busy.start();
        idle.start();
        try
        {
            started.await();
            final Map<Long, ProcTasks.Task> before = tasks.tasks(self);
            // not a fixed window: on a shared machine the spinner's share of a core is anyone's guess, so wait until
            // /proc shows it 30 ticks (0.3 s of CPU), however long that takes
            final AtomicReference<Map<Long, ProcTasks.Task>> after = new AtomicReference<>(before);
            Await.until(() -> "busy thread: " + delta(before, after.get(), "test-cpu-busy") + " ticks",
                Duration.ofSeconds(20), () ->
                {
                    after.set(tasks.tasks(self));
                    return delta(before, after.get(), "test-cpu-busy") >= 30;
                });
            final long busyTicks = delta(before, after.get(), "test-cpu-busy");
            final long idleTicks = delta(before, after.get(), "test-cpu-idle");
            // meanwhile the sleeper, awake a few µs every 50 ms, shows about none: a tenth of the spinner's at most
            assertTrue(idleTicks <= Math.max(2, busyTicks / 10), "idle thread: " + idleTicks + " ticks, while the "
                + "busy one showed " + busyTicks);
            assertTrue(tasks.process(self) >= after.get().values().stream().mapToLong(ProcTasks.Task::ticks).sum() - 5,
                "the process counts at least its live threads");
        }
        finally
        {
            stop.set(true);
            idle.interrupt();
            busy.join(5_000);
            idle.join(5_000);
        }
    }

    private static long delta(final Map<Long, ProcTasks.Task> before, final Map<Long, ProcTasks.Task> after,
        final String comm)
    {
        final Map.Entry<Long, ProcTasks.Task> now = after.entrySet().stream()
            .filter(e -> e.getValue().comm().equals(comm)).findFirst().orElse(null);
        assertNotNull(now, comm + " among " + after.values());
        final ProcTasks.Task then = before.get(now.getKey());
        return now.getValue().ticks() - (then != null ? then.ticks() : 0);
    }
}
