package io.flashgate.ops;

import io.aeron.Aeron;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.ops.drill.PairProcesses;
import io.flashgate.protocol.Reply;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.ChildJvm;
import io.flashgate.processes.FreePorts;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The double failure that lost acknowledged orders, as the runbook's "both hosts run the engine unit" met it, with
 * real processes: a ZooKeeper server started by {@code ops/flashgate zookeeper}, two engines started by
 * {@code ops/flashgate engine --zookeeper ...}, each killed with SIGKILL. The primary dies; the standby (in the
 * synchronous set) promotes with no operator and sells alone; it dies too; the old primary is started first and,
 * out of the set, waits and says why in {@code /admin/engine} instead of selling on a history without the other's
 * orders; the other comes back, leads, and every acknowledged order is there once, a retry with its key answering
 * the original order.
 */
@Timeout(240)
class ZooKeeperPairProcessTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void aDoubleFailureWithSigkillLosesNoAcknowledgedOrder() throws Exception
    {
        final List<AutoCloseable> open = new ArrayList<>();
        final int zookeeperPort = FreePorts.tcp();
        final ChildJvm zookeeper = ChildJvm.of(Launcher.class, "zookeeper", "--dir", work.resolve("zk").toString(),
            "--port", Integer.toString(zookeeperPort)).heap("256m").jvmFlagsOfThisJvm().start(work.resolve("zk.log"));
        open.add(zookeeper);
        try (PairProcesses pair = new PairProcesses(work, 100, 500).withArgs("--zookeeper",
            "127.0.0.1:" + zookeeperPort, "--zookeeper-root", "/flashgate/process-test"))
        {
            zookeeper.awaitLine("flashgate: ready", 1, WAIT);
            pair.a().start("engine");
            pair.b().start("engine");
            Await.until(() -> "a primary with its standby in sync: " + pair.a().status() + " " + pair.b().status(),
                WAIT, () -> inSync(pair.a()) || inSync(pair.b()));
            final PairProcesses.Engine first = inSync(pair.a()) ? pair.a() : pair.b();
            final PairProcesses.Engine second = first == pair.a() ? pair.b() : pair.a();

            final EmbeddedDriver driver = track(open, EmbeddedDriver.start());
            final Aeron aeron = track(open, driver.connect());
            final AeronEngineGateway toFirst = track(open, DirectBuyers.gateway(aeron, driver, first));
            assertTrue(toFirst.awaitReachable(WAIT));
            final long now = System.currentTimeMillis();
            assertInstanceOf(Reply.Sale.class, toFirst.createSale("zk", 10_000, 1, now - 1_000, now + 3_600_000, 600)
                .get(10, TimeUnit.SECONDS));
            final List<Reply.Order> acknowledged = new ArrayList<>(DirectBuyers.buy(toFirst, "zk", "before-", 20));

            first.killMinus9();
            Await.until(() -> "the standby promotes with no operator: " + second.status(), WAIT,
                () -> "SOLO".equals(second.role()));
            final AeronEngineGateway toSecond = track(open, DirectBuyers.gateway(aeron, driver, second));
            assertTrue(toSecond.awaitReachable(WAIT));
            final List<Reply.Order> soldAlone = DirectBuyers.buy(toSecond, "zk", "alone-", 10);
            acknowledged.addAll(soldAlone);
            second.killMinus9();

            first.start("engine");
            Await.until(() -> "the old primary waits and says why: " + first.status(), WAIT,
                () -> first.hold().contains("not in the synchronous set"));
            assertEquals("STANDBY", first.role(), first.status().orElse(""));

            second.start("engine");
            Await.until(() -> "the engine with the newest history leads again: " + second.status() + " " +
                first.status(), WAIT, () -> inSync(second) && "STANDBY".equals(first.role()));
            final AeronEngineGateway toLeader = track(open, DirectBuyers.gateway(aeron, driver, second));
            assertTrue(toLeader.awaitReachable(WAIT));
            final Set<Long> ids = new HashSet<>();
            for (final Reply.Order order : acknowledged)
            {
                assertTrue(ids.add(order.orderId()), "acknowledged twice: " + order);
                final Reply.Order found = assertInstanceOf(Reply.Order.class,
                    toLeader.queryOrder(order.orderId(), "").get(10, TimeUnit.SECONDS), "lost: " + order);
                assertEquals(order.userId(), found.userId());
            }
            for (int i = 0; i < soldAlone.size(); i++)
            {
                final Reply.Order retried = assertInstanceOf(Reply.Order.class,
                    toLeader.purchase("zk", "alone-" + i, "k-alone-" + i, 1).get(10, TimeUnit.SECONDS));
                assertEquals(soldAlone.get(i).orderId(), retried.orderId(), "a retry gets the original order");
            }
            final Reply.Sale sale = assertInstanceOf(Reply.Sale.class,
                toLeader.querySale("zk").get(10, TimeUnit.SECONDS));
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

    private static boolean inSync(final PairProcesses.Engine engine)
    {
        return engine.isAlive() && "PRIMARY".equals(engine.role()) && "IN_SYNC".equals(engine.standbyState());
    }

    private static <T extends AutoCloseable> T track(final List<AutoCloseable> open, final T resource)
    {
        open.add(resource);
        return resource;
    }

}
