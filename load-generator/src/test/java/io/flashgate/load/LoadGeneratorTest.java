package io.flashgate.load;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Short real runs of the generator: correctness checks pass, and they catch a cheating system. */
class LoadGeneratorTest
{
    @TempDir
    Path dir;

    private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void theWorkloadIsAPermutationPerRoundAndDuplicatesReuseTheBuyersPreviousKey()
    {
        final Workload workload = new Workload(1000, 0.1);
        final Set<Integer> round = new HashSet<>();
        for (long i = 0; i < 1000; i++)
        {
            round.add(workload.buyer(i));
            assertFalse(workload.isDuplicate(i), "a first request cannot re-send a key");
        }
        assertEquals(1000, round.size());
        int duplicates = 0;
        for (long i = 1000; i < 100_000; i++)
        {
            assertEquals(workload.buyer(i), workload.buyer(i - 1000));
            if (workload.isDuplicate(i))
            {
                duplicates++;
                assertEquals(workload.idempotencyKey(i - 1000), workload.idempotencyKey(i));
            }
            else
            {
                assertEquals("k" + i, workload.idempotencyKey(i));
            }
        }
        assertTrue(duplicates > 8_000 && duplicates < 11_000, "duplicates " + duplicates);
    }

    @Test
    @Timeout(60)
    void aShortOpenLoopRunAgainstTheEngineOverAeronUdpPassesEveryCheckAndWritesItsReports() throws Exception
    {
        final Workload workload = new Workload(300, 0.2);
        final OpenLoop.Result result;
        try (AeronTarget target = AeronTarget.start(dir.resolve("journal"), 300))
        {
            final int stock = workload.stockFor(2000, 2);
            result = new OpenLoop(quiet).run(target, workload,
                new OpenLoop.Phase("2000/s", "t1", stock, 2, 2000, 4096, 1.0, 20));
        }
        assertTrue(result.verdict().passed(), result.verdict().toString());
        assertTrue(result.sent() >= 1900 && result.sent() <= 2001, "sent " + result.sent());
        assertEquals(result.sent(), result.answered());
        assertEquals(result.verdict().expectedSold(), result.verdict().soldObserved());
        assertTrue(result.verdict().duplicatesSent() > 0);
        assertEquals(result.answered(), result.histogram().getTotalCount());
        // The engine, its driver and the gateway run in this JVM: their threads are the system, the pacer is not.
        final CpuUse cpu = result.cpuUse();
        assertTrue(cpu.measured() && cpu.systemInThisJvm(), cpu.toString());
        final double micros = CpuUse.micros(cpu.systemTicks(), result.answered());
        assertTrue(micros > 0 && Double.isFinite(micros), "system µs per purchase " + micros);
        assertTrue(cpu.systemTicks() <= cpu.selfTicks(), "the generator is not counted in the system");
        // Over UDP every stage of the engine is an agent of the Aeron duty cycle (engine.stageLayout AERON_THREAD).
        assertTrue(cpu.selfGroups().keySet().stream().anyMatch(g -> List.of("aeron duty cycle", "driver", "logic",
            "egress", "ingress", "journaller", "gateway poller").contains(g)), "engine thread groups: " +
            cpu.selfGroups());
        assertTrue(result.cpuPerPurchase().startsWith("cpu per purchase: flashgate-aeron "), result.cpuPerPurchase());

        Report.writeHgrm(dir, List.of(result));
        final PercentilePlot plot = PercentilePlot.of("test", List.of(result));
        plot.writePng(dir.resolve("p.png"));
        HtmlReport.write(dir.resolve("r.html"), List.of("line"), plot, List.of(result), "p.png");
        assertTrue(Files.readString(dir.resolve("flashgate-aeron-2000.hgrm")).contains("#[Mean"));
        assertTrue(Files.size(dir.resolve("p.png")) > 1000);
        final String html = Files.readString(dir.resolve("r.html"));
        assertTrue(html.contains("new Chart(") && html.length() > 150_000, "Chart.js inlined");
        assertFalse(html.contains("src=\"http"), "no network at view time");
        assertTrue(html.contains("<h2 id=\"cpu\">CPU per purchase</h2>") && html.contains("<h3>2,000/s open loop</h3>")
            && html.contains("<th>CPU µs per purchase</th>"), "the CPU table of the phase");
    }

