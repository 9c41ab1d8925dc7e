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
 * grows faster than the sink can apply it, so the sink stands aside, committing at most one batch every 5 s while its
 * lag (which counts the records it has not read yet) grows; once the burst is over it runs at full speed again and
 * the database equals the journal. With {@code standAside} off, the same burst finds the sink committing all along.
 *
 * <p>How many times the sink stands aside in one burst is not asserted: a flood paused for a moment by the scheduler
 * of a busy machine makes the journal slower than the sink, which rightly runs again, and stands aside again after.
 * What is asserted is what holds whatever the scheduling: it stands aside, a stand paces it, every stand ends, and it
 * catches up.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StandAsideTest extends WithPostgres
{
    private static final int BATCH = 500;
    private static final long WINDOW_MILLIS = 3_000;
    private static final int WINDOWS = 5;

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
            // a backlog of 10,000s of records at a batch every 5 s would take far longer than this deadline
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
     * Watches a stand for {@value #WINDOW_MILLIS} ms and asserts the pace: the sink waits 5 s after a batch before the
     * next, so however the threads are scheduled a window of w seconds inside one stand holds at most w / 5 + 1
     * commits (+ 1 for one in flight at the start), a batch each, while the journal outgrows it. A window the stand
     * did not last through (the sink ran again meanwhile, see the class comment) proves nothing either way: the next
     * stand is watched instead.
     */
    private static void assertPacedWhileStandingAside(final OrderSink sink, final SaleEngine sale)
        throws InterruptedException
    {
        final StringBuilder cut = new StringBuilder();
        for (int window = 0; window < WINDOWS; window++)
        {
            Await.until(() -> "the sink stands aside: " + sink.status().lagRecords() + " behind",
                Duration.ofSeconds(30), () -> sink.status().standingAside());
            final long stand = sink.status().standAsides();
            final long committedAtStart = sink.status().committedSequence();
            final long headAtStart = sale.durable();
            final long startedNanos = System.nanoTime();
            Thread.sleep(WINDOW_MILLIS);
            final double seconds = (System.nanoTime() - startedNanos) / 1e9;
            final long committed = sink.status().committedSequence() - committedAtStart;
            final long written = sale.durable() - headAtStart;
            final long lag = sink.status().lagRecords();
            if (!sink.status().standingAside() || sink.status().standAsides() != stand)
            {
                cut.append(String.format(" stand %d ended within %.1f s;", stand, seconds));
                continue;
            }
            final String figures = String.format("%,d records committed in %.1f s of one stand, while the journal "
                + "grew by %,d; lag %,d", committed, seconds, written, lag);
            assertTrue(committed <= (long)(seconds / 5 + 2) * BATCH, "at most a batch every 5 s: " + figures);
            assertTrue(written > committed, "the journal outgrew the sink: " + figures);
            // while standing aside the sink has read at most the batch it is committing: the rest is unread
            assertTrue(lag > BATCH, "lag counts the records not read yet: " + figures);
            return;
        }
        throw new AssertionError("no stand lasted a " + WINDOW_MILLIS + " ms window of " + WINDOWS + ":" + cut);
    }

    private static long count(final ByteArrayOutputStream log, final String line)
    {
        return log.toString(StandardCharsets.UTF_8).lines().filter(text -> text.contains(line)).count();
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
