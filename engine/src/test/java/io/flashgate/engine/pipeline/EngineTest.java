package io.flashgate.engine.pipeline;

import io.flashgate.engine.api.EngineClient;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.OrderStatus;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.SaleStatus;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole in-process pipeline with a real journal in a temp folder. */
@Timeout(60)
class EngineTest
{
    static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dataDir;

    static EngineConfig config(final Path dataDir)
    {
        return EngineConfig.defaults(dataDir).withTickIntervalMillis(0).withSnapshotEveryCommands(0).withRingSize(1024);
    }

    static Reply await(final CompletableFuture<Reply> future) throws Exception
    {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void sellsRecoversAndAnswersRetriesWithTheOriginalOrder() throws Exception
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0);
        final Reply.Order first;
        try (Running engine = Running.start(config(dataDir), clock))
        {
            final EngineClient client = engine.client;
            assertInstanceOf(Reply.Sale.class, await(client.createSale("flash", 2, 1, T0, T0 + 60_000, 30)));
            first = (Reply.Order)await(client.purchase("flash", "alice", "k1", 1));
            assertEquals(MessageTypes.ORDER_ACCEPTED, first.type());
            assertEquals(OrderStatus.RESERVED, first.status());
            assertEquals(T0 + 30_000, first.expiresAt());
            assertEquals(new Reply.Rejected(Reason.LIMIT_EXCEEDED), await(client.purchase("flash", "alice", "k2", 1)));
            assertEquals(MessageTypes.ORDER_ACCEPTED, ((Reply.Order)await(client.purchase("flash", "bob", "k1", 1))).type());
            assertEquals(new Reply.Rejected(Reason.SOLD_OUT), await(client.purchase("flash", "carol", "k1", 1)));
            final Reply.Sale sale = (Reply.Sale)await(client.querySale("flash"));
            assertEquals(SaleStatus.SOLD_OUT, sale.status());
            assertEquals(0, sale.remaining());
            // Operators' figures: six commands taken, journaled and released; the ring is idle again.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            EngineStats stats = engine.engine().stats();
            // The egress publishes its released sequence before the Disruptor frees the slot at the end of the batch.
            while ((stats.releasedSequence() < 6 || stats.ringRemaining() < stats.ringSize()) &&
                System.nanoTime() - deadline < 0)
            {
                Thread.onSpinWait();
                stats = engine.engine().stats();
            }
            assertEquals(6, stats.publishedSequence());
            assertEquals(6, stats.durableSequence());
            assertEquals(6, stats.releasedSequence());
            assertEquals(stats.ringSize(), stats.ringRemaining());
            assertTrue(stats.journalBatches() >= 1 && stats.journalBatches() <= 6, stats.toString());
            assertEquals(0, stats.refusedOffers());
        }

