package io.flashgate.engine.pipeline;

import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.journal.Journal;
import io.flashgate.journal.JournalConfig;
import io.flashgate.journal.SnapshotStore;
import io.flashgate.protocol.OrderStatus;
import io.flashgate.processes.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 3 under real crashes: a child JVM runs the pipeline under a stream of purchases and is
 * killed with SIGKILL at a random moment, 20 times on the same data folder. After each kill, every
 * result the child printed (the engine released it) must be in the recovered state, and invariant 4
 * must hold.
 */
@Timeout(600)
class CrashRecoveryTest
{
    private static final int KILLS = 20;

    @TempDir
    Path dataDir;

    /** The children's stdout and stderr, apart from the data folder they crash in. */
    @TempDir
    Path logs;

    record Acked(long orderId, String user, String key, int quantity) {}

    @Test
    void everyReleasedResultSurvivesKillDashNine() throws Exception
    {
        final Random random = new Random(20261124L);
        final Map<Long, Acked> acked = new HashMap<>();
        final Set<Long> cancelled = new HashSet<>();
        int runsWithOrders = 0;
        for (int run = 0; run < KILLS; run++)
        {
            // Killed after a number of released orders, not after a time, so a busy machine cannot leave the runs
            // without orders; every fifth run is killed as soon as it is up (recovered, before it buys).
            final List<String> lines = runAndKill(run, run % 5 == 4 ? 0 : 80 + random.nextInt(200));
            assertTrue(!lines.isEmpty() && lines.get(0).startsWith("READY"), "child did not start: " + lines);
            int ordersThisRun = 0;
            for (final String line : lines)
            {
                final String[] f = line.split(" ");
                if (f[0].equals("ORDER"))
                {
                    final Acked a = new Acked(Long.parseLong(f[1]), f[2], f[3], Integer.parseInt(f[4]));
                    acked.put(a.orderId(), a);
                    ordersThisRun++;
                }
                else if (f[0].equals("CANCELLED"))
                {
                    cancelled.add(Long.parseLong(f[1]));
                }
            }
            if (ordersThisRun > 0)
            {
                runsWithOrders++;
            }
            verify(acked, cancelled);
        }
        assertTrue(runsWithOrders >= KILLS / 2, "too few runs got as far as buying: " + runsWithOrders);
        assertTrue(acked.size() > 1_000, "the workload released too little to prove anything: " + acked.size());
    }

    private void verify(final Map<Long, Acked> acked, final Set<Long> cancelled) throws Exception
    {
        final EngineConfig config = EngineConfig.defaults(dataDir);
        try (Journal journal = Journal.open(JournalConfig.defaults(config.journalDirectory())))
        {
            final BusinessLogic logic = Recovery.recover(journal, new SnapshotStore(config.snapshotDirectory()), 1024,
                (b, o, l) -> { }).logic();
            for (final Acked a : acked.values())
            {
                final BusinessLogic.OrderView order = logic.order(a.orderId());
                assertNotNull(order, "acknowledged order lost: " + a);
                assertEquals(a.user(), order.userId(), "order " + a.orderId());
                assertEquals(a.key(), order.idempotencyKey(), "order " + a.orderId());
                assertEquals(a.quantity(), order.quantity(), "order " + a.orderId());
                if (cancelled.contains(a.orderId()))
                {
                    assertEquals(OrderStatus.CANCELLED, order.status(), "acknowledged cancel lost: " + a);
                }
            }
            final BusinessLogic.SaleFigures sale = logic.saleFigures(CrashWorkload.SALE);
            assertTrue(sale.reserved() + sale.confirmed() <= sale.stock(), sale.toString());
            final Map<String, Integer> perUser = new HashMap<>();
            long live = 0;
            for (long id = 1; id <= logic.orderCount(); id++)
            {
                final BusinessLogic.OrderView order = logic.order(id);
                if (order.status().isLive())
                {
                    perUser.merge(order.userId(), order.quantity(), Integer::sum);
                    live += order.quantity();
                }
            }
            assertEquals(sale.reserved() + sale.confirmed(), live, "sale figures disagree with its orders");
            perUser.forEach((user, units) -> assertTrue(units <= CrashWorkload.LIMIT, user + " holds " + units));
        }
    }

    /**
     * Starts the child, lets it trade until it has told of {@code orders} orders (it goes on trading meanwhile), kills
     * it with SIGKILL; returns its complete lines.
     */
    private List<String> runAndKill(final int run, final int orders) throws Exception
    {
        try (ChildJvm child = ChildJvm.of(CrashWorkload.class, dataDir.toString(), Integer.toString(run))
            .heap("512m").jvmOption("-XX:+UseSerialGC").jvmOption("-XX:TieredStopAtLevel=1")
            .stdoutTo(logs.resolve("run-" + run + ".out"))
            .start(logs.resolve("run-" + run + ".log")))
        {
            child.awaitLine("READY", 1, Duration.ofSeconds(60));
            if (orders > 0)
            {
                child.awaitLine("ORDER", orders, Duration.ofSeconds(60));
            }
            child.killMinus9(); // SIGKILL on Linux: no shutdown hooks, no flush
            // Only lines the child finished printing count: a torn last line was never fully "told".
            return child.completeLines();
        }
    }
}
