package io.flashgate.engine.pipeline;

import io.flashgate.engine.api.EngineClient;
import io.flashgate.protocol.Reply;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.journal.Journal;
import io.flashgate.journal.JournalConfig;
import io.flashgate.journal.Snapshot;
import io.flashgate.journal.SnapshotStore;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.testsupport.Await;
import org.agrona.DirectBuffer;
import java.time.Duration;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 5: replaying the journal, from the start or from a snapshot, reproduces the live event
 * stream byte for byte and the same state hash.
 */
@Timeout(120)
class DeterminismTest
{
    private static final long T0 = EngineTest.T0;

    @TempDir
    Path dataDir;

    @Test
    void replayFromZeroAndFromSnapshotReproducesTheLiveEventStream() throws Exception
    {
        final RecordingSink live = new RecordingSink();
        final EngineClient client = new EngineClient(1);
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0);
        final EngineConfig config = EngineTest.config(dataDir);
        long snapshotSequence = 0;
        try (Engine engine = Engine.start(config, (b, o, l) ->
        {
            live.onEvent(b, o, l);
            client.onEvent(b, o, l);
        }, clock))
        {
            client.attach(engine);
            snapshotSequence = runWorkload(client, clock, new Random(42), epoch ->
                Await.until("epoch " + epoch + " journaled", Duration.ofSeconds(10), () -> engine.beginEpoch(epoch)));
            final long sequence = engine.lastPublishedSequence();
            Await.until("all released", Duration.ofSeconds(10), () -> engine.stats().releasedSequence() >= sequence);
        }
        assertTrue(snapshotSequence > 0);

        try (Journal journal = Journal.open(JournalConfig.defaults(config.journalDirectory())))
        {
            // From the start.
            final RecordingSink fromZero = new RecordingSink();
            final BusinessLogic replayed = new BusinessLogic();
            journal.replay(0, (sequence, buffer, offset, length) -> replayed.onCommand(buffer, offset, length, fromZero));
            assertArrayEquals(live.bytes(0), fromZero.bytes(0), "replay from zero must emit the live bytes");
            assertEquals(SECOND_EPOCH, replayed.epochs().current(), "the promotions are replayed: " + replayed.epochs());
            assertEquals(2, replayed.epochs().size());

            // From the snapshot taken mid-run.
            final Snapshot snapshot = new SnapshotStore(config.snapshotDirectory()).loadNewest(Long.MAX_VALUE)
                .snapshot().orElseThrow();
            assertEquals(snapshotSequence, snapshot.sequence());
            final BusinessLogic restored = StateSnapshot.read(snapshot.state(), 0, snapshot.length());
            final RecordingSink fromSnapshot = new RecordingSink();
            journal.replay(snapshot.sequence(),
                (sequence, buffer, offset, length) -> restored.onCommand(buffer, offset, length, fromSnapshot));
            assertArrayEquals(live.bytes(snapshot.sequence()), fromSnapshot.bytes(0),
                "replay from the snapshot must emit the live bytes after it");
            assertEquals(StateSnapshot.stateHash(replayed), StateSnapshot.stateHash(restored));
            assertEquals(SECOND_EPOCH, restored.epochs().current(), "the snapshot carried the first epoch: " +
                restored.epochs());
            assertEquals(replayed.epochs().firstSequenceAfter(0), restored.epochs().firstSequenceAfter(0));

            // The engine's own recovery path agrees as well.
            final Recovery.Recovered recovered = Recovery.recover(journal, new SnapshotStore(config.snapshotDirectory()),
                16, (b, o, l) -> { });
            assertEquals(snapshot.sequence(), recovered.snapshotSequence());
            assertEquals(StateSnapshot.stateHash(replayed), StateSnapshot.stateHash(recovered.logic()));
        }

