package io.flashgate.ops;

import io.aeron.Aeron;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.ops.drill.PairProcesses;
import io.flashgate.protocol.Reply;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.UdpRelay;
import org.agrona.CloseHelper;
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
 * The link between a primary and its standby is cut, both processes alive (docs/ARCHITECTURE.md, "Hot standby and
 * failover"): two engine processes started through the launcher, each sending to the other through a {@link UdpRelay}
 * this test cuts and heals. The primary stops releasing; the standby promotes itself; once the link is back, the old
 * primary releases nothing, is fenced, sets aside what it journaled during the cut and rejoins as the standby. No
 * order is acknowledged twice and every acknowledged one is on the new primary.
 */
@Timeout(180)
class PairLinkCutProcessTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void aCutOffPrimaryReleasesNothingAndRejoinsAsTheStandby() throws Exception
    {
        final List<AutoCloseable> open = new ArrayList<>();
        try (PairProcesses pair = new PairProcesses(work, 100, 1000))
        {
            final UdpRelay aToB = track(open, UdpRelay.to(pair.b().pairListen()));
            final UdpRelay bToA = track(open, UdpRelay.to(pair.a().pairListen()));
            pair.a().peerVia(aToB.endpoint());
            pair.b().peerVia(bToA.endpoint());
            pair.a().start("engine");
            pair.b().start("standby");
            Await.until(() -> "A primary, B in sync: " + pair.a().status() + "\nA:\n" + pair.a().output() + "\nB:\n" +
                    pair.b().output(), WAIT,
                () -> "PRIMARY".equals(pair.a().role()) && "IN_SYNC".equals(pair.a().standbyState()));

            final EmbeddedDriver driver = track(open, EmbeddedDriver.start());
            final Aeron aeron = track(open, driver.connect());
            final AeronEngineGateway toA = track(open, DirectBuyers.gateway(aeron, driver, pair.a()));
            final AeronEngineGateway toB = track(open, DirectBuyers.gateway(aeron, driver, pair.b()));
            assertTrue(toA.awaitReachable(WAIT));
            final long now = System.currentTimeMillis();
            assertInstanceOf(Reply.Sale.class, toA.createSale("cut", 10_000, 1, now - 1_000, now + 3_600_000, 600)
                .get(10, TimeUnit.SECONDS));
            final List<Reply.Order> acknowledged = new ArrayList<>(DirectBuyers.buy(toA, "cut", "before-", 50));
            final long epochBefore = pair.a().epoch();

            aToB.cut();
            bToA.cut();
            final List<CompletableFuture<Reply>> duringCut = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                duringCut.add(toA.purchase("cut", "during-" + i, "k-during-" + i, 1));
                Await.sleep(20);
            }
            Await.until(() -> "B promoted while cut off: " + pair.b().status(), WAIT,
                () -> "SOLO".equals(pair.b().role()));
            assertTrue(pair.b().epoch() > epochBefore);
            // A gives its standby up after the same heartbeat timeout B promotes after: either may come first
            Await.until(() -> "A, cut off, has no standby and releases nothing: " + pair.a().status(), WAIT,
                () -> "ABSENT".equals(pair.a().standbyState()));
            assertTrue(toB.awaitReachable(WAIT));
            acknowledged.addAll(DirectBuyers.buy(toB, "cut", "after-", 30));

            aToB.heal();
            bToA.heal();
            Await.until(() -> "A back as B's standby: " + pair.a().status() + " " + pair.b().status(), WAIT,
                () -> "PRIMARY".equals(pair.b().role()) && "IN_SYNC".equals(pair.b().standbyState()) &&
                    "STANDBY".equals(pair.a().role()));
            for (final CompletableFuture<Reply> reply : duringCut)
            {
                final Reply answer = reply.handle((r, ex) -> r).get(10, TimeUnit.SECONDS);
                assertFalse(answer instanceof Reply.Order, "A released during or after the cut: " + answer);
            }
            final String logOfA = pair.a().output();
            assertTrue(logOfA.contains("pair.fenced"), logOfA);

            final Set<Long> ids = new HashSet<>();
            for (final Reply.Order order : acknowledged)
            {
                assertTrue(ids.add(order.orderId()), "acknowledged twice: " + order);
                final Reply.Order found = assertInstanceOf(Reply.Order.class,
                    toB.queryOrder(order.orderId(), "").get(10, TimeUnit.SECONDS));
                assertEquals(order.userId(), found.userId());
            }
            final Reply.Sale sale = assertInstanceOf(Reply.Sale.class, toB.querySale("cut").get(10, TimeUnit.SECONDS));
            assertEquals(acknowledged.size(), sale.reserved(), "reserved is exactly what was acknowledged");
        }
        finally
        {
            for (int i = open.size() - 1; i >= 0; i--)
            {
                CloseHelper.quietClose(open.get(i));
            }
        }
    }

    private static <T extends AutoCloseable> T track(final List<AutoCloseable> open, final T resource)
    {
        open.add(resource);
        return resource;
    }

}
