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

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A burst at the engine's capacity (a real engine flooded by its in-process client, a real PostgreSQL): the journal
 * grows faster than the sink can apply it, so the sink stands aside, committing at most one batch every pace interval
 * while its lag (which counts the records it has not read yet) grows; once the burst is over it runs at full speed
 * again and the database equals the journal. With {@code standAside} off, the same burst finds the sink committing
 * all along.
 *
 * <p>The sink runs at a pace of {@value #PACE_MILLIS} ms here, not production's 5 s: the pace is the same code with
 * another interval, and every second of flood is a second's worth of records (some 100,000s) to drain and verify.
 *
 * <p>How many times the sink stands aside in one burst is not asserted: a flood paused for a moment by the scheduler
 * of a busy machine makes the journal slower than the sink, which rightly runs again, and stands aside again after.
 * What is asserted is what holds whatever the scheduling: it stands aside, a stand paces it, every stand ends, and it
 * catches up.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandAsideTest extends WithPostgres
{
    private static final int BATCH = 500;
    private static final long PACE_MILLIS = 500;
    private static final Duration PACE = Duration.ofMillis(PACE_MILLIS);
    /** Commits watched in one stand: two whole intervals between them. */
    private static final int PACED_COMMITS = 3;
    private static final int STANDS = 5;

    /** After the off case, as the class ran before: its 100,000s of orders keep PostgreSQL writing for a while. */
    @Test
    @Order(2)
    void inABurstTheSinkTakesABatchEveryPaceIntervalAndCatchesUpAfter() throws Exception
    {
        final SinkDatabase database = postgres.newDatabase();
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (SaleEngine sale = SaleEngine.start(dataDir, SaleEngine.T0);
            OrderSink sink = OrderSink.start(new SinkConfig(dataDir, database, BATCH, 5, true),
                new PrintStream(log, true, StandardCharsets.UTF_8), PACE))
        {
            sale.call(() -> sale.client.createSale("big", 50_000_000, 1_000_000, SaleEngine.T0,
                SaleEngine.T0 + 3_600_000, 600));
            final Flood flood = new Flood(sale);
            try
            {
                assertPacedWhileStandingAside(sink, sale);
            }
            finally
            {
                flood.stop();
            }
            final long last = sale.durable();
            // the journal's pace is taken over the last second: the stand ends about a second after the burst
            Await.until(() -> "the stand ends after the burst: " + sink.status().lagRecords() + " behind",
                Duration.ofSeconds(30), () -> !sink.status().standingAside());
            // a backlog of 100,000s of records at a batch every 500 ms would take far longer than this deadline
            Await.until(() -> "drained: " + sink.status().committedSequence() + " of " + last,
                Duration.ofSeconds(120), () -> sink.status().committedSequence() == last);
            assertFalse(sink.status().standingAside());
            assertEquals(0, sink.status().lagRecords());
            final long stands = sink.status().standAsides();
            assertTrue(stands >= 1, "stood aside during the burst");
            // the line comes just after the figures change: wait for it rather than read the log at once
            Await.until(() -> "every stand logged and ended at full speed (" + stands + " stands):\n" + log,
                Duration.ofSeconds(10), () -> count(log, "standing aside for a burst") == stands
                    && count(log, "full speed again after standing aside") == stands);
            final SinkVerify.Report report = SinkVerify.check(database, dataDir);
            assertTrue(report.equal(), report.text());
            assertEquals(flood.accepted(), report.orders(), "every acknowledged order is in the database");
        }
    }

    /**
     * Watches a stand for {@value #PACED_COMMITS} commits and asserts the pace: the sink waits a pace interval after a
     * batch before it takes the next, so the last of n commits counted from a moment inside one stand comes more than
     * (n - 1) intervals after that moment, however the threads are scheduled (a slow machine only makes it later),
     * while the journal outgrows the sink. A stand that ended meanwhile (the sink ran again, see the class comment)
     * proves nothing either way: the next stand is watched instead.
     */
    private static void assertPacedWhileStandingAside(final OrderSink sink, final SaleEngine sale)
    {
        final StringBuilder cut = new StringBuilder();
        for (int attempt = 0; attempt < STANDS; attempt++)
        {
            Await.until(() -> "the sink stands aside: " + sink.status().lagRecords() + " behind",
                Duration.ofSeconds(30), () -> sink.status().standingAside());
            // the clock before the count: every commit counted after it comes after this moment
            final long startedNanos = System.nanoTime();
            final long stand = sink.status().standAsides();
            final long commitsAtStart = sink.status().commits();
            final long committedAtStart = sink.status().committedSequence();
            final long headAtStart = sale.durable();
            Await.until(() -> PACED_COMMITS + " commits in a stand: " + (sink.status().commits() - commitsAtStart),
                Duration.ofSeconds(30), () -> sink.status().commits() - commitsAtStart >= PACED_COMMITS);
            final double seconds = (System.nanoTime() - startedNanos) / 1e9;
            final long commits = sink.status().commits() - commitsAtStart;
            final long committed = sink.status().committedSequence() - committedAtStart;
            final long written = sale.durable() - headAtStart;
            final long lag = sink.status().lagRecords();
            if (!sink.status().standingAside() || sink.status().standAsides() != stand)
            {
                cut.append(String.format(" stand %d ended within %.1f s;", stand, seconds));
                continue;
            }
            final String figures = String.format("%d commits (%,d records) in %.2f s of one stand, while the journal "
                + "grew by %,d; lag %,d", commits, committed, seconds, written, lag);
            assertTrue(seconds >= (commits - 1) * PACE_MILLIS / 1e3,
                "at most a batch every " + PACE_MILLIS + " ms: " + figures);
            assertTrue(written > committed, "the journal outgrew the sink: " + figures);
            // while standing aside the sink has read at most the batch it is committing: the rest is unread
            assertTrue(lag > BATCH, "lag counts the records not read yet: " + figures);
            return;
        }
        throw new AssertionError("no stand lasted " + PACED_COMMITS + " commits of " + STANDS + ":" + cut);
    }

    private static long count(final ByteArrayOutputStream log, final String line)
    {
        return log.toString(StandardCharsets.UTF_8).lines().filter(text -> text.contains(line)).count();
    }

    @Test
    @Order(1)
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
                final AtomicBoolean stood = new AtomicBoolean();
                // 10 batches: paced at one every 5 s they would take 45 s; at full speed a fraction of one
                Await.until(() -> "full speed through the burst: " + (sink.status().committedSequence()
                    - committedBefore) + " records committed", Duration.ofSeconds(30), () ->
                {
                    stood.compareAndSet(false, sink.status().standingAside());
                    return sink.status().committedSequence() - committedBefore >= 10L * BATCH;
                });
                assertFalse(stood.get(), "never stood aside");
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
