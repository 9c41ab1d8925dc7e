package io.flashgate.engine.pipeline;

import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.journal.Journal;
import io.flashgate.journal.JournalConfig;
import io.flashgate.journal.SnapshotStore;
import io.flashgate.protocol.OrderStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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
            final List<String> lines = runAndKill(run, 100 + random.nextInt(1_400));
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

    /** Starts the child, lets it trade for {@code millis} after READY, kills it with SIGKILL; returns its complete lines. */
    private List<String> runAndKill(final int run, final int millis) throws Exception
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        command.addAll(List.of(System.getProperty("flashgate.jvm.flags", "").split(" ")));
        command.removeIf(String::isBlank);
        command.addAll(List.of(CrashWorkload.class.getName(), dataDir.toString(), Integer.toString(run)));
        final Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final Thread reader = new Thread(() -> copy(child.getInputStream(), output), "crash-child-reader");
        reader.start();
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!contains(output, "READY") && child.isAlive() && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            Thread.sleep(millis);
        }
        finally
        {
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flush
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
            reader.join(30_000);
        }
        final String text;
        synchronized (output)
        {
            text = output.toString(StandardCharsets.US_ASCII);
        }
        // Only lines the child finished printing count: a torn last line was never fully "told".
        final List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1);
        return lines;
    }

    private static boolean contains(final ByteArrayOutputStream output, final String text)
    {
        synchronized (output)
        {
            return output.toString(StandardCharsets.US_ASCII).contains(text);
        }
    }

    private static void copy(final InputStream in, final ByteArrayOutputStream out)
    {
        final byte[] buffer = new byte[8192];
        try (in)
        {
            int read;
            while ((read = in.read(buffer)) > 0)
            {
                synchronized (out)
                {
                    out.write(buffer, 0, read);
                }
            }
        }
        catch (final java.io.IOException ignored)
        {
            // the child died: what was read is what it said
        }
    }
}
