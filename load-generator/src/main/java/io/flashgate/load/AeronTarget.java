package io.flashgate.load;

import io.flashgate.client.OverloadedException;
import io.flashgate.client.PendingCommands;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.DutyCycle;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.processes.FreePorts;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.engine.transport.EngineTransport;
import io.aeron.Aeron;
import io.flashgate.engine.pair.PairedEngine;
import io.flashgate.engine.transport.AeronEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import io.flashgate.engine.transport.TransportConfig;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Flashgate engine-direct: the engine (default config: journaling on, page-cache flush) with its own embedded
 * media driver, and the generator's {@link AeronEngineGateway} with another driver, talking over Aeron UDP on
 * 127.0.0.1 — the same wiring as an engine and an edge on two hosts, minus the wire. HTTP is bypassed.
 */
public final class AeronTarget implements Target
{
    /**
     * The generator's side's duty cycle (its own driver, with {@code --drivers 2}): named as the generator's threads,
     * so that its CPU, the generator's half of the UDP traffic, is never charged to the engine.
     */
    static final String GATEWAY_THREAD_NAME = "flashgate-bench-aeron";

    private final String name;
    private final EngineTransport transport;
    /** The primary of the pair, or null for an engine alone. */
    private PairedEngine pair;
    private final AeronEngineGateway gateway;
    /** Everything started for this target, closed in reverse order. */
    private final List<AutoCloseable> parts;
    /** The threads it started, not counted while another system in this JVM is measured. */
    private Set<Long> threads = Set.of();
    /** Its media drivers' loss counters (over UDP), else null. */
    private AeronLoss loss;

    private AeronTarget(final String name, final EngineTransport transport, final AeronEngineGateway gateway,
        final List<AutoCloseable> parts)
    {
        this.name = name;
        this.transport = transport;
        this.gateway = gateway;
        this.parts = parts;
    }

    /** Starts engine and gateway; the journal goes to {@code dataDir}. */
    public static AeronTarget start(final Path dataDir, final int expectedBuyers) throws Exception
    {
        return start(dataDir, expectedBuyers, 1, null, null);
    }

    /**
     * @param drivers 2: a driver each, as an edge on another host has (the compare run's default); 1: engine and
     *                generator share one media driver, whose thread then does both sides' UDP work.
     * @param idle    idle strategy of the engine's ingress poller and the gateway's poller; null = defaults.
     * @param tuning  the engine's settings from its defaults (a wait strategy, a stage layout); null = the defaults.
     */
    public static AeronTarget start(final Path dataDir, final int expectedBuyers, final int drivers,
        final io.flashgate.client.aeron.IdleChoice idle, final UnaryOperator<EngineConfig> tuning)
        throws Exception
    {
        return start(dataDir, expectedBuyers, drivers, idle, tuning, false);
    }

    /**
     * As above; with {@code standby} the engine is the primary of a hot-standby pair (docs/ARCHITECTURE.md, "Hot
     * standby and failover"): its standby runs in this JVM on a media driver of its own (as if on a second host),
     * over UDP on 127.0.0.1, and every result waits for the standby's acknowledgement (synchronous replication).
     */
    public static AeronTarget start(final Path dataDir, final int expectedBuyers, final int drivers,
        final io.flashgate.client.aeron.IdleChoice idle, final UnaryOperator<EngineConfig> tuning,
        final boolean standby) throws Exception
    {
        return start(dataDir, expectedBuyers, drivers, idle, tuning, standby, false);
    }

