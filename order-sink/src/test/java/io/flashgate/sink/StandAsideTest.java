package io.flashgate.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flashgate.testsupport.Await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A burst at the engine's capacity (a real engine flooded by its in-process client, a real PostgreSQL): the journal
 * grows faster than the sink can apply it, so the sink stands aside, committing about one batch every 5 s while its
 * lag (which counts the records it has not read yet) grows; once the burst is over it runs at full speed again and
 * the database equals the journal. With {@code standAside} off, the same burst finds the sink committing all along.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class StandAsideTest extends WithPostgres
{
    private static final int BATCH = 500;

    @Test
    void inABurstTheSinkTakesABatchEveryFiveSecondsAndCatchesUpAfter() throws Exception
    {
        final SinkDatabase database = postgres.newDatabase();
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (SaleEngine sale = SaleEngine.start(dataDir, SaleEngine.T0);
            OrderSink sink = OrderSink.start(new SinkConfig(dataDir, database, BATCH, 5, true),
                new PrintStream(log, true, StandardCharsets.UTF_8)))
        {
            sale.call(() -> sale.client.createSale("big", 50_000_000, 1_000_000, SaleEngine.T0,
                SaleEngine.T0 + 3_600_000, 600));
            final Flood flood = new Flood(sale);
            try
            {
                Await.until(() -> "the sink stands aside: " + sink.status().lagRecords() + " behind",
                    Duration.ofSeconds(30), () -> sink.status().standingAside());
                final long committedAtStand = sink.status().committedSequence();
                final long headAtStand = sink.status().journalHead();
                final long stoodFrom = System.nanoTime();
                Thread.sleep(3_000);
                final double stood = (System.nanoTime() - stoodFrom) / 1e9;
                final long committed = sink.status().committedSequence() - committedAtStand;
                final long written = sink.status().journalHead() - headAtStand;
                assertTrue(sink.status().standingAside(), "still standing aside while the burst goes on");
                assertTrue(committed <= (stood / 5 + 2) * BATCH, "about a batch every 5 s: " + committed + " records in "
                    + stood + " s, while the journal grew by " + written);
                assertTrue(written > 10L * BATCH, "the journal grew much faster: " + written);
                assertTrue(sink.status().lagRecords() > 10L * BATCH, "lag counts the records not read yet: "
                    + sink.status().lagRecords());
            }
            finally
            {
                flood.stop();
            }
            final long last = sale.durable();
            Await.until(() -> "drained: " + sink.status().committedSequence() + " of " + last,
                Duration.ofSeconds(90), () -> sink.status().committedSequence() == last);
            assertFalse(sink.status().standingAside());
            assertEquals(0, sink.status().lagRecords());
            assertEquals(1, sink.status().standAsides());
            final String lines = log.toString(StandardCharsets.UTF_8);
            assertTrue(lines.contains("standing aside for a burst"), lines);
            assertTrue(lines.contains("full speed again after standing aside"), lines);
            final SinkVerify.Report report = SinkVerify.check(database, dataDir);
            assertTrue(report.equal(), report.text());
            assertEquals(flood.accepted(), report.orders(), "every acknowledged order is in the database");
        }
    }

    @Test
    void withStandAsideOffTheSinkCommitsThroughTheBurst() throws Exception
    {
        final SinkDatabase database = postgres.newDatabase();
        try (SaleEngine sale = SaleEngine.start(dataDir, SaleEngine.T0);
            OrderSink sink = OrderSink.start(new SinkConfig(dataDir, database, BATCH, 5, false),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        {
            sale.call(() -> sale.client.createSale("big", 50_000_000, 1_000_000, SaleEngine.T0,
                SaleEngine.T0 + 3_600_000, 600));
            final Flood flood = new Flood(sale);
            try
            {
                Await.until(() -> "the burst outgrows the sink: " + sink.status().lagRecords(),
                    Duration.ofSeconds(30), () -> sink.status().lagRecords() > 20L * BATCH);
                final long committedBefore = sink.status().committedSequence();
                Thread.sleep(3_000);
                final long committed = sink.status().committedSequence() - committedBefore;
                assertFalse(sink.status().standingAside());
                assertTrue(committed > 10L * BATCH, "full speed: " + committed + " records in 3 s");
            }
            finally
            {
                flood.stop();
            }
            assertEquals(0, sink.status().standAsides());
        }
    }

    /** Purchases as fast as the engine answers, 1,024 in flight, by 10,000 buyers under fresh keys. */
    private static final class Flood
    {
        private final AtomicBoolean on = new AtomicBoolean(true);
        private final Semaphore inFlight = new Semaphore(1024);
        private final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
        private final Thread sender;

        Flood(final SaleEngine sale)
        {
            sender = new Thread(() ->
            {
                for (long n = 0; on.get(); n++)
                {
                    inFlight.acquireUninterruptibly();
                    sale.client.purchase("big", "b" + (n % 10_000), "k" + n, 1).whenComplete((reply, failure) ->
                    {
                        if (reply instanceof io.flashgate.protocol.Reply.Order order
                            && order.type() == io.flashgate.protocol.MessageTypes.ORDER_ACCEPTED)
                        {
                            accepted.incrementAndGet();
                        }
                        inFlight.release();
                    });
                }
            }, "flood");
            sender.start();
        }

        void stop() throws InterruptedException
        {
            on.set(false);
            sender.join(10_000);
            assertTrue(inFlight.tryAcquire(1024, 10, TimeUnit.SECONDS), "every purchase answered");
        }

        long accepted()
        {
            return accepted.get();
        }
    }
}
