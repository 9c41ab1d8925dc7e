package io.flashgate.engine.pipeline;

import io.flashgate.client.SaleRequest;
import io.flashgate.engine.api.EngineClient;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.DrawAlgorithm;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.journal.Journal;
import io.flashgate.journal.JournalConfig;
import io.flashgate.journal.Snapshot;
import io.flashgate.journal.SnapshotStore;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.SaleMode;
import io.flashgate.testsupport.Await;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.flashgate.engine.pipeline.DeterminismTest.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A draw is a function of the journal: a draw sale taken through the real pipeline (entries, replays, withdrawals,
 * a snapshot in the middle of the window, the draw, then expiries and cancels that move the waiting list) is
 * replayed from zero and from the snapshot, and both emit the live event bytes (the draw's record, every allocated
 * order) and reach the same state and the same draw order.
 */
@Timeout(120)
class DrawDeterminismTest
{
    private static final long T0 = EngineTest.T0;
    private static final String SEED = "2f1c0e9a7b35d4c8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcd";

    @TempDir
    Path dataDir;

    @Test
    void theDrawReplaysIdenticallyFromZeroAndFromASnapshotTakenMidWindow() throws Exception
    {
        final DeterminismTest.RecordingSink live = new DeterminismTest.RecordingSink();
        final EngineClient client = new EngineClient(1);
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0);
        final EngineConfig config = EngineTest.config(dataDir);
        final long snapshotSequence;
        final Reply.Draw draw;
        try (Engine engine = Engine.start(config, (b, o, l) ->
        {
            live.onEvent(b, o, l);
            client.onEvent(b, o, l);
        }, clock))
        {
            client.attach(engine);
            assertInstanceOf(Reply.Sale.class, get(client.request(new SaleRequest.CreateSale("drop", 40, 2, T0,
                T0 + 60_000, 30, SaleMode.DRAW, 0, DrawAlgorithm.seedHash(SEED)))));
            final Random random = new Random(7);
            long snapshot = 0;
            for (int i = 0; i < 1_500; i++)
            {
                final String user = "u" + random.nextInt(600);
                if (random.nextInt(12) == 0)
                {
                    get(client.request(new SaleRequest.Withdraw("drop", user)));
                }
                else
                {
                    get(client.request(new SaleRequest.Enter("drop", user, 1 + random.nextInt(2), null)));
                }
                if (i == 700)
                {
                    snapshot = ((Reply.Ack)get(client.snapshot())).value();
                }
                clock.advance(random.nextInt(60));
            }
            snapshotSequence = snapshot;
            clock.update(T0 + 60_000);
            draw = (Reply.Draw)get(client.request(new SaleRequest.RunDraw("drop", SEED)));
            assertTrue(draw.winners() > 0 && draw.waiting() > 0, draw.toString());
            // The waiting list moves: some winners cancel, the others' reservations expire.
            final List<Long> cancelled = new ArrayList<>();
            for (long order = 1; order <= 5; order++)
            {
                final Reply.Order o = (Reply.Order)get(client.queryOrder(order, ""));
                get(client.cancel(order, o.userId()));
                cancelled.add(order);
            }
            clock.advance(31_000);
            get(client.expireReservations());
            final Reply.Draw after = (Reply.Draw)get(client.request(new SaleRequest.QueryDraw("drop")));
            assertTrue(after.winners() > draw.winners(), "the waiting list was served: " + after);
            final long sequence = engine.lastPublishedSequence();
            Await.until("all released", Duration.ofSeconds(10), () -> engine.stats().releasedSequence() >= sequence);
        }
        assertTrue(snapshotSequence > 0);

        try (Journal journal = Journal.open(JournalConfig.defaults(config.journalDirectory())))
        {
            final DeterminismTest.RecordingSink fromZero = new DeterminismTest.RecordingSink();
            final BusinessLogic replayed = new BusinessLogic();
            journal.replay(0, (sequence, buffer, offset, length) -> replayed.onCommand(buffer, offset, length, fromZero));
            assertArrayEquals(live.bytes(0), fromZero.bytes(0), "replay from zero must emit the live bytes");

            final Snapshot snapshot = new SnapshotStore(config.snapshotDirectory()).loadNewest(Long.MAX_VALUE)
                .snapshot().orElseThrow();
            assertEquals(snapshotSequence, snapshot.sequence());
            final BusinessLogic restored = StateSnapshot.read(snapshot.state(), 0, snapshot.length());
            assertTrue(restored.saleFigures("drop").entries() > 0, "the snapshot was taken with entries in");
            final DeterminismTest.RecordingSink fromSnapshot = new DeterminismTest.RecordingSink();
            journal.replay(snapshot.sequence(),
                (sequence, buffer, offset, length) -> restored.onCommand(buffer, offset, length, fromSnapshot));
            assertArrayEquals(live.bytes(snapshot.sequence()), fromSnapshot.bytes(0),
                "replay from the mid-window snapshot must emit the live bytes after it");
            assertEquals(StateSnapshot.stateHash(replayed), StateSnapshot.stateHash(restored));
            assertEquals(replayed.drawOrder("drop"), restored.drawOrder("drop"));
            assertEquals(draw.entries(), replayed.drawOrder("drop").size());
        }
    }
}