        // A damaged snapshot is skipped: recovery falls back to the journal from the start, same state.
        final Path snapshotFile = new SnapshotStore(config.snapshotDirectory()).list().get(0);
        final byte[] bytes = java.nio.file.Files.readAllBytes(snapshotFile);
        bytes[bytes.length / 2] ^= 0x10;
        java.nio.file.Files.write(snapshotFile, bytes);
        try (Journal journal = Journal.open(JournalConfig.defaults(config.journalDirectory())))
        {
            final Recovery.Recovered recovered = Recovery.recover(journal, new SnapshotStore(config.snapshotDirectory()),
                16, (b, o, l) -> { });
            assertEquals(0, recovered.snapshotSequence(), recovered.describe());
            assertEquals(1, recovered.skippedSnapshots().size(), recovered.describe());
            final BusinessLogic fromZero = new BusinessLogic();
            journal.replay(0, (sequence, buffer, offset, length) -> fromZero.onCommand(buffer, offset, length, (b, o, l) -> { }));
            assertEquals(StateSnapshot.stateHash(fromZero), StateSnapshot.stateHash(recovered.logic()));
        }
    }

    /** Two promotions (NEW_EPOCH records): one before the snapshot, one after it. */
    private static final long FIRST_EPOCH = (1L << 16) | 5;
    private static final long SECOND_EPOCH = (2L << 16) | 9;

    /**
     * A contested sale with cancels, confirmations, expiries, adjustments, and two new epochs journaled on the way
     * (through {@code newEpoch}); returns the snapshot's sequence.
     */
    static long runWorkload(final EngineClient client, final CachedEpochClock clock, final Random random,
        final java.util.function.LongConsumer newEpoch) throws Exception
    {
        get(client.createSale("flash", 300, 2, T0 + 1_000, T0 + 3_600_000, 20));
        get(client.createSale("slow", 50, 1, T0, T0 + 3_600_000, 5));
        final List<Long> orders = new ArrayList<>();
        long snapshotSequence = 0;
        for (int i = 0; i < 3_000; i++)
        {
            if (random.nextInt(10) == 0)
            {
                clock.advance(random.nextInt(3_000));
            }
            final String user = "u" + random.nextInt(400);
            final int pick = random.nextInt(100);
            final CompletableFuture<Reply> future;
            if (pick < 70)
            {
                future = client.purchase(random.nextBoolean() ? "flash" : "slow", user, "k" + random.nextInt(3),
                    1 + random.nextInt(2));
            }
            else if (pick < 80 && !orders.isEmpty())
            {
                future = client.cancel(orders.get(random.nextInt(orders.size())), user);
            }
            else if (pick < 88 && !orders.isEmpty())
            {
                future = client.confirm(orders.get(random.nextInt(orders.size())));
            }
            else if (pick < 92)
            {
                future = client.adjustStock("flash", random.nextInt(21) - 10);
            }
            else if (pick < 96)
            {
                future = client.expireReservations();
            }
            else
            {
                future = client.queryOrder(1 + random.nextInt(Math.max(1, orders.size())), "");
            }
            final Reply reply = get(future);
            if (reply instanceof Reply.Order order && order.isNew())
            {
                orders.add(order.orderId());
            }
            if (i == 500)
            {
                newEpoch.accept(FIRST_EPOCH);
            }
            if (i == 2_200)
            {
                newEpoch.accept(SECOND_EPOCH);
            }
            if (i == 1_500)
            {
                snapshotSequence = ((Reply.Ack)get(client.snapshot())).value();
            }
        }
        return snapshotSequence;
    }

    static Reply get(final CompletableFuture<Reply> future) throws Exception
    {
        return future.get(10, TimeUnit.SECONDS);
    }

    /** Keeps every event's bytes with the sequence of the command that caused it. */
    static final class RecordingSink implements EventSink
    {
        private final List<byte[]> events = new ArrayList<>();
        private final List<Long> sequences = new ArrayList<>();
        private final EventDecoder decoder = new EventDecoder();

        @Override
        public synchronized void onEvent(final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            decoder.wrapAndValidate(buffer, offset, length);
            events.add(copy);
            sequences.add(decoder.sequence());
        }

        /** All events of commands after {@code afterSequence}, concatenated. */
        synchronized byte[] bytes(final long afterSequence)
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < events.size(); i++)
            {
                if (sequences.get(i) > afterSequence)
                {
                    out.writeBytes(events.get(i));
                }
            }
            return out.toByteArray();
        }
    }
}
