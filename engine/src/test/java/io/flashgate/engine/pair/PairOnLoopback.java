package io.flashgate.engine.pair;

import io.aeron.Aeron;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.TransportConfig;
import io.flashgate.client.aeron.IdleChoice;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.FreePorts;
import io.flashgate.processes.TcpRelay;
import io.flashgate.processes.UdpRelay;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Two engines of a pair in this JVM, on one real media driver, talking UDP on loopback: each with its own data
 * folder, edge endpoints and pair endpoint. The clock and periodic snapshots are off, so that a quiet engine's state
 * can be compared with its peer's.
 */
final class PairOnLoopback implements AutoCloseable
{
    static final Duration HEARTBEAT = Duration.ofMillis(50);
    static final Duration TIMEOUT = Duration.ofMillis(500);
    static final Duration SESSION_TIMEOUT = Duration.ofMillis(600);

    private static final java.util.concurrent.atomic.AtomicInteger PAIRS = new java.util.concurrent.atomic.AtomicInteger();
    final String aeronDirectory;
    /** This pair's root in ZooKeeper (unused without it). */
    final String zookeeperRoot;
    final Aeron aeron;
    final Member a;
    final Member b;
    /** With {@link #viaRelays}: A's records and beats to B, and B's to A, each through a link the test can cut. */
    final UdpRelay aToB;
    final UdpRelay bToA;
    /** Gateways the test opened through {@link Member#gateway()}: closed with the pair. */
    private final java.util.List<AeronEngineGateway> gateways = new java.util.concurrent.CopyOnWriteArrayList<>();

    PairOnLoopback(final String aeronDirectory, final Aeron aeron, final Path folderA, final Path folderB)
        throws IOException
    {
        this(aeronDirectory, aeron, folderA, folderB, false);
    }

    private PairOnLoopback(final String aeronDirectory, final Aeron aeron, final Path folderA, final Path folderB,
        final boolean relays) throws IOException
    {
        this(aeronDirectory, aeron, folderA, folderB, relays, null);
    }

    private PairOnLoopback(final String aeronDirectory, final Aeron aeron, final Path folderA, final Path folderB,
        final boolean relays, final ZooKeeperEnsemble zookeeper) throws IOException
    {
        this.aeronDirectory = aeronDirectory;
        this.aeron = aeron;
        final String pairA = "127.0.0.1:" + FreePorts.udp();
        final String pairB = "127.0.0.1:" + FreePorts.udp();
        aToB = relays ? UdpRelay.to(pairB) : null;
        bToA = relays ? UdpRelay.to(pairA) : null;
        // One root per pair: tests of a class may share one ensemble.
        zookeeperRoot = "/flashgate/test-" + PAIRS.incrementAndGet();
        a = new Member("A", folderA, pairA, relays ? aToB.endpoint() : pairB, zookeeper);
        b = new Member("B", folderB, pairB, relays ? bToA.endpoint() : pairA, zookeeper);
    }

    /**
     * A pair coordinated through {@code zookeeper}: each engine reaches every server through a {@link TcpRelay} of its
     * own ({@link Member#cutZooKeeper()}), and its peer through a {@link UdpRelay} ({@link #cut()}).
     */
    static PairOnLoopback withZooKeeper(final String aeronDirectory, final Aeron aeron, final Path folderA,
        final Path folderB, final ZooKeeperEnsemble zookeeper) throws IOException
    {
        return new PairOnLoopback(aeronDirectory, aeron, folderA, folderB, true, zookeeper);
    }

    /** A pair whose two directions each pass a {@link UdpRelay}: {@link #cut()} and {@link #heal()} the link. */
    static PairOnLoopback viaRelays(final String aeronDirectory, final Aeron aeron, final Path folderA,
        final Path folderB) throws IOException
    {
        return new PairOnLoopback(aeronDirectory, aeron, folderA, folderB, true);
    }

    void cut()
    {
        aToB.cut();
        bToA.cut();
    }

    void heal()
    {
        aToB.heal();
        bToA.heal();
    }

    /** Stops both engines and the relays. */
    /** A as the primary (it hears no primary and promotes itself), B as its standby; returns once B is in sync. */
    void startInSync() throws IOException
    {
        a.start(true);
        b.start(false);
        Await.until(() -> "B in sync: " + a + " " + b, Duration.ofSeconds(20), a::isPrimaryInSync);
    }

    @Override
    public void close()
    {
        stop();
    }

    void stop()
    {
        gateways.forEach(AeronEngineGateway::close);
        a.stop();
        b.stop();
        a.zooKeeperRelays.forEach(TcpRelay::close);
        b.zooKeeperRelays.forEach(TcpRelay::close);
        if (aToB != null)
        {
            aToB.close();
            bToA.close();
        }
    }

    final class Member
    {
        final String name;
        final Path folder;
        final PairConfig pair;
        final TransportConfig channels;
        /** This engine's way to each ZooKeeper server (empty without ZooKeeper). */
        final java.util.List<TcpRelay> zooKeeperRelays = new java.util.ArrayList<>();
        PairedEngine paired;
        /** Slots in its input ring from its next start. */
        int ringSize = 4096;
        /** Who runs its stages from its next start (the default: agents of the Aeron duty cycle). */
        io.flashgate.config.StageLayout stageLayout = io.flashgate.config.StageLayout.AERON_THREAD;

