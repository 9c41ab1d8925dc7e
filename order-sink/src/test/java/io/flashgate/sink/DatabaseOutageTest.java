package io.flashgate.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reply;
import io.flashgate.testsupport.Await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL stopped in the middle of a sale: the engine goes on acknowledging purchases (the sink takes nothing it
 * needs), the sink's lag grows while it retries, and once the database is back the lag drains to 0 and the database
 * equals the journal. Nothing was dropped.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DatabaseOutageTest extends WithPostgres
{
    @Test
    void theEngineKeepsSellingWhileTheDatabaseIsDownAndTheLagDrainsWhenItIsBack() throws Exception
    {
        final SinkDatabase database = postgres.newDatabase();
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final AtomicBoolean selling = new AtomicBoolean(true);
        final AtomicLong accepted = new AtomicLong();
        final long t0 = SaleEngine.T0;
        try (SaleEngine sale = SaleEngine.start(dataDir, t0);
            OrderSink sink = OrderSink.start(new SinkConfig(dataDir, database, 500, 5),
                new PrintStream(log, true, StandardCharsets.UTF_8)))
        {
            sale.call(() -> sale.client.createSale("big", 10_000_000, 1, t0, t0 + 3_600_000, 600));
            final Thread shoppers = new Thread(() ->
            {
                for (int n = 0; selling.get(); n++)
                {
                    final int user = n;
                    final Reply reply = sale.call(() -> sale.client.purchase("big", "s" + user, "k", 1));
                    if (reply instanceof Reply.Order order && order.type() == MessageTypes.ORDER_ACCEPTED)
                    {
                        accepted.incrementAndGet();
                    }
                    if (n % 50 == 0)
                    {
                        LockSupportSleep.millis(5);
                    }
                }
            }, "shoppers");
            shoppers.start();
            try
            {
                Await.until("the sink commits", Duration.ofSeconds(20), () -> sink.status().committedSequence() > 500);
                postgres.server.stop();
                final long acceptedAtStop = accepted.get();
                final long committedAtStop = sink.status().committedSequence();
                Await.until(() -> "the engine keeps acknowledging purchases: " + (accepted.get() - acceptedAtStop),
                    Duration.ofSeconds(30), () -> accepted.get() - acceptedAtStop >= 3_000);
                // The sink learns of the outage at its next write: wait for it to say so.
                Await.until("the sink reports the database down", Duration.ofSeconds(30),
                    () -> !sink.status().databaseUp());
                Await.until(() -> "lag grows while the database is down: " + sink.status().lagRecords(),
                    Duration.ofSeconds(30), () -> sink.status().lagRecords() > 2_000);
                assertTrue(sink.status().committedSequence() - committedAtStop <= 500,
                    "at most the batch in flight committed after the stop");
                assertTrue(sink.status().lagSeconds() >= 0);

                postgres.server.startServer();
                Await.until(() -> "lag drains: " + sink.status().lagRecords(), Duration.ofSeconds(30),
                    () -> sink.status().databaseUp() && sink.status().lagRecords() < 1_000);
            }
            finally
            {
                selling.set(false);
                shoppers.join(10_000);
            }
            final long last = sale.durable();
            Await.until(() -> "sink at " + sink.status().committedSequence() + " of " + last, Duration.ofSeconds(30),
                () -> sink.status().committedSequence() == last);
            assertEquals(0, sink.status().lagRecords());
            assertEquals(0.0, sink.status().lagSeconds());
            assertTrue(sink.status().databaseFailures() > 0);
            final String lines = log.toString(StandardCharsets.UTF_8);
            assertTrue(lines.contains("database write failed, retrying with backoff"), lines);
            assertTrue(lines.contains("database back after"), lines);

            final SinkVerify.Report report = SinkVerify.check(database, dataDir);
            assertTrue(report.equal(), report.text());
            assertEquals(accepted.get(), report.orders(), "every acknowledged order is in the database");
            assertNull(sink.status().waitingOn());
        }
        assertFalse(log.toString(StandardCharsets.UTF_8).contains("\tat "), "one line each, no stack trace");
    }

    /** Sleeps without caring for interrupts: a pacing pause for the shoppers' thread. */
    private static final class LockSupportSleep
    {
        static void millis(final long millis)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
        }
    }
}
