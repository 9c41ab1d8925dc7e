package io.flashgate.engine.pair;

import io.aeron.Aeron;
import io.flashgate.protocol.Reply;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.StandbyState;
import io.flashgate.testsupport.Await;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pair coordinated through three real ZooKeeper servers (docs/ARCHITECTURE.md, "Coordination through ZooKeeper"):
 * every single failure is handled with no operator, and the double failure that used to lose acknowledged orders
 * loses none. Each test has a pair root of its own in one ensemble shared by the class; the engines run on a real
 * media driver and reach each other, and each ZooKeeper server, through relays the test can cut.
 */
@Timeout(240)
class ZooKeeperPairTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int STOCK = 1_000;

    @TempDir
    static Path zookeeperFolder;
    private static ZooKeeperEnsemble ensemble;

    @TempDir
    Path folderA;
    @TempDir
    Path folderB;

    @BeforeAll
    static void startEnsemble() throws Exception
    {
        ensemble = new ZooKeeperEnsemble(zookeeperFolder);
    }

    @AfterAll
    static void stopEnsemble() throws Exception
    {
        if (ensemble != null)
        {
            ensemble.close();
        }
    }

    @Test
    void aDeadStandbyIsDroppedFromTheSynchronousSetThePrimarySellsAloneAndTheStandbyRejoins() throws Exception
    {
        final PairOnLoopback pair = zooKeeperPairInSync();
        final AeronEngineGateway toA = pair.a.sharedGateway();
        int next = 0;
        for (int r = 1; r <= 2; r++)
        {
            final int round = r;
            assertEquals(20, buy(toA, next, 20).size());
            next += 20;
            pair.b.stop();
            // No operator: A takes B out of the set in ZooKeeper, then sells alone.
            Await.until(() -> "round " + round + ": A sells alone: " + pair.a, WAIT,
                () -> pair.a.paired.state().role() == EngineRole.SOLO);
            assertEquals(List.of(pair.a.registryId()), pair.a.paired.registry().view().sync());
            assertEquals(20, buy(toA, next, 20).size(), "sold alone, every order acknowledged");
            next += 20;
            pair.b.start(false);
            Await.until(() -> "round " + round + ": B back in the set: " + pair.a + " " + pair.b, WAIT,
                () -> pair.a.isPrimaryInSync() && pair.a.paired.registry().view().sync().size() == 2);
        }
        final long last = pair.a.engine().lastPublishedSequence();
        assertEquals(pair.a.stateHashAt(last), pair.b.stateHashAt(last), "B holds all A sold, alone or not");
    }

    @Test
    void aDeadPrimarysStandbyInTheSetPromotesWithEveryAcknowledgedOrder() throws Exception
    {
        final PairOnLoopback pair = zooKeeperPairInSync();
        PairOnLoopback.Member primary = pair.a;
        PairOnLoopback.Member standby = pair.b;
        int next = 0;
        final List<Reply.Order> acknowledged = new ArrayList<>();
        for (int round = 1; round <= 2; round++)
        {
            final AeronEngineGateway toPrimary = primary.sharedGateway();
            acknowledged.addAll(buy(toPrimary, next, 30));
            next += 30;
            final long epoch = primary.paired.state().epoch();
            primary.stop();
            final PairOnLoopback.Member promoted = standby;
            Await.until(() -> "the standby promotes: " + promoted, WAIT,
                () -> promoted.paired.state().role() == EngineRole.SOLO);
            assertTrue(promoted.paired.state().epoch() > epoch);
            final AeronEngineGateway toPromoted = promoted.sharedGateway();
            assertTrue(toPromoted.awaitReachable(WAIT));
            assertAllPresent(toPromoted, acknowledged);
            primary.start(false);
            final PairOnLoopback.Member rejoined = primary;
            Await.until(() -> "the old primary rejoins: " + promoted + " " + rejoined, WAIT,
                promoted::isPrimaryInSync);
            standby = primary;
            primary = promoted;
        }
    }

    @Test
    void aCutLinkLeavesExactlyOneEngineSellingAndTheOtherRejoinsAfterTheHeal() throws Exception
    {
        final PairOnLoopback pair = zooKeeperPairInSync();
        final AeronEngineGateway toA = pair.a.sharedGateway();
        int next = 0;
        for (int round = 1; round <= 2; round++)
        {
            assertEquals(10, buy(toA, next, 10).size());
            next += 10;
            pair.cut();
            // A holds the leader node, so B (whose primary fell silent) is refused; A drops B and sells alone.
            Await.until(() -> "A sells alone: " + pair.a + " " + pair.b, WAIT,
                () -> pair.a.paired.state().role() == EngineRole.SOLO);
            Await.until(() -> "B is told why it waits: " + pair.b, WAIT,
                () -> pair.b.paired.state().hold() != null);
            assertEquals(EngineRole.STANDBY, pair.b.paired.state().role(), pair.b.paired.state().hold());
            assertEquals(10, buy(toA, next, 10).size());
            next += 10;
            pair.heal();
            Await.until(() -> "B back in sync: " + pair.a + " " + pair.b, WAIT,
                () -> pair.a.isPrimaryInSync() && pair.a.paired.registry().view().sync().size() == 2);
            assertEquals(EngineRole.STANDBY, pair.b.paired.state().role());
        }
        final long last = pair.a.engine().lastPublishedSequence();
        assertEquals(pair.a.stateHashAt(last), pair.b.stateHashAt(last));
    }

    /**
     * The double failure: A primary, B in sync; A dies; B promotes and sells alone; B dies; A starts first. A is not
     * in the synchronous set, so it waits (and says why) instead of selling on a history that lacks B's orders; when
     * B is back it leads again and every order it acknowledged alone is there. Twice, the second time the other way
     * round.
     */
    @Test
    void aDoubleFailureLosesNoAcknowledgedOrder() throws Exception
    {
        final PairOnLoopback pair = zooKeeperPairInSync();
        PairOnLoopback.Member first = pair.a;
        PairOnLoopback.Member second = pair.b;
        int next = 0;
        for (int round = 1; round <= 2; round++)
        {
            next = doubleFailure(first, second, next, round, "not in the synchronous set");
            final PairOnLoopback.Member swap = first;
            first = second;
            second = swap;
        }
    }

    /** The same double failure without ZooKeeper (the weaker mode): nothing is lost either. */
    @Test
    void withoutZooKeeperTheDoubleFailureLosesNothingEither() throws Exception
    {
        try (EmbeddedDriver driver = EmbeddedDriver.start(); Aeron aeron = driver.connect();
            PairOnLoopback pair = new PairOnLoopback(driver.aeronDirectory(), aeron, folderA, folderB))
        {
            pair.startInSync();
            createSale(pair.a.sharedGateway());
            PairOnLoopback.Member first = pair.a;
            PairOnLoopback.Member second = pair.b;
            int next = 0;
            for (int round = 1; round <= 2; round++)
            {
                next = doubleFailure(first, second, next, round, "waiting for the other engine");
                final PairOnLoopback.Member swap = first;
                first = second;
                second = swap;
            }
        }
    }

    /**
     * {@code first} leads, {@code second} is in sync. Returns the next user number. Afterwards {@code second} leads
     * and {@code first} is its standby, in sync.
     */
    private static int doubleFailure(final PairOnLoopback.Member first, final PairOnLoopback.Member second,
        final int from, final int round, final String firstWaitsBecause) throws Exception
    {
        int next = from;
        final List<Reply.Order> acknowledged = new ArrayList<>(buy(first.sharedGateway(), next, 10));
        next += 10;
        first.stop();
        Await.until(() -> "round " + round + ": " + second.name + " promotes: " + second, WAIT,
            () -> second.paired.state().role() == EngineRole.SOLO);
        final AeronEngineGateway toSecond = second.sharedGateway();
        assertTrue(toSecond.awaitReachable(WAIT));
        final List<Reply.Order> soldAlone = buy(toSecond, next, 10);
        acknowledged.addAll(soldAlone);
        next += 10;
        second.stop();

        first.start(true); // as ops/flashgate engine starts it: a candidate
        Await.until(() -> "round " + round + ": " + first.name + " waits and says why: " + first, WAIT,
            () -> first.paired.state().hold() != null && first.paired.state().hold().contains(firstWaitsBecause));
        assertEquals(EngineRole.STANDBY, first.paired.state().role(), first.paired.state().hold());

        second.start(true);
        Await.until(() -> "round " + round + ": " + second.name + " leads, " + first.name + " in sync: " + second +
            " " + first, WAIT, second::isPrimaryInSync);
        final AeronEngineGateway toLeader = second.sharedGateway();
        assertTrue(toLeader.awaitReachable(WAIT));
        assertAllPresent(toLeader, acknowledged);
        // A shopper who lost the answer retries with the same key: the original order, never a new one.
        for (int i = 0; i < soldAlone.size(); i++)
        {
            final Reply.Order retried = assertInstanceOf(Reply.Order.class, toLeader.purchase("zk", "user-" +
                (next - 10 + i), "key-" + (next - 10 + i), 1).get(10, TimeUnit.SECONDS));
            assertEquals(soldAlone.get(i).orderId(), retried.orderId(), "the same order on a retry");
        }
        return next;
    }

    @Test
    void zooKeeperWhollyUnreachableOrOneServerOfThreeDownChangesNothingOnThePurchasePath() throws Exception
    {
        final PairOnLoopback pair = zooKeeperPairInSync();
        final AeronEngineGateway toA = pair.a.sharedGateway();
        int next = 0;
        // One server of three down: the quorum stays, nothing visible changes.
        ensemble.kill(0);
        assertEquals(20, buy(toA, next, 20).size());
        next += 20;
        assertTrue(pair.a.isPrimaryInSync());
        ensemble.restart(0);

        // Both engines cut off from every server: still synchronous, roles unchanged, and they say so.
        for (int round = 1; round <= 2; round++)
        {
            pair.a.cutZooKeeper();
            pair.b.cutZooKeeper();
            Await.until("both engines see ZooKeeper unreachable", WAIT,
                () -> !pair.a.paired.registry().connected() && !pair.b.paired.registry().connected());
            assertEquals(20, buy(toA, next, 20).size());
            next += 20;
            assertTrue(pair.a.isPrimaryInSync(), pair.a.toString());
            assertEquals(EngineRole.STANDBY, pair.b.paired.state().role());
            pair.a.healZooKeeper();
            pair.b.healZooKeeper();
            Await.until("both engines reach ZooKeeper again", WAIT,
                () -> pair.a.paired.registry().connected() && pair.b.paired.registry().connected());
            assertEquals(20, buy(toA, next, 20).size());
            next += 20;
        }
        // And ZooKeeper still decides afterwards: the standby dies, the primary drops it and sells alone.
        pair.b.stop();
        Await.until(() -> "A sells alone: " + pair.a, WAIT,
            () -> pair.a.paired.state().role() == EngineRole.SOLO);
    }

    @Test
    void eitherEngineCutOffFromZooKeeperAloneChangesNothing() throws Exception
    {
        final PairOnLoopback pair = zooKeeperPairInSync();
        final AeronEngineGateway toA = pair.a.sharedGateway();
        int next = 0;
        for (final PairOnLoopback.Member cut : List.of(pair.a, pair.b, pair.a, pair.b))
        {
            cut.cutZooKeeper();
            Await.until(() -> cut.name + " sees ZooKeeper unreachable", WAIT,
                () -> !cut.paired.registry().connected());
            if (cut == pair.a)
            {
                // A's session has ended and its leader node with it, as B sees: B still does not promote.
                Await.until(() -> "A's leader node gone: " + pair.b.paired.registry().view(), WAIT, () ->
                {
                    pair.b.paired.registry().refresh();
                    return pair.b.paired.registry().view().leader() == 0;
                });
            }
            assertEquals(20, buy(toA, next, 20).size());
            next += 20;
            assertTrue(pair.a.isPrimaryInSync(), pair.a + " " + pair.b);
            assertEquals(EngineRole.STANDBY, pair.b.paired.state().role());
            cut.healZooKeeper();
            Await.until(() -> cut.name + " reaches ZooKeeper again", WAIT, () -> cut.paired.registry().connected());
            Await.until(() -> "A holds the leader node again: " + pair.a.paired.registry().view(), WAIT, () ->
            {
                pair.a.paired.registry().refresh();
                return pair.a.paired.registry().view().leader() == pair.a.registryId();
            });
        }
    }

    /**
     * A pair coordinated through this class's ensemble, on a media driver of the test's own, A leading and B in the
     * synchronous set, with the sale "zk" open; closed after the test.
     */
    private PairOnLoopback zooKeeperPairInSync() throws Exception
    {
        final EmbeddedDriver driver = EmbeddedDriver.start();
        opened.add(driver);
        final Aeron aeron = driver.connect();
        opened.add(aeron);
        final PairOnLoopback pair = PairOnLoopback.withZooKeeper(driver.aeronDirectory(), aeron, folderA, folderB,
            ensemble);
        opened.add(pair);
        startInSync(pair);
        createSale(pair.a.sharedGateway());
        return pair;
    }

    /** What a test opened, closed in reverse order. */
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeWhatTheTestOpened()
    {
        for (int i = opened.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(opened.get(i));
        }
    }

    private static void startInSync(final PairOnLoopback pair) throws Exception
    {
        // A first, until it leads (the first claim in an empty pair root); then B joins it.
        pair.a.start(true);
        Await.until(() -> "A leads: " + pair.a, WAIT, () -> pair.a.paired.state().role() == EngineRole.SOLO);
        pair.b.start(false);
        Await.until(() -> "A leads, B in sync: " + pair.a + " " + pair.b, WAIT,
            () -> pair.a.isPrimaryInSync() && pair.a.paired.registry().view().sync().size() == 2);
        assertEquals(StandbyState.IN_SYNC, pair.a.paired.state().standbyState());
    }

    private static void createSale(final AeronEngineGateway gateway) throws Exception
    {
        assertTrue(gateway.awaitReachable(WAIT));
        final long now = System.currentTimeMillis();
        assertInstanceOf(Reply.Sale.class, gateway.createSale("zk", STOCK, 1, now - 1_000, now + 3_600_000, 600)
            .get(10, TimeUnit.SECONDS));
    }

    private static List<Reply.Order> buy(final AeronEngineGateway gateway, final int from, final int count)
        throws Exception
    {
        final List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = from; i < from + count; i++)
        {
            replies.add(gateway.purchase("zk", "user-" + i, "key-" + i, 1));
        }
        final List<Reply.Order> orders = new ArrayList<>();
        for (final CompletableFuture<Reply> reply : replies)
        {
            orders.add(assertInstanceOf(Reply.Order.class, reply.get(10, TimeUnit.SECONDS)));
        }
        return orders;
    }

    private static void assertAllPresent(final AeronEngineGateway gateway, final List<Reply.Order> acknowledged)
        throws Exception
    {
        for (final Reply.Order order : acknowledged)
        {
            final Reply.Order found = assertInstanceOf(Reply.Order.class,
                gateway.queryOrder(order.orderId(), "").get(10, TimeUnit.SECONDS), "acknowledged order " + order);
            assertEquals(order.userId(), found.userId());
        }
    }
}