        Member(final String name, final Path folder, final String listen, final String peer,
            final ZooKeeperEnsemble zookeeper) throws IOException
        {
            this.name = name;
            this.folder = folder;
            final PairConfig alone = new PairConfig(listen, peer, HEARTBEAT, TIMEOUT, true,
                io.flashgate.config.StandbyAbsence.STOP);
            if (zookeeper == null)
            {
                this.pair = alone;
            }
            else
            {
                for (final String server : zookeeper.endpoints())
                {
                    zooKeeperRelays.add(TcpRelay.to(server));
                }
                this.pair = alone.withZooKeeper(new io.flashgate.coordination.PairRegistry.Settings(
                    String.join(",", zooKeeperRelays.stream().map(TcpRelay::endpoint).toList()), zookeeperRoot,
                    SESSION_TIMEOUT));
            }
            this.channels = TransportConfig.udp(aeronDirectory, "127.0.0.1:" + FreePorts.udp(),
                "127.0.0.1:" + FreePorts.udp());
        }

        PairedEngine start(final boolean mayStartPair) throws IOException
        {
            return start(mayStartPair, EngineConfig.defaults(folder).segmentSizeBytes());
        }

        /**
         * Starts it and promotes it as an operator would ({@code ops/flashgate promote}): an engine that hears nobody
         * never promotes itself, since it cannot know whether the other holds newer acknowledged orders.
         */
        PairedEngine startPromoted() throws IOException
        {
            return startPromoted(EngineConfig.defaults(folder).segmentSizeBytes());
        }

        PairedEngine startPromoted(final long segmentBytes) throws IOException
        {
            start(true, segmentBytes);
            if (!paired.promote(false))
            {
                throw new AssertionError(name + " refused an operator's promote: " + paired.state());
            }
            return paired;
        }

        /** With journal segments of {@code segmentBytes}: small ones let a test remove the older ones. */
        PairedEngine start(final boolean mayStartPair, final long segmentBytes) throws IOException
        {
            final EngineConfig config = EngineConfig.defaults(folder).withTickIntervalMillis(0)
                .withSnapshotEveryCommands(0).withRingSize(ringSize).withSegmentSizeBytes(segmentBytes)
                .withStageLayout(stageLayout);
            paired = PairedEngine.start(aeron, channels, config, pair, IdleChoice.DEFAULT, mayStartPair,
                engine -> onEngineStarted.accept(engine));
            return paired;
        }

        /** Its id in the pair's ZooKeeper registry. */
        int registryId()
        {
            return paired.registry().engineId();
        }

        /** This engine can reach no ZooKeeper server (its peer and the servers are untouched). */
        void cutZooKeeper()
        {
            zooKeeperRelays.forEach(TcpRelay::cut);
        }

        void healZooKeeper()
        {
            zooKeeperRelays.forEach(TcpRelay::heal);
        }

        void stop()
        {
            if (cachedGateway != null)
            {
                cachedGateway.close();
                gateways.remove(cachedGateway);
                cachedGateway = null;
            }
            if (paired != null)
            {
                paired.close();
                paired = null;
            }
        }

        Engine engine()
        {
            return paired.engine();
        }

        /** Sees each engine this member starts, the first and each restart in place, before it takes anything. */
        volatile java.util.function.Consumer<Engine> onEngineStarted = engine -> { };

        /** The gateway of {@link #gateway()} while this start of the engine lasts. */
        private AeronEngineGateway cachedGateway;

        /** One gateway to this engine until it stops (a test's shoppers share it, as an edge's do). */
        AeronEngineGateway sharedGateway()
        {
            if (cachedGateway == null)
            {
                cachedGateway = gateway();
            }
            return cachedGateway;
        }

        AeronEngineGateway gateway()
        {
            final String ingress = channels.ingressChannel().substring(channels.ingressChannel().indexOf('=') + 1);
            final String control = channels.egressChannel().substring(channels.egressChannel().indexOf('=') + 1,
                channels.egressChannel().indexOf('|'));
            final AeronEngineGateway gateway = AeronEngineGateway.start(aeron,
                GatewayConfig.udp(aeronDirectory, ingress, control, "127.0.0.1").withReplyTimeout(Duration.ofSeconds(5)));
            gateways.add(gateway);
            return gateway;
        }

        /** PRIMARY with its standby IN_SYNC: every result it releases waits for the standby. */
        boolean isPrimaryInSync()
        {
            final PairState state = paired.state();
            return state.role() == io.flashgate.protocol.EngineRole.PRIMARY &&
                state.standbyState() == io.flashgate.protocol.StandbyState.IN_SYNC;
        }

        /** Business logic's state hash, once this engine has taken {@code sequence} and gone quiet. */
        long stateHashAt(final long sequence)
        {
            // Recovery applied the journal; after it, the egress runs after business logic, so once it has passed the
            // sequence logic has applied it.
            Await.until(() -> name + " at sequence " + sequence + ": " + engine().stats(), Duration.ofSeconds(20), () ->
            {
                final io.flashgate.engine.pipeline.EngineStats stats = engine().stats();
                return Math.max(stats.recoveredSequence(), stats.releasedSequence()) >= sequence &&
                    engine().lastPublishedSequence() == sequence;
            });
            return StateSnapshot.stateHash(engine().recovered().logic());
        }

        @Override
        public String toString()
        {
            return name + "(" + (paired == null ? "stopped" : paired.state()) + ")";
        }
    }
}
