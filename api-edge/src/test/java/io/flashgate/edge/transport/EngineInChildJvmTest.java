package io.flashgate.edge.transport;

import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.ResultUnknownException;
import io.flashgate.client.OverloadedException;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.ChildJvm;
import io.flashgate.processes.FreePorts;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.flashgate.edge.transport.AeronEngineGatewayTest.failureOf;
import static io.flashgate.edge.transport.AeronEngineGatewayTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine in another JVM over real UDP on 127.0.0.1: kill -9 it, see the edges notice, restart it, retry. */
class EngineInChildJvmTest
{
    @TempDir
    Path dataDir;

    @TempDir
    Path logDir;

    private final List<ChildJvm> processes = new ArrayList<>();
    private final List<String> engineDriverFolders = new ArrayList<>();
    private EmbeddedDriver edgeDriver;
    private AeronEngineGateway a;
    private AeronEngineGateway b;

    @AfterEach
    void closeEverything() throws Exception
    {
        CloseHelper.quietCloseAll(a, b, edgeDriver);
        CloseHelper.quietCloseAll(processes);
        for (final String folder : engineDriverFolders)
        {
            IoUtil.delete(new File(folder), true); // kill -9 leaves the engine's driver folder behind
        }
        if (edgeDriver != null)
        {
            assertFalse(new File(edgeDriver.aeronDirectory()).exists(), "edge driver folder left behind");
        }
    }

    private ChildJvm startEngine(final String ingress, final String egressControl, final String name)
    {
        final String driverFolder = EmbeddedDriver.uniqueDirectory();
        engineDriverFolders.add(driverFolder);
        final ChildJvm engine = ChildJvm.of(EngineChildMain.class, driverFolder, dataDir.toString(), ingress,
            egressControl).start(logDir.resolve(name + ".log"));
        processes.add(engine);
        return engine.awaitLine("READY", 1, Duration.ofSeconds(30));
    }

    @Test
    @Timeout(120)
    void anEngineKilledMinus9IsNoticedAndAfterARestartRetriesGetTheOriginalOrders() throws Exception
    {
        final String ingress = FreePorts.udpEndpoint();
        final String egressControl = FreePorts.udpEndpoint();
        // Short liveness timeouts so a dead engine is noticed in about a second rather than 5-10 s.
        edgeDriver = EmbeddedDriver.start(EmbeddedDriver.uniqueDirectory(), context -> context
            .imageLivenessTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1000))
            .publicationConnectionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1000)));
        final ChildJvm first = startEngine(ingress, egressControl, "engine-1");
        final GatewayConfig config = GatewayConfig.udp(edgeDriver.aeronDirectory(), ingress, egressControl, "127.0.0.1")
            .withReplyTimeout(Duration.ofMillis(8000));
        a = AeronEngineGateway.start(config.withSourceId(21));
        b = AeronEngineGateway.start(config.withSourceId(22));
        assertTrue(a.awaitReachable(Duration.ofSeconds(20)) && b.awaitReachable(Duration.ofSeconds(20)),
            "edges never reached the engine process");

        final long now = System.currentTimeMillis();
        get(a.createSale("flash", 100, 1, now - 1_000, now + 600_000, 600));
        final Map<String, CompletableFuture<Reply>> sent = new HashMap<>();
        for (int i = 0; i < 150; i++)
        {
            sent.put("a" + i, a.purchase("flash", "a" + i, "key", 1));
            sent.put("b" + i, b.purchase("flash", "b" + i, "key", 1));
        }
        final Map<String, Long> orders = new HashMap<>();
        for (final Map.Entry<String, CompletableFuture<Reply>> entry : sent.entrySet())
        {
            if (get(entry.getValue()) instanceof Reply.Order order)
            {
                assertEquals(entry.getKey(), order.userId());
                orders.put(order.userId(), order.orderId());
            }
        }
        assertEquals(100, orders.size());

        first.killMinus9();
        Await.until("dead engine noticed", Duration.ofSeconds(15), () -> !a.isEngineReachable() && !b.isEngineReachable());
        // With the engine dead a command is refused at once (503) or times out (504): never answered.
        final Throwable why = failureOf(a.querySale("flash"));
        assertTrue(why instanceof OverloadedException || why instanceof ResultUnknownException,
            why.toString());

        startEngine(ingress, egressControl, "engine-2");
        assertTrue(a.awaitReachable(Duration.ofSeconds(30)) && b.awaitReachable(Duration.ofSeconds(30)),
            "edges never reconnected to the restarted engine");
        for (final Map.Entry<String, Long> order : orders.entrySet())
        {
            final AeronEngineGateway other = order.getKey().startsWith("a") ? b : a;
            final Reply.Order retried = (Reply.Order)get(other.purchase("flash", order.getKey(), "key", 1));
            assertEquals(MessageTypes.ORDER_REPLAYED, retried.type());
            assertEquals(order.getValue(), retried.orderId());
        }
        assertEquals(new Reply.Rejected(Reason.SOLD_OUT), get(a.purchase("flash", "late", "key", 1)));
        assertEquals(0, ((Reply.Sale)get(b.querySale("flash"))).remaining());

        // A clean stop (stdin closed) removes the engine's driver folder.
        final ChildJvm second = processes.get(1);
        second.process().getOutputStream().close();
        assertEquals(0, second.awaitExit(Duration.ofSeconds(20)), "engine did not stop cleanly");
        assertFalse(new File(engineDriverFolders.get(1)).exists(), "engine driver folder left behind");
    }
}
