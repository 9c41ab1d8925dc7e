package io.flashgate.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reply;
import io.flashgate.testsupport.Await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A contested sale with retries, cancels, confirms and expiries, written by a real engine into a real journal that
 * rolls across segments (with a NEW_EPOCH record and a snapshot among them); the sink, started mid-sale, follows it
 * into a real PostgreSQL. At the end the database's
 * sales and orders equal {@code replay rebuild} and {@code replay export} at the database's sequence, row for row,
 * and every order carries the stamped times of what happened to it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SinkMatchesReplayTest extends WithPostgres
{
    @Test
    void afterAContestedSaleTheDatabaseEqualsReplayExportAndRebuildRowForRow() throws Exception
    {
        final SinkDatabase database = postgres.newDatabase();
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final long t0 = SaleEngine.T0;
        OrderSink sink = null;
        try (SaleEngine sale = SaleEngine.start(dataDir, t0))
        {
            final var c = sale.client;
            sale.call(() -> c.createSale("drop", 60, 2, t0, t0 + 3_600_000, 60));
            sale.call(() -> c.createSale("calm", 1_000, 5, t0, t0 + 3_600_000, 600));
            final List<Reply.Order> first = rush(sale, "drop", 0, 300);
            // the sink starts mid-sale: it catches up from the journal's first record, then follows it
            sink = OrderSink.start(new SinkConfig(dataDir, database, 50, 5), new PrintStream(log, true,
                StandardCharsets.UTF_8));
            for (int i = 0; i < first.size(); i++)
            {
                final Reply.Order order = first.get(i);
                if (i % 3 == 0)
                {
                    sale.order(() -> c.confirm(order.orderId()));
                }
                else if (i % 5 == 1)
                {
                    sale.order(() -> c.cancel(order.orderId(), order.userId()));
                }
            }
            for (int i = 0; i < 40; i++)
            {
                final int n = i;
                sale.call(() -> c.purchase("calm", "calm-" + n, "k-" + n, 1 + n % 3));
            }
            // a retry returns the original order and changes nothing
            assertEquals(MessageTypes.ORDER_REPLAYED, sale.order(() -> c.purchase("drop",
                first.get(0).userId(), "key-" + first.get(0).userId(), 1)).type());
            // a promotion's NEW_EPOCH record (written by an engine, never by a client) changes no sale or order
            final UnsafeBuffer epoch = new UnsafeBuffer(new byte[64]);
            assertTrue(sale.engine.offer(epoch, 0, new CommandEncoder().wrap(epoch, 0).newEpoch(2)));
            sale.call(c::snapshot);
            sale.clock.advance(61_000);
            sale.call(c::expireReservations);
            final List<Reply.Order> second = rush(sale, "drop", 1_000, 200);
            assertFalse(second.isEmpty(), "expiry gave stock back");
            sale.call(() -> c.end("calm"));
            sale.call(() -> c.querySale("drop"));

            final long last = sale.durable();
            final OrderSink running = sink;
            Await.until(() -> "sink at " + running.status().committedSequence() + " of " + last,
                Duration.ofSeconds(30), () -> running.status().committedSequence() == last);
            assertEquals(0, sink.status().lagRecords());

            final SinkVerify.Report report = SinkVerify.check(database, dataDir);
            assertTrue(report.equal(), report.text());
            assertEquals(last, report.sequence());
            assertEquals(2, report.sales());
            assertEquals(first.size() + second.size() + 40, report.orders(), report.text());

            assertTimes(database, t0);
            assertVerifySeesATamperedRow(database);
        }
        finally
        {
            if (sink != null)
            {
                sink.close();
            }
        }
        assertTrue(sink.awaitStop() == null, log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anEmptyDatabaseBesideAJournalThatNoLongerStartsAtOneCatchesUpFromASnapshot() throws Exception
    {
        final SinkDatabase database = postgres.newDatabase();
        final long t0 = SaleEngine.T0;
        final long snapshotAt;
        try (SaleEngine sale = SaleEngine.start(dataDir, t0))
        {
            sale.call(() -> sale.client.createSale("drop", 10_000, 2, t0, t0 + 3_600_000, 60));
            final List<Reply.Order> early = rush(sale, "drop", 0, 2_000);
            assertEquals(2_000, early.size());
            sale.order(() -> sale.client.confirm(early.get(0).orderId()));
            sale.order(() -> sale.client.cancel(early.get(1).orderId(), early.get(1).userId()));
            sale.call(sale.client::snapshot);
            snapshotAt = sale.durable();
            assertEquals(50, rush(sale, "drop", 2_000, 50).size());
        }
        // older segments archived away: the journal now starts after sequence 1, the snapshot covers the gap
        final List<Path> segments;
        try (var files = java.nio.file.Files.list(dataDir.resolve("journal")))
        {
            segments = files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
        int removed = 0;
        for (int i = 0; i + 1 < segments.size(); i++)
        {
            final String next = segments.get(i + 1).getFileName().toString();
            if (Long.parseLong(next.substring(8, 28)) <= snapshotAt + 1)
            {
                java.nio.file.Files.delete(segments.get(i));
                removed++;
            }
        }
        assertTrue(removed > 0, "the journal no longer starts at 1: " + segments);

        try (SaleEngine sale = SaleEngine.start(dataDir, t0 + 1_000);
            OrderSink sink = OrderSink.start(new SinkConfig(dataDir, database, 100, 5), System.err))
        {
            assertTrue(sink.origin().contains("written whole (snapshot at " + snapshotAt), sink.origin());
            assertEquals(30, rush(sale, "drop", 3_000, 30).size());
            final long last = sale.durable();
            Await.until(() -> "sink at " + sink.status().committedSequence() + " of " + last, Duration.ofSeconds(30),
                () -> sink.status().committedSequence() == last);
            final SinkVerify.Report report = SinkVerify.check(database, dataDir);
            assertTrue(report.equal(), report.text());
            assertEquals(2_080, report.orders());
        }
    }

    /** Many buyers at once from 4 threads, 1 or 2 units each; returns the accepted orders. */
    private static List<Reply.Order> rush(final SaleEngine sale, final String saleId, final int firstBuyer,
        final int buyers) throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try
        {
            final List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < buyers; i++)
            {
                final String user = "u" + (firstBuyer + i);
                final int quantity = 1 + i % 2;
                replies.add(pool.submit(() -> sale.call(() -> sale.client.purchase(saleId, user, "key-" + user,
                    quantity))));
            }
            final List<Reply.Order> accepted = new ArrayList<>();
            for (final Future<Reply> reply : replies)
            {
                if (reply.get() instanceof Reply.Order order && order.type() == MessageTypes.ORDER_ACCEPTED)
                {
                    accepted.add(order);
                }
            }
            return accepted;
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    /** Every order has its creation time; each end state has its own time, and only that one. */
    private static void assertTimes(final SinkDatabase database, final long t0) throws Exception
    {
        final Map<String, Integer> byStatus = new TreeMap<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery("SELECT status, created_at IS NOT NULL, confirmed_at IS NOT NULL, "
                + "cancelled_at IS NOT NULL, expired_at IS NOT NULL, extract(epoch FROM created_at) * 1000, "
                + "last_sequence > 0 FROM flashgate.orders"))
        {
            while (row.next())
            {
                final String status = row.getString(1);
                byStatus.merge(status, 1, Integer::sum);
                assertTrue(row.getBoolean(2), "created_at");
                assertEquals(status.equals("CONFIRMED"), row.getBoolean(3), status + " confirmed_at");
                assertEquals(status.equals("CANCELLED"), row.getBoolean(4), status + " cancelled_at");
                assertEquals(status.equals("EXPIRED"), row.getBoolean(5), status + " expired_at");
                assertTrue(row.getLong(6) >= t0, "stamped times, not the sink's clock");
                assertTrue(row.getBoolean(7));
            }
        }
        for (final String status : List.of("RESERVED", "CONFIRMED", "CANCELLED", "EXPIRED"))
        {
            assertTrue(byStatus.getOrDefault(status, 0) > 0, "the sale has " + status + " orders: " + byStatus);
        }
    }

    /** The check is not blind: one changed row is one difference, named. */
    private void assertVerifySeesATamperedRow(final SinkDatabase database) throws Exception
    {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement())
        {
            statement.executeUpdate("UPDATE flashgate.orders SET status = 'CONFIRMED' WHERE order_id = "
                + "(SELECT min(order_id) FROM flashgate.orders WHERE status = 'RESERVED')");
        }
        final SinkVerify.Report report = SinkVerify.check(database, dataDir);
        assertEquals(1, report.differences().size(), report.text());
        assertTrue(report.differences().get(0).startsWith("order "), report.text());
    }
}
