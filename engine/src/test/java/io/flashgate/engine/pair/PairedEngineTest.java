package io.flashgate.engine.pair;

import io.aeron.Aeron;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.StandbyState;
import io.flashgate.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pair of real engines on a real media driver over UDP loopback (docs/ARCHITECTURE.md, "Hot standby and
 * failover"): the primary releases only what the standby holds, the standby takes over with every acknowledged order
 * when the primary goes, and an old primary's unreleased tail is set aside when it rejoins.
 */
@Timeout(120)
class PairedEngineTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path folderA;
    @TempDir
    Path folderB;

    @Test
    void theStandbyTakesOverWithEveryAcknowledgedOrderAndTheOldPrimaryRejoinsAsItsStandby() throws Exception
    {
        try (EmbeddedDriver driver = EmbeddedDriver.start(); Aeron aeron = driver.connect();
            PairOnLoopback pair = new PairOnLoopback(driver.aeronDirectory(), aeron, folderA, folderB))
        {
            pair.a.startPromoted();
            Await.until(() -> "A promotes itself: " + pair.a, WAIT, () -> pair.a.paired.state().role() == EngineRole.SOLO);
            final long firstEpoch = pair.a.paired.state().epoch();
            assertTrue(firstEpoch > 0);
            pair.b.start(false);
            Await.until(() -> "B in sync: " + pair.a + " " + pair.b, WAIT, () -> pair.a.isPrimaryInSync());
            // Each engine's stages (journaller, logic, replicator, egress) are agents of the Aeron duty cycle, not
            // threads (engine.stageLayout AERON_THREAD, the default).
            final List<String> agents = driver.dutyCycle().roleNames();
            for (final String stage : List.of("flashgate-journaller", "flashgate-logic", "flashgate-replicator",
                "flashgate-egress"))
            {
                assertEquals(2, agents.stream().filter(stage::equals).count(), agents::toString);
            }
            // So is each pair link: it reads the peer before the stages and does its duties after them.
            for (final String link : List.of("flashgate-pair-in", "flashgate-pair"))
            {
                assertEquals(2, agents.stream().filter(link::equals).count(), agents::toString);
            }
            assertTrue(agents.indexOf("flashgate-pair-in") < agents.indexOf("flashgate-journaller") &&
                agents.lastIndexOf("flashgate-pair") > agents.lastIndexOf("flashgate-egress"), agents::toString);
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(thread -> thread.isAlive() &&
                thread.getName().matches("flashgate-(journaller|logic|replicator|egress|pair)")), "a stage thread");

            final AeronEngineGateway toA = pair.a.gateway();
            assertTrue(toA.awaitReachable(WAIT));
            final long now = System.currentTimeMillis();
            assertInstanceOf(Reply.Sale.class, toA.createSale("pair", 1_000, 2, now - 1_000, now + 3_600_000, 600)
                .get(10, TimeUnit.SECONDS));
            final List<Reply.Order> acknowledged = buy(toA, "pair", 0, 300);
            assertEquals(300, acknowledged.size());
            final Reply.EngineStatus status = assertInstanceOf(Reply.EngineStatus.class,
                toA.queryEngine().get(10, TimeUnit.SECONDS));
            assertEquals(EngineRole.PRIMARY, status.role());
            assertEquals(firstEpoch, status.epoch());
            assertEquals(StandbyState.IN_SYNC, status.standby().state());

            final long last = pair.a.engine().lastPublishedSequence();
            assertEquals(pair.a.stateHashAt(last), pair.b.stateHashAt(last), "same state at sequence " + last);

            // The primary goes (closed: its threads stop at once, like a dead host): B promotes itself.
            toA.close();
            pair.a.stop();
            Await.until(() -> "B promoted: " + pair.b, WAIT, () -> pair.b.paired.state().role() == EngineRole.SOLO);
            assertTrue(pair.b.paired.state().epoch() > firstEpoch);
            final AeronEngineGateway toB = pair.b.gateway();
            assertTrue(toB.awaitReachable(WAIT));
            for (final Reply.Order order : acknowledged)
            {
                final Reply.Order found = assertInstanceOf(Reply.Order.class,
                    toB.queryOrder(order.orderId(), "").get(10, TimeUnit.SECONDS));
                assertEquals(order.userId(), found.userId());
            }
            assertEquals(100, buy(toB, "pair", 300, 100).size());

            // A comes back as the standby of the new epoch and catches up.
            pair.a.start(false);
            Await.until(() -> "A in sync behind B: " + pair.a + " " + pair.b, WAIT, () -> pair.b.isPrimaryInSync());
            final long lastB = pair.b.engine().lastPublishedSequence();
            assertEquals(pair.b.stateHashAt(lastB), pair.a.stateHashAt(lastB));
        }
    }

    /**
     * The standby's ring is far smaller than the primary's batches: its link, on the thread that also drains that ring,
     * cannot wait for room, so it leaves each message it cannot take in Aeron's log and reads it again. Nothing is
     * lost: the standby never keeps records past a gap (which catch-up would then fill), and both states agree. With
     * the stages on threads of their own the link does not count the retry as work, so it parks while they drain the
     * ring. (A standby whose threads a busy machine holds off for two heartbeats may get a catch-up round for having
     * stopped moving; that sends records it may already have, and proves nothing lost.)
     */
    @ParameterizedTest
    @EnumSource(io.flashgate.config.StageLayout.class)
    void aStandbyWhoseRingIsFullReadsThePrimarysMessagesAgainAndMissesNone(
        final io.flashgate.config.StageLayout standbyStages) throws Exception
    {
        try (EmbeddedDriver driver = EmbeddedDriver.start(); Aeron aeron = driver.connect();
            PairOnLoopback pair = new PairOnLoopback(driver.aeronDirectory(), aeron, folderA, folderB))
        {
            pair.b.ringSize = 64;
            pair.b.stageLayout = standbyStages;
            inSyncSelling(pair, "flood", 1_000_000, 1);
            final org.agrona.concurrent.UnsafeBuffer command = new org.agrona.concurrent.UnsafeBuffer(new byte[256]);
            final io.flashgate.protocol.CommandEncoder encoder = new io.flashgate.protocol.CommandEncoder()
                .wrap(command, 0);
            for (int i = 0; i < 100_000; i++)
            {
                final int length = encoder.purchase(7, i, "flood", "u" + i, "k" + i, 1);
                while (!pair.a.engine().offer(command, 0, length))
                {
                    Thread.onSpinWait();
                }
            }
            final long last = pair.a.engine().lastPublishedSequence();
            Await.until(() -> "B holds all of A's " + last + " commands: " + pair.b, Duration.ofSeconds(60),
                () -> pair.b.engine().durableSequence() >= last);
            assertTrue(pair.b.paired.state().intakeRingFull() > 0, "the standby's ring was never full");
            assertEquals(0, pair.a.paired.state().catchUpsForGaps(),
                () -> "catch-up rounds for records the live stream lost (catch-up sent " +
                    pair.a.paired.catchUpRecords() + " records in all)");
            assertEquals(pair.a.stateHashAt(last), pair.b.stateHashAt(last), "same state at sequence " + last);
        }
    }

    /**
     * A purchase after a quiet spell reaches the standby on the live stream. The primary must not take the moment
     * between journaling it and the standby's acknowledgement for a standby that stopped moving, and send it again
     * from the journal: each such round read the whole journal folder and, on the link's own thread, held back every
     * acknowledgement meanwhile.
     */
    @Test
    void aPurchaseAfterAQuietSpellIsNotSentAgainByCatchUp() throws Exception
    {
        try (EmbeddedDriver driver = EmbeddedDriver.start(); Aeron aeron = driver.connect();
            PairOnLoopback pair = new PairOnLoopback(driver.aeronDirectory(), aeron, folderA, folderB))
        {
            final AeronEngineGateway toA = inSyncSelling(pair, "quiet", 1_000, 1);
            for (int i = 0; i < 5; i++)
            {
                // The stimulus, not a wait for an outcome: more than two heartbeats without a command.
                Await.sleep(PairOnLoopback.HEARTBEAT.toMillis() * 4);
                assertEquals(1, buy(toA, "quiet", i, 1).size());
            }
            assertEquals(0, pair.a.paired.catchUpRecords(), "records sent again from the journal");
        }
    }

    @Test
    void aPrimaryWithoutItsStandbyReleasesNothingAndItsUnreleasedTailIsSetAsideWhenItRejoins() throws Exception
    {
        try (EmbeddedDriver driver = EmbeddedDriver.start(); Aeron aeron = driver.connect();
            PairOnLoopback pair = new PairOnLoopback(driver.aeronDirectory(), aeron, folderA, folderB))
        {
            final AeronEngineGateway toA = inSyncSelling(pair, "tail", 1_000, 2);
            assertEquals(50, buy(toA, "tail", 0, 50).size());

            // The standby goes: the primary (STOP) journals what it already took but releases none of it.
            pair.b.stop();
            final long sharedEnd = pair.b.paired == null ? pair.a.engine().lastPublishedSequence() : -1;
            final List<CompletableFuture<Reply>> held = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                held.add(toA.purchase("tail", "late-" + i, "k-" + i, 1));
            }
            // Once the primary has noticed its standby gone, every held purchase is answered without an order (each
            // answer is awaited below, so no window decides what is seen).
            Await.until(() -> "A without its standby: " + pair.a, WAIT,
                () -> pair.a.paired.state().standbyState() == StandbyState.ABSENT);
            for (final CompletableFuture<Reply> reply : held)
            {
                final Reply answer = reply.handle((r, ex) -> r).get(10, TimeUnit.SECONDS);
                assertFalse(answer instanceof Reply.Order, "released without its standby: " + answer);
            }
            final long tailEnd = pair.a.engine().durableSequence();
            toA.close();
            pair.a.stop();

            // B starts first and an operator promotes it (B holds every released result); then A rejoins as its standby.
            pair.b.startPromoted();
            Await.until(() -> "B promoted: " + pair.b, WAIT, () -> pair.b.paired.state().role() == EngineRole.SOLO);
            pair.a.start(false);
            Await.until(() -> "A in sync behind B: " + pair.a + " " + pair.b, WAIT, () -> pair.b.isPrimaryInSync());
            try (Stream<Path> files = Files.list(folderA.resolve("journal")))
            {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().contains(".set-aside-")),
                    "the unreleased tail after " + sharedEnd + " (to " + tailEnd + ") was set aside");
            }
            final AeronEngineGateway toB = pair.b.gateway();
            assertTrue(toB.awaitReachable(WAIT));
            assertEquals(10, buy(toB, "tail", 50, 10).size());
            final long lastB = pair.b.engine().lastPublishedSequence();
            assertEquals(pair.b.stateHashAt(lastB), pair.a.stateHashAt(lastB));
        }
    }

    @Test
    void theStandbyTakesTheSnapshotsSoThePrimaryNeverPausesForOne() throws Exception
    {
        try (EmbeddedDriver driver = EmbeddedDriver.start(); Aeron aeron = driver.connect();
            PairOnLoopback pair = new PairOnLoopback(driver.aeronDirectory(), aeron, folderA, folderB))
        {
            pair.startInSync();
            final AeronEngineGateway toA = pair.a.gateway();
            assertTrue(toA.awaitReachable(WAIT));
            final long now = System.currentTimeMillis();
            toA.createSale("snap", 100, 2, now - 1_000, now + 3_600_000, 600).get(10, TimeUnit.SECONDS);
            assertEquals(20, buy(toA, "snap", 0, 20).size());
            assertTrue(pair.a.engine().requestSnapshot());
            final long at = pair.a.engine().lastPublishedSequence();
            Await.until("the standby wrote the snapshot at " + at, WAIT, () -> snapshots(folderB) > 0);
            pair.b.stateHashAt(at);
            assertEquals(0, snapshots(folderA), "the primary, its standby in sync, leaves the snapshot to it");
        }
    }

    @Test
    void aStandbyThePrimarysJournalNoLongerReachesStartsFromItsSnapshotThenCatchesUp() throws Exception
    {
        try (EmbeddedDriver driver = EmbeddedDriver.start(); Aeron aeron = driver.connect();
            PairOnLoopback pair = new PairOnLoopback(driver.aeronDirectory(), aeron, folderA, folderB))
        {
            pair.a.startPromoted(64 * 1024);
            Await.until(() -> "A alone: " + pair.a, WAIT, () -> pair.a.paired.state().role() == EngineRole.SOLO);
            final AeronEngineGateway toA = pair.a.gateway();
            assertTrue(toA.awaitReachable(WAIT));
            final long now = System.currentTimeMillis();
            toA.createSale("old", 10_000, 2, now - 1_000, now + 3_600_000, 600).get(10, TimeUnit.SECONDS);
            assertEquals(1_500, buy(toA, "old", 0, 1_500).size());
            assertTrue(pair.a.engine().requestSnapshot());
            Await.until("A's snapshot", WAIT, () -> snapshots(folderA) > 0);
            assertEquals(500, buy(toA, "old", 1_500, 500).size());
            // An operator removed the journal segments the snapshot covers: the journal no longer starts at 1.
            final long snapshotAt = snapshotSequence(folderA);
            final List<Path> segments;
            try (Stream<Path> files = Files.list(folderA.resolve("journal")))
            {
                segments = files.filter(f -> f.getFileName().toString().endsWith(".seg")).sorted().toList();
            }
            int removed = 0;
            for (int i = 0; i + 1 < segments.size() && firstSequenceOf(segments.get(i + 1)) <= snapshotAt + 1; i++)
            {
                Files.delete(segments.get(i));
                removed++;
            }
            assertTrue(removed > 0, "segments " + segments + ", snapshot at " + snapshotAt);

            pair.b.start(false);
            Await.until(() -> "B in sync from the snapshot: " + pair.a + " " + pair.b, WAIT, () -> pair.a.isPrimaryInSync());
            assertTrue(pair.b.paired.restarts() >= 1, "B started again from the snapshot");
            assertEquals(100, buy(toA, "old", 2_000, 100).size());
            final long last = pair.a.engine().lastPublishedSequence();
            assertEquals(pair.a.stateHashAt(last), pair.b.stateHashAt(last), "same state at " + last);
        }
    }

    private static long snapshotSequence(final Path folder) throws java.io.IOException
    {
        try (Stream<Path> files = Files.list(folder.resolve("snapshots")))
        {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".snap"))
                .mapToLong(n -> Long.parseLong(n.replaceAll("\\D", ""))).max().orElseThrow();
        }
    }

    private static long firstSequenceOf(final Path segment)
    {
        return Long.parseLong(segment.getFileName().toString().replaceAll("\\D", ""));
    }

    private static long snapshots(final Path folder)
    {
        try (Stream<Path> files = Files.list(folder.resolve("snapshots")))
        {
            return files.filter(f -> f.getFileName().toString().endsWith(".snap")).count();
        }
        catch (final java.io.IOException ex)
        {
            return 0;
        }
    }


    /** A primary with B its standby in sync, and a sale open on A; @return the gateway to A. */
    private static AeronEngineGateway inSyncSelling(final PairOnLoopback pair, final String sale, final int stock,
        final int limit) throws Exception
    {
        pair.startInSync();
        final AeronEngineGateway toA = pair.a.gateway();
        assertTrue(toA.awaitReachable(WAIT));
        final long now = System.currentTimeMillis();
        assertInstanceOf(Reply.Sale.class, toA.createSale(sale, stock, limit, now - 1_000, now + 3_600_000, 600)
            .get(10, TimeUnit.SECONDS));
        return toA;
    }

    private static List<Reply.Order> buy(final AeronEngineGateway gateway, final String sale, final int from,
        final int count) throws Exception
    {
        final List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = from; i < from + count; i++)
        {
            replies.add(gateway.purchase(sale, "user-" + i, "key-" + i, 1));
        }
        final List<Reply.Order> orders = new ArrayList<>();
        for (final CompletableFuture<Reply> reply : replies)
        {
            orders.add(assertInstanceOf(Reply.Order.class, reply.get(10, TimeUnit.SECONDS)));
        }
        return orders;
    }
}