        // Restart on the same folder: everything acknowledged is still there.
        try (Running engine = Running.start(config(dataDir), clock))
        {
            final EngineClient client = engine.client;
            assertEquals(6, engine.engine().stats().recoveredSequence());
            final Reply.Order retried = (Reply.Order)await(client.purchase("flash", "alice", "k1", 1));
            assertEquals(MessageTypes.ORDER_REPLAYED, retried.type());
            assertEquals(first.orderId(), retried.orderId());
            assertEquals(new Reply.Rejected(Reason.UNKNOWN_ORDER), await(client.cancel(first.orderId(), "bob")));
            assertEquals(OrderStatus.CANCELLED, ((Reply.Order)await(client.cancel(first.orderId(), "alice"))).status());
            assertEquals(1, ((Reply.Sale)await(client.querySale("flash"))).remaining());
        }
    }

    @Test
    void reservationsExpireOnTheEnginesClockAndStockReturns() throws Exception
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0);
        try (Running engine = Running.start(config(dataDir), clock))
        {
            final EngineClient client = engine.client;
            await(client.createSale("flash", 1, 1, T0, T0 + 600_000, 10));
            final Reply.Order order = (Reply.Order)await(client.purchase("flash", "alice", "k1", 1));
            final List<Reply> broadcasts = new ArrayList<>();
            client.onBroadcast(reply ->
            {
                synchronized (broadcasts)
                {
                    broadcasts.add(reply);
                }
            });
            clock.advance(10_000);
            assertEquals(new Reply.Ack(1), await(client.expireReservations()));
            assertEquals(OrderStatus.EXPIRED, ((Reply.Order)await(client.queryOrder(order.orderId(), ""))).status());
            assertEquals(new Reply.Rejected(Reason.ORDER_NOT_CONFIRMABLE), await(client.confirm(order.orderId())));
            assertEquals(1, ((Reply.Sale)await(client.querySale("flash"))).remaining());
            synchronized (broadcasts)
            {
                assertTrue(broadcasts.stream().anyMatch(r -> r instanceof Reply.Order o && o.status() == OrderStatus.EXPIRED),
                    broadcasts::toString);
            }
        }
    }

    @Test
    void badInputIsRejectedWithAReasonAndTheEngineKeepsServingAndRestarting() throws Exception
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0);
        try (Running engine = Running.start(config(dataDir), clock))
        {
            final EngineClient client = engine.client;
            await(client.createSale("flash", 10, 2, T0, T0 + 60_000, 30));
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[512]);
            final CommandEncoder encoder = new CommandEncoder().wrap(bytes, 0);

            int length = encoder.purchase(1, 1001, "flash", "alice", "k", 1);
            bytes.putShort(0, (short)999);
            assertEquals(new Reply.Rejected(Reason.UNKNOWN_TYPE), await(client.submitRaw(bytes, 0, length, 1001)));

            length = encoder.purchase(1, 1002, "flash", "alice", "k", 1);
            assertEquals(new Reply.Rejected(Reason.MALFORMED), await(client.submitRaw(bytes, 0, length - 3, 1002)));

            length = encoder.purchase(1, 1003, "flash", "al ice", "k", 1);
            assertEquals(new Reply.Rejected(Reason.MALFORMED), await(client.submitRaw(bytes, 0, length, 1003)));

            length = encoder.purchase(1, 1004, "flash", "alice", "k", 1);
            bytes.putByte(40, (byte)200); // sale id length beyond the message
            assertEquals(new Reply.Rejected(Reason.MALFORMED), await(client.submitRaw(bytes, 0, length, 1004)));

            length = encoder.purchase(1, 1005, "flash", "alice", "k", 1);
            bytes.putShort(2, (short)9); // version
            assertEquals(new Reply.Rejected(Reason.UNSUPPORTED_VERSION), await(client.submitRaw(bytes, 0, length, 1005)));

            for (final long quantity : new long[] {0, -1, 3, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32})
            {
                assertEquals(new Reply.Rejected(Reason.INVALID_QUANTITY),
                    await(client.purchase("flash", "alice", "q" + quantity, quantity)), "quantity " + quantity);
            }
            assertEquals(new Reply.Rejected(Reason.UNKNOWN_SALE), await(client.purchase("nope", "alice", "k", 1)));
            assertEquals(new Reply.Rejected(Reason.UNKNOWN_ORDER), await(client.cancel(42, "alice")));
            assertEquals(new Reply.Rejected(Reason.UNKNOWN_ORDER), await(client.confirm(-1)));
            assertEquals(new Reply.Rejected(Reason.INVALID_ARGUMENT), await(client.adjustStock("flash", Long.MAX_VALUE)));
            assertEquals(new Reply.Rejected(Reason.INSUFFICIENT_STOCK), await(client.adjustStock("flash", Long.MIN_VALUE)));
            assertEquals(new Reply.Rejected(Reason.INVALID_ARGUMENT),
                await(client.createSale("bad", -5, 1, T0, T0 + 1, 1)));

            final byte[] garbage = new byte[300];
            new java.util.Random(7).nextBytes(garbage);
            assertTrue(engine.engine.offer(new UnsafeBuffer(garbage), 0, garbage.length));
            assertTrue(engine.engine.offer(new UnsafeBuffer(garbage), 0, 3));

            // Still serving, and nothing changed.
            assertEquals(MessageTypes.ORDER_ACCEPTED, ((Reply.Order)await(client.purchase("flash", "alice", "ok", 2))).type());
            assertEquals(8, ((Reply.Sale)await(client.querySale("flash"))).remaining());
        }
        // The bad records are in the journal too: replaying them must reject them again, not crash.
        try (Running engine = Running.start(config(dataDir), clock))
        {
            assertEquals(8, ((Reply.Sale)await(engine.client.querySale("flash"))).remaining());
        }
    }

    @Test
    void aFullRingIsBackPressureNotABlockedThread() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final EngineConfig config = config(dataDir).withRingSize(64);
        try (Engine engine = Engine.start(config, (buffer, offset, length) ->
        {
            try
            {
                release.await(30, TimeUnit.SECONDS); // a stuck consumer downstream
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }))
        {
            final EngineClient client = new EngineClient(1);
            client.attach(engine);
            int refused = 0;
            for (int i = 0; i < 1_000 && refused == 0; i++)
            {
                final CompletableFuture<Reply> future = client.querySale("x");
                if (future.isCompletedExceptionally())
                {
                    refused++;
                }
            }
            assertEquals(1, refused, "a full ring must refuse at once");
            assertFalse(engine.offer(new UnsafeBuffer(new byte[64]), 0, 64));
            release.countDown();
        }
    }

    @Test
    void aSnapshotPastTheJournalsEndIsSetAsideAndNeverLoadedLater(@TempDir final Path otherRun) throws Exception
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0);
        // Another history's snapshot at sequence 3: what a crash leaves when business logic wrote a snapshot
        // whose commands the journal writer never got to disk.
        try (Running ghost = Running.start(config(otherRun), clock))
        {
            await(ghost.client.createSale("ghost", 5, 1, T0, T0 + 60_000, 30));
            await(ghost.client.purchase("ghost", "eve", "k", 1));
            assertTrue(ghost.engine.requestSnapshot());
            await(ghost.client.querySale("ghost"));
        }
        final Path ghostSnapshot = new io.flashgate.journal.SnapshotStore(config(otherRun).snapshotDirectory()).list()
            .get(0);
        java.nio.file.Files.createDirectories(config(dataDir).snapshotDirectory());

        try (Running engine = Running.start(config(dataDir), clock))
        {
            await(engine.client.createSale("flash", 5, 1, T0, T0 + 60_000, 30));
        }
        java.nio.file.Files.copy(ghostSnapshot, config(dataDir).snapshotDirectory().resolve(ghostSnapshot.getFileName()));

        try (Running engine = Running.start(config(dataDir), clock))
        {
            assertTrue(engine.engine.recovered().skippedSnapshots().get(0).contains("set aside"),
                engine.engine.recovered().describe());
            // New commands now take sequences 2, 3, 4...: the ghost snapshot would claim them.
            await(engine.client.purchase("flash", "alice", "k", 1));
            await(engine.client.purchase("flash", "bob", "k", 1));
            await(engine.client.purchase("flash", "carol", "k", 1));
        }
        try (Running engine = Running.start(config(dataDir), clock))
        {
            assertEquals(0L, engine.engine.recovered().snapshotSequence());
            assertEquals(new Reply.Rejected(Reason.UNKNOWN_SALE), await(engine.client.querySale("ghost")));
            assertEquals(2, ((Reply.Sale)await(engine.client.querySale("flash"))).remaining());
        }
        assertTrue(java.nio.file.Files.exists(config(dataDir).snapshotDirectory()
            .resolve(ghostSnapshot.getFileName() + io.flashgate.journal.SnapshotStore.BEYOND_JOURNAL_SUFFIX)),
            "set aside, never deleted");
    }

    /** An engine with an in-process client attached; closes both. */
    record Running(Engine engine, EngineClient client) implements AutoCloseable
    {
        static Running start(final EngineConfig config, final org.agrona.concurrent.EpochClock clock) throws Exception
        {
            final EngineClient client = new EngineClient(1);
            final Engine engine = Engine.start(config, client.eventSink(), clock);
            client.attach(engine);
            return new Running(engine, client);
        }

        @Override
        public void close()
        {
            engine.close();
        }
    }
}