    /**
     * As above; with {@code zookeeper} the pair is coordinated through a ZooKeeper server that runs in this JVM
     * (data in {@code dataDir}): the same purchase path, ZooKeeper consulted only when roles change.
     */
    public static AeronTarget start(final Path dataDir, final int expectedBuyers, final int drivers,
        final io.flashgate.client.aeron.IdleChoice idle, final UnaryOperator<EngineConfig> tuning,
        final boolean standby, final boolean zookeeper) throws Exception
    {
        final List<AutoCloseable> parts = new ArrayList<>();
        final Set<Long> before = CpuWatch.threadsNow();
        try
        {
            final io.flashgate.client.aeron.IdleChoice dutyIdle = idle != null ? idle : io.flashgate.client.aeron.IdleChoice.DEFAULT;
            final EmbeddedDriver engineDriver = track(parts, EmbeddedDriver.start(EmbeddedDriver.THREAD_NAME, dutyIdle));
            final EmbeddedDriver clientDriver = drivers > 1 ?
                track(parts, EmbeddedDriver.start(GATEWAY_THREAD_NAME, dutyIdle)) : null;
            final String ingress = FreePorts.udpEndpoint();
            final String egressControl = FreePorts.udpEndpoint();
            final EngineConfig config =
                tuned(EngineConfig.defaults(dataDir).withExpectedBuyers(expectedBuyers), tuning);
            TransportConfig transport = TransportConfig.udp(engineDriver.aeronDirectory(), ingress, egressControl);
            GatewayConfig edge = GatewayConfig.udp((clientDriver != null ? clientDriver : engineDriver).aeronDirectory(),
                ingress, egressControl, "127.0.0.1").withReplyTimeout(Duration.ofSeconds(10));
            if (idle != null)
            {
                transport = transport.withIdle(idle);
                edge = edge.withIdle(idle);
            }
            final EngineTransport engineTransport;
            PairedEngine primary = null;
            final Aeron aeron = track(parts, engineDriver.connect());
            if (standby)
            {
                io.flashgate.coordination.PairRegistry.Settings coordination = null;
                if (zookeeper)
                {
                    final int port = FreePorts.tcp();
                    track(parts, new io.flashgate.coordination.ZooKeeperNode(dataDir.resolve("zookeeper"),
                        "127.0.0.1", port, 0, java.util.Map.of(), Duration.ofMillis(100))
                        .startAlone(Duration.ofSeconds(30)));
                    // A session as long as the pair's heartbeat timeout, for the same reason (SyncPairInJvm).
                    coordination = new io.flashgate.coordination.PairRegistry.Settings("127.0.0.1:" + port,
                        "/flashgate/bench", Duration.ofSeconds(3));
                }
                primary = track(parts, SyncPairInJvm.start(aeron, transport, config, config.dataDirectory(),
                    transport.idle(), coordination)).primary();
                engineTransport = primary.transport();
            }
            else
            {
                engineTransport = track(parts, AeronEngine.start(aeron, transport, config)).transport();
            }
            // The generator's client on its side's duty cycle: replies complete on the thread that runs its driver.
            final Aeron edgeAeron = track(parts, (clientDriver != null ? clientDriver : engineDriver).connect());
            final AeronEngineGateway gateway = track(parts, AeronEngineGateway.start(edgeAeron, edge));
            if (!gateway.awaitReachable(Duration.ofSeconds(20)))
            {
                throw new IOException("the gateway never reached the engine over UDP");
            }
            final AeronTarget target = new AeronTarget(standby ? (zookeeper ? "flashgate-aeron-standby-zk" :
                "flashgate-aeron-standby") : "flashgate-aeron",
                engineTransport, gateway, parts);
            target.pair = primary;
            target.loss = new AeronLoss(clientDriver != null ? List.of(aeron, edgeAeron) : List.of(aeron));
            return target.registered(before);
        }
        catch (final Exception ex)
        {
            closeAll(parts);
            throw ex;
        }
    }

    /**
     * Engine and generator as {@code ops/flashgate run} has engine and edge: one embedded driver and one Aeron
     * thread for both, over {@code aeron:ipc}, so no datagram and no driver hop is on the path.
     */
    public static AeronTarget startIpc(final Path dataDir, final int expectedBuyers,
        final io.flashgate.client.aeron.IdleChoice idle, final UnaryOperator<EngineConfig> tuning) throws Exception
    {
        final List<AutoCloseable> parts = new ArrayList<>();
        final Set<Long> before = CpuWatch.threadsNow();
        try
        {
            // As run: on the default idle choice the one thread parks for timers alone, every message signals it.
            final EmbeddedDriver driver = track(parts, EmbeddedDriver.start(EmbeddedDriver.THREAD_NAME,
                idle == null || idle == io.flashgate.client.aeron.IdleChoice.BACKOFF ? DutyCycle.signalledIdle() :
                    idle.newStrategy()));
            final EngineConfig config =
                tuned(EngineConfig.defaults(dataDir).withExpectedBuyers(expectedBuyers), tuning);
            final Aeron aeron = track(parts, driver.connect());
            final EngineTransport engineTransport = track(parts, AeronEngine.start(aeron,
                TransportConfig.ipc(driver.aeronDirectory()), config)).transport();
            final AeronEngineGateway gateway = track(parts, AeronEngineGateway.start(aeron,
                GatewayConfig.ipc(driver.aeronDirectory()).withReplyTimeout(Duration.ofSeconds(10))));
            if (!gateway.awaitReachable(Duration.ofSeconds(20)))
            {
                throw new IOException("the gateway never reached the engine over IPC");
            }
            return new AeronTarget("flashgate-aeron-ipc", engineTransport, gateway, parts).registered(before);
        }
        catch (final Exception ex)
        {
            closeAll(parts);
            throw ex;
        }
    }

