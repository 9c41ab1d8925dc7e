package io.flashgate.load;

import io.aeron.Aeron;
import io.flashgate.config.StandbyAbsence;
import io.flashgate.engine.pair.PairConfig;
import io.flashgate.engine.pair.PairedEngine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.engine.transport.TransportConfig;
import io.flashgate.protocol.EngineRole;
import io.flashgate.client.aeron.IdleChoice;
import io.flashgate.protocol.StandbyState;
import io.flashgate.processes.FreePorts;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The engine of the HTTP comparison's standby leg: the primary of a pair with synchronous replication
 * (docs/ARCHITECTURE.md, "Hot standby and failover"), its standby in the same JVM on a media driver of its own
 * (as a second host would have), the pair talking UDP on loopback. The primary takes the edge's commands on the
 * given channels (IPC on the JVM's driver, as the journal-only engine does); the standby listens on UDP
 * endpoints of its own, so that it never sees the edge's IPC streams. Ready once the primary says PRIMARY with its
 * standby IN_SYNC: every purchase is then acknowledged only after the standby holds it. The engine-direct and
 * in-process measurements with a standby use it too ({@link AeronTarget}, {@code ReplicationBenchmark}).
 */
public final class SyncPairInJvm implements AutoCloseable
{
    static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(100);
    /**
     * Longer than a real pair's: both engines share this JVM, so a collector pause silences both, and the standby,
     * first to run after it, would take the primary for dead (a 529 ms pause did, mid-run). Failover is not measured
     * here.
     */
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration READY_WITHIN = Duration.ofSeconds(30);

    private final PairedEngine primary;
    private final PairedEngine standby;
    private final Aeron standbyAeron;
    private final EmbeddedDriver standbyDriver;

    private SyncPairInJvm(final PairedEngine primary, final PairedEngine standby, final Aeron standbyAeron,
        final EmbeddedDriver standbyDriver)
    {
        this.primary = primary;
        this.standby = standby;
        this.standbyAeron = standbyAeron;
        this.standbyDriver = standbyDriver;
    }

    /**
     * @param aeron           the JVM's client of its own driver (not closed by this).
     * @param primaryChannels where the edge reaches the primary.
     * @param config          the engine settings of both; each gets a data folder of its own under {@code dataDir}.
     */
    public static SyncPairInJvm start(final Aeron aeron, final TransportConfig primaryChannels, final EngineConfig config,
        final Path dataDir, final IdleChoice idle) throws IOException, InterruptedException
    {
        return start(aeron, primaryChannels, config, dataDir, idle, null);
    }

    /** As above, the pair coordinated through the ZooKeeper at {@code zookeeper} (null: none). */
    public static SyncPairInJvm start(final Aeron aeron, final TransportConfig primaryChannels, final EngineConfig config,
        final Path dataDir, final IdleChoice idle, final io.flashgate.coordination.PairRegistry.Settings zookeeper)
        throws IOException, InterruptedException
    {
        final String primaryEndpoint = "127.0.0.1:" + FreePorts.udp();
        final String standbyEndpoint = "127.0.0.1:" + FreePorts.udp();
        PairedEngine primary = null;
        PairedEngine standby = null;
        Aeron standbyAeron = null;
        EmbeddedDriver standbyDriver = null;
        try
        {
            primary = PairedEngine.start(aeron, primaryChannels, config.withDataDirectory(dataDir.resolve("primary")),
                pair(primaryEndpoint, standbyEndpoint, zookeeper), idle, true);
            if (zookeeper != null)
            {
                // The first claim of a pair is the primary's: it starts alone and leads before the standby starts.
                final long leadBy = System.nanoTime() + READY_WITHIN.toNanos();
                while (primary.state().role() == EngineRole.STANDBY && System.nanoTime() < leadBy)
                {
                    Thread.sleep(20);
                }
            }
            standbyDriver = EmbeddedDriver.start();
            standbyAeron = standbyDriver.connect();
            final TransportConfig standbyChannels = TransportConfig.udp(standbyDriver.aeronDirectory(),
                "127.0.0.1:" + FreePorts.udp(), "127.0.0.1:" + FreePorts.udp()).withIdle(idle);
            standby = PairedEngine.start(standbyAeron, standbyChannels,
                config.withDataDirectory(dataDir.resolve("standby")), pair(standbyEndpoint, primaryEndpoint, zookeeper),
                idle, false);
            final long deadline = System.nanoTime() + READY_WITHIN.toNanos();
            while (!inSync(primary))
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IOException("the pair is not in sync after " + READY_WITHIN + ": primary " +
                        primary.state() + ", standby " + standby.state());
                }
                Thread.sleep(20);
            }
            return new SyncPairInJvm(primary, standby, standbyAeron, standbyDriver);
        }
        catch (final IOException | InterruptedException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(standby, primary, standbyAeron, standbyDriver);
            throw ex;
        }
    }

    private static PairConfig pair(final String listen, final String peer,
        final io.flashgate.coordination.PairRegistry.Settings zookeeper)
    {
        final PairConfig alone = new PairConfig(listen, peer, HEARTBEAT_INTERVAL, HEARTBEAT_TIMEOUT, true,
            StandbyAbsence.STOP);
        return zookeeper == null ? alone : alone.withZooKeeper(zookeeper);
    }

    private static boolean inSync(final PairedEngine engine)
    {
        return engine.state().role() == EngineRole.PRIMARY && engine.state().standbyState() == StandbyState.IN_SYNC;
    }

    /** The primary: where commands go. */
    public PairedEngine primary()
    {
        return primary;
    }

    /** True while synchronous replication is on (checked again when the run ends). */
    boolean inSync()
    {
        return inSync(primary);
    }

    String describe()
    {
        return "primary " + primary.state() + ", standby " + standby.state() + ", standby lag " +
            primary.standbyLagRecords() + " records";
    }

    /** The primary first: a standby stopped first would leave it waiting for acknowledgements. */
    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(primary, standby, standbyAeron, standbyDriver);
    }
}