    /** The generator's work is on flashgate-bench-* threads, so it is counted apart from a system in this JVM. */
    @Test
    @Timeout(60)
    void theGeneratorsThreadsAreNamedAsSuchAndTheirCpuIsNotTheSystems() throws Exception
    {
        final Set<String> sendingThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final Target spinning = new Target()
        {
            @Override
            public String name()
            {
                return "spinning";
            }

            @Override
            public void createSale(final String saleId, final int stock, final int limitPerUser)
            {
            }

            @Override
            public void purchase(final String saleId, final long index, final String userId, final String key,
                final Completion done)
            {
                sendingThreads.add(Thread.currentThread().getName());
                // the generator's own work, on its own thread: 300 µs of its CPU (not of the wall clock, which a busy
                // machine would fill with other processes' turns)
                final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
                final long until = threads.getCurrentThreadCpuTime() + 300_000;
                while (threads.getCurrentThreadCpuTime() < until)
                {
                    Thread.onSpinWait();
                }
                done.complete(Outcome.SOLD_OUT, 0);
            }

            @Override
            public SaleFigures figures(final String saleId, final int limitPerUser)
            {
                return new SaleFigures(0, 0, -1);
            }

            @Override
            public boolean runsInThisJvm()
            {
                return true;
            }

            @Override
            public void close()
            {
            }
        };
        final OpenLoop.Result result = new OpenLoop(quiet).run(spinning, new Workload(300, 0),
            new OpenLoop.Phase("2000/s", "g", 0, 2, 2000, 4096, 1.0, 5));
        assertEquals(Set.of("flashgate-bench-pacer"), sendingThreads);
        final CpuUse cpu = result.cpuUse();
        Assumptions.assumeTrue(cpu.measured(), "Linux /proc");
        // each purchase sent is 300 µs of the pacer's CPU, 3 ticks for 100, whatever the scheduling; /proc samples
        // ticks, so ask for a third of that
        assertTrue(result.sent() >= 100, "sent " + result.sent());
        assertTrue(cpu.generatorTicks() >= result.sent() * 3 / 100 / 3, "generator, " + result.sent() + " sent: "
            + cpu.selfGroups());
        assertEquals(cpu.selfTicks() - cpu.generatorTicks(), cpu.systemTicks());
    }

    @Test
    @Timeout(60)
    void theRedisLuaPeerSellsTheSameSaleCorrectlyWithAndWithoutPipelining() throws Exception
    {
        final String binary = RedisServer.findBinary();
        Assumptions.assumeTrue(binary != null, "redis-server not installed (ops/redis-peer.sh installs it)");
        final Workload workload = new Workload(300, 0.2);
        try (RedisServer redis = RedisServer.start(binary))
        {
            CpuWatch.peer(redis.pid(), "redis-server");
            for (final boolean pipelined : new boolean[] {false, true})
            {
                try (RedisLuaTarget target = new RedisLuaTarget(redis, pipelined, 4, 64))
                {
                    final int stock = workload.stockFor(2000, 2);
                    final OpenLoop.Result result = new OpenLoop(quiet).run(target, workload,
                        new OpenLoop.Phase("2000/s", "s" + pipelined, stock, 2, 2000, 4096, 1.0, 20));
                    assertTrue(result.verdict().passed(), result.verdict().toString());
                    assertEquals(result.sent(), result.answered());
                    assertEquals(stock, result.verdict().soldObserved());
                    final CpuUse cpu = result.cpuUse();
                    assertTrue(!cpu.systemInThisJvm() && "redis-server".equals(cpu.peerName()), cpu.toString());
                    assertEquals(cpu.peerTicks(), cpu.systemTicks(), "the system is the redis-server process");
                    assertEquals(cpu.selfTicks(), cpu.generatorTicks(), "this whole JVM is the generator");
                }
            }
        }
        finally
        {
            CpuWatch.peer(-1, "peer");
        }
    }

    @Test
    void thePacerSendsWhileItHasBothRequestsAndTimeLeftAndStopsWhenEitherRunsOut()
    {
        assertTrue(OpenLoop.keepsSending(1, 1));
        assertTrue(OpenLoop.keepsSending(Integer.MAX_VALUE, Long.MAX_VALUE));
        assertFalse(OpenLoop.keepsSending(0, 1_000_000_000L), "every request sent");
        assertFalse(OpenLoop.keepsSending(-1, 1_000_000_000L));
        assertFalse(OpenLoop.keepsSending(1_000, 0), "the phase's time is up");
        assertFalse(OpenLoop.keepsSending(1_000, -5));
        assertFalse(OpenLoop.keepsSending(0, 0));
    }

    @Test
    void theVerdictCatchesOversellingBrokenLimitsAndInconsistentRetries()
    {
        final Workload workload = new Workload(10, 0.0);
        final Ledger ledger = new Ledger(30);
        // 30 requests, 3 per buyer, limit 2, stock 5: an honest system sells 5.
        for (int i = 0; i < 30; i++)
        {
            ledger.record(i, i < 25 ? Outcome.ACCEPTED : Outcome.SOLD_OUT, 1000 + i);
        }
        final Verdict oversold = Verdict.check(workload, ledger, 30, 5, 2, new Target.SaleFigures(25, -20, -1));
        assertFalse(oversold.passed());
        assertTrue(oversold.failures().stream().anyMatch(f -> f.startsWith("oversold")), oversold.failures().toString());
        assertTrue(oversold.failures().stream().anyMatch(f -> f.contains("> limit")), oversold.failures().toString());

        final Ledger honest = new Ledger(30);
        for (int i = 0; i < 30; i++)
        {
            honest.record(i, i < 5 ? Outcome.ACCEPTED : Outcome.SOLD_OUT, i < 5 ? 1000 + i : 0);
        }
        final Verdict ok = Verdict.check(workload, honest, 30, 5, 2, new Target.SaleFigures(5, 0, 1));
        assertTrue(ok.passed(), ok.failures().toString());

        final Workload retries = new Workload(10, 0.999);
        final Ledger twice = new Ledger(20);
        for (int i = 0; i < 20; i++)
        {
            twice.record(i, Outcome.ACCEPTED, 1000 + i); // the re-sent key got a second order
        }
        final Verdict doubled = Verdict.check(retries, twice, 20, 100, 5, new Target.SaleFigures(20, 80, -1));
        assertFalse(doubled.passed());
    }
}
