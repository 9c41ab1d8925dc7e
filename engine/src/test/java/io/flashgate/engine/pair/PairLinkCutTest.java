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

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The link between primary and standby is cut (both processes live on, each behind a {@link
 * io.flashgate.processes.UdpRelay} the test controls): the primary stops releasing, the standby takes over under a
 * newer epoch, and once the link is back the old primary releases nothing, is fenced, sets its unreleased tail aside
 * and rejoins as the standby. No order is acknowledged twice; a purchase refused during the cut, retried with its
 * key on the new primary, gets one order.
 */
@Timeout(120)
class PairLinkCutTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path folderA;
    @TempDir
    Path folderB;

    @Test
    void afterACutTheOldPrimaryReleasesNothingAndNoOrderIsAcknowledgedTwice() throws Exception
    {
        try (EmbeddedDriver driver = EmbeddedDriver.start(); Aeron aeron = driver.connect();
            PairOnLoopback pair = PairOnLoopback.viaRelays(driver.aeronDirectory(), aeron, folderA, folderB))
        {
            pair.startInSync();
            final AeronEngineGateway toA = pair.a.gateway();
            final AeronEngineGateway toB = pair.b.gateway();
            assertTrue(toA.awaitReachable(WAIT));
            final long now = System.currentTimeMillis();
            toA.createSale("cut", 10_000, 1, now - 1_000, now + 3_600_000, 600).get(10, TimeUnit.SECONDS);
            final List<Reply.Order> acknowledged = new ArrayList<>(buy(toA, "before-", 100));
            final long epochBefore = pair.a.paired.state().epoch();

            pair.cut();
            final List<CompletableFuture<Reply>> duringCut = new ArrayList<>();
            for (int i = 0; i < 30; i++)
            {
                duringCut.add(toA.purchase("cut", "during-" + i, "key-during-" + i, 1));
                Await.sleep(20);
            }
            Await.until(() -> "B promoted while cut off: " + pair.b, WAIT,
                () -> pair.b.paired.state().role() == EngineRole.SOLO);
            assertTrue(pair.b.paired.state().epoch() > epochBefore);
            assertEquals(EngineRole.PRIMARY, pair.a.paired.state().role(), "A never hears of it while cut");
            assertEquals(StandbyState.ABSENT, pair.a.paired.state().standbyState());
            assertTrue(toB.awaitReachable(WAIT));
            acknowledged.addAll(buy(toB, "after-", 50));

            // What A says of itself each time it starts again in place, before it takes anything: a standby, and
            // released no further than where B's epoch began (its tail after that is set aside, never released).
            final long bEpochStart = pair.b.engine().epochs().currentStart();
            final List<String> restartedAs = new java.util.concurrent.CopyOnWriteArrayList<>();
            pair.a.onEngineStarted = engine -> restartedAs.add(engine.pair().role() + " released " +
                engine.stats().releasedSequence() + " journal end " + engine.stats().recoveredSequence());
            pair.heal();
            Await.until(() -> "A rejoins as B's standby: " + pair.a + " " + pair.b, WAIT, () -> pair.b.isPrimaryInSync());
            assertTrue(pair.a.paired.restarts() >= 1, "A started again as the standby");
            assertFalse(restartedAs.isEmpty());
            for (final String started : restartedAs)
            {
                final long released = Long.parseLong(started.split(" ")[2]);
                assertTrue(started.startsWith("STANDBY ") && released < bEpochStart,
                    "A restarted in place as " + started + "; B's epoch began at " + bEpochStart);
            }
            for (final CompletableFuture<Reply> reply : duringCut)
            {
                final Reply answer = reply.handle((r, ex) -> r).get(10, TimeUnit.SECONDS);
                assertFalse(answer instanceof Reply.Order, "A released during or after the cut: " + answer);
            }

            // Retried with its key on the new primary: one order each, and the same one again.
            for (int i = 0; i < 5; i++)
            {
                final Reply.Order first = assertInstanceOf(Reply.Order.class,
                    toB.purchase("cut", "during-" + i, "key-during-" + i, 1).get(10, TimeUnit.SECONDS));
                final Reply.Order again = assertInstanceOf(Reply.Order.class,
                    toB.purchase("cut", "during-" + i, "key-during-" + i, 1).get(10, TimeUnit.SECONDS));
                assertEquals(first.orderId(), again.orderId());
                assertFalse(again.isNew());
                acknowledged.add(first);
            }
            final Set<Long> ids = new HashSet<>();
            final Set<String> users = new HashSet<>();
            for (final Reply.Order order : acknowledged)
            {
                assertTrue(ids.add(order.orderId()), "order acknowledged twice: " + order);
                assertTrue(users.add(order.userId()), "two orders for one user (limit 1): " + order);
                final Reply.Order found = assertInstanceOf(Reply.Order.class,
                    toB.queryOrder(order.orderId(), "").get(10, TimeUnit.SECONDS));
                assertEquals(order.userId(), found.userId());
            }
            final Reply.Sale sale = assertInstanceOf(Reply.Sale.class, toB.querySale("cut").get(10, TimeUnit.SECONDS));
            assertEquals(acknowledged.size(), sale.reserved(), "reserved units are exactly the acknowledged orders");
            final long last = pair.b.engine().lastPublishedSequence();
            assertEquals(pair.b.stateHashAt(last), pair.a.stateHashAt(last));
        }
    }


    private static List<Reply.Order> buy(final AeronEngineGateway gateway, final String prefix, final int count)
        throws Exception
    {
        final List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            replies.add(gateway.purchase("cut", prefix + i, "key-" + prefix + i, 1));
        }
        final List<Reply.Order> orders = new ArrayList<>();
        for (final CompletableFuture<Reply> reply : replies)
        {
            orders.add(assertInstanceOf(Reply.Order.class, reply.get(10, TimeUnit.SECONDS)));
        }
        return orders;
    }
}