    /** Takes the threads started since {@code before} as this target's ({@link CpuWatch#inThisJvm}). */
    private AeronTarget registered(final Set<Long> before)
    {
        threads = CpuWatch.startedSince(before);
        CpuWatch.inThisJvm(threads);
        return this;
    }

    @Override
    public String transportLoss()
    {
        return loss == null ? null : loss.sinceLast();
    }

    @Override
    public Set<Long> ownThreads()
    {
        return threads;
    }

    private static EngineConfig tuned(final EngineConfig defaults, final UnaryOperator<EngineConfig> tuning)
    {
        return tuning == null ? defaults : tuning.apply(defaults);
    }

    /** The primary of the pair (with a standby), else null. */
    public PairedEngine pair()
    {
        return pair;
    }

    private static <T extends AutoCloseable> T track(final List<AutoCloseable> parts, final T part)
    {
        parts.add(part);
        return part;
    }

    private static void closeAll(final List<AutoCloseable> parts)
    {
        for (int i = parts.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(parts.get(i));
        }
    }


    @Override
    public String name()
    {
        return name;
    }

    @Override
    public boolean runsInThisJvm()
    {
        return true;
    }

    @Override
    public void createSale(final String saleId, final int stock, final int limitPerUser) throws Exception
    {
        final long now = System.currentTimeMillis();
        final Reply reply = gateway.createSale(saleId, stock, limitPerUser, now - 1_000, now + 3_600_000, 3600)
            .get(20, TimeUnit.SECONDS);
        if (!(reply instanceof Reply.Sale))
        {
            throw new IllegalStateException("createSale " + saleId + ": " + reply);
        }
    }

    @Override
    public void purchase(final String saleId, final long index, final String userId, final String idempotencyKey,
        final Completion done)
    {
        gateway.purchase(saleId, userId, idempotencyKey, 1).whenComplete((reply, failure) ->
        {
            if (failure != null)
            {
                done.complete(outcomeOf(failure), 0);
            }
            else if (reply instanceof Reply.Order order)
            {
                done.complete(order.type() == MessageTypes.ORDER_ACCEPTED ? Outcome.ACCEPTED : Outcome.REPLAYED,
                    order.orderId());
            }
            else if (reply instanceof Reply.Rejected rejected)
            {
                done.complete(outcomeOf(rejected.reason()), 0);
            }
            else
            {
                done.complete(Outcome.REJECTED_OTHER, 0);
            }
        });
    }

    static byte outcomeOf(final Reason reason)
    {
        return switch (reason)
        {
            case SOLD_OUT -> Outcome.SOLD_OUT;
            case LIMIT_EXCEEDED -> Outcome.LIMIT_EXCEEDED;
            default -> Outcome.REJECTED_OTHER;
        };
    }

    static byte outcomeOf(final Throwable failure)
    {
        return PendingCommands.causeOf(failure) instanceof OverloadedException ? Outcome.REFUSED : Outcome.UNKNOWN;
    }

    @Override
    public SaleFigures figures(final String saleId, final int limitPerUser) throws Exception
    {
        final Reply reply = gateway.querySale(saleId).get(20, TimeUnit.SECONDS);
        if (!(reply instanceof Reply.Sale sale))
        {
            throw new IllegalStateException("querySale " + saleId + ": " + reply);
        }
        return new SaleFigures(sale.reserved() + sale.confirmed(), sale.remaining(), -1);
    }

    public EngineTransport engine()
    {
        return transport;
    }

    public AeronEngineGateway gateway()
    {
        return gateway;
    }

    @Override
    public void close()
    {
        CpuWatch.gone(threads);
        closeAll(parts);
    }
}
