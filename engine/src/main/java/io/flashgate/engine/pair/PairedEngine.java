package io.flashgate.engine.pair;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.EngineTransport;
import io.flashgate.engine.transport.TransportConfig;
import io.flashgate.journal.TailSetAside;
import io.flashgate.journal.SnapshotStore;
import io.flashgate.protocol.AeronChannels;
import io.flashgate.protocol.EngineRole;
import io.flashgate.client.aeron.IdleChoice;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One engine of a hot-standby pair, wired the one way it is wired everywhere (docs/ARCHITECTURE.md, "Hot standby
 * and failover"): the peer's channels, the engine with its replicator stage and its {@link PairState}, the edges'
 * transport, and the {@link PairLink} (agents of the process's Aeron duty cycle, or a {@code flashgate-pair} thread when
 * the client has none). It starts as a standby; {@code mayStartPair} lets it promote itself
 * when no primary answers at start ({@code ops/flashgate engine}), otherwise only a primary that was in sync and fell
 * silent, or an operator, makes it primary.
 *
 * <p>When it must start again as a standby (fenced by a newer epoch, or told that its journal's tail after some
 * sequence was never part of the pair's history), it does so in place, on a thread of its own: everything but the
 * Aeron client and the peer's channels is closed, the tail is set aside ({@link TailSetAside}: moved, never deleted)
 * with any snapshot beyond it, and the engine starts again from its journal as a standby.
 */
public final class PairedEngine implements AutoCloseable
{

    private final Aeron aeron;
    private final TransportConfig channels;
    private final EngineConfig engineConfig;
    private final PairConfig config;
    private final IdleChoice idle;
    private final Publication toPeer;
    private final Subscription fromPeer;
    private final java.util.function.Consumer<Engine> onEngineStarted;
    /** The pair's ZooKeeper registry (one session across restarts in place), or null without ZooKeeper. */
    private final io.flashgate.coordination.PairRegistry registry;
    private volatile Running running;
    private volatile boolean closed;
    private volatile int restarts;

    /** One start of the engine; {@code runner} is null when the link's agents run on {@code dutyCycle}. */
    private record Running(PairState state, Engine engine, EngineTransport transport, PairLink link,
        AgentRunner runner, io.flashgate.client.aeron.DutyCycle dutyCycle, Replicator replicator)
    {
    }

    private PairedEngine(final Aeron aeron, final TransportConfig channels, final EngineConfig engineConfig,
        final PairConfig config, final IdleChoice idle, final java.util.function.Consumer<Engine> onEngineStarted)
    {
        this.onEngineStarted = onEngineStarted;
        this.aeron = aeron;
        this.channels = channels;
        this.engineConfig = engineConfig;
        this.config = config;
        this.idle = idle;
        // A larger MTU than the edges' streams: one datagram carries a whole ring batch on a LAN or loopback.
        this.toPeer = aeron.addPublication(AeronChannels.udpIngress(config.peer()) + "|mtu=8192|term-length=4m",
            AeronChannels.REPLICATION_STREAM_ID);
        this.fromPeer = aeron.addSubscription(AeronChannels.udpIngress(config.listen()),
            AeronChannels.REPLICATION_STREAM_ID);
        io.flashgate.coordination.PairRegistry started = null;
        if (config.zookeeper() != null)
        {
            try
            {
                started = io.flashgate.coordination.PairRegistry.start(config.zookeeper(),
                    PairId.of(engineConfig.dataDirectory()), config.listen());
            }
            catch (final IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }
        this.registry = started;
    }

    /**
     * Starts one engine of a pair on the process's Aeron client (not closed by this).
     *
     * @param mayStartPair promote itself if no primary is heard within the heartbeat timeout of start.
     */
    public static PairedEngine start(final Aeron aeron, final TransportConfig channels,
        final EngineConfig engineConfig, final PairConfig config, final IdleChoice idle, final boolean mayStartPair)
        throws IOException
    {
        return start(aeron, channels, engineConfig, config, idle, mayStartPair, engine -> { });
    }

    /** As above; {@code onEngineStarted} sees each engine it starts (the first, and each after a restart). */
    public static PairedEngine start(final Aeron aeron, final TransportConfig channels,
        final EngineConfig engineConfig, final PairConfig config, final IdleChoice idle, final boolean mayStartPair,
        final java.util.function.Consumer<Engine> onEngineStarted) throws IOException
    {
        final PairedEngine paired = new PairedEngine(aeron, channels, engineConfig, config, idle, onEngineStarted);
        try
        {
            paired.running = paired.startRunning(mayStartPair);
            return paired;
        }
        catch (final IOException | RuntimeException ex)
        {
            paired.close();
            throw ex;
        }
    }

    private Running startRunning(final boolean mayStartPair) throws IOException
    {
        final PairState state = new PairState(EngineRole.STANDBY, 0);
        if (registry != null)
        {
            state.zooKeeperConnected(registry::connected);
        }
        final io.flashgate.client.aeron.DutyCycle dutyCycle = io.flashgate.client.aeron.DutyCycle.of(aeron);
        final Runnable sent = dutyCycle == null ? null : dutyCycle::signal;
        final Replicator replicator = new Replicator(state, toPeer, config.heartbeatInterval().toNanos(), dutyCycle);
        EngineTransport transport = null;
        Engine engine = null;
        PairLink link = null;
        try
        {
            transport = EngineTransport.open(aeron, channels);
            engine = Engine.startPaired(engineConfig, transport.egressSink(), state, replicator, transport.egressHost());
            state.epoch(engine.epochs().current());
            onEngineStarted.accept(engine);
            transport.start(engine);
            link = new PairLink(config, state, engine, replicator, fromPeer, toPeer,
                engineConfig.journalDirectory(), mayStartPair, PairId.of(engineConfig.dataDirectory()),
                this::restartAfterSetAside, this::restartFenced, engineConfig.snapshotDirectory(),
                this::restartFromSnapshot, registry, sent);
            final AgentRunner runner;
            final Runnable wakeLink;
            if (dutyCycle != null)
            {
                // One thread on this side of Aeron: an acknowledgement moves the release gate in the cycle it arrives,
                // with no hand-off between the pair's thread and the one that runs the driver and the stages.
                runner = null;
                dutyCycle.addInbound(link.peerPoller());
                dutyCycle.add(link.duties());
                wakeLink = dutyCycle::signal; // nothing on the duty thread: its journaller agent runs before the link
            }
            else
            {
                runner = new AgentRunner(idle.newStrategy(), Throwable::printStackTrace, (AtomicCounter)null, link);
                final Thread pairThread = AgentRunner.startOnThread(runner, runnable ->
                {
                    final Thread thread = new Thread(runnable, "flashgate-pair");
                    thread.setDaemon(true);
                    return thread;
                });
                wakeLink = () -> LockSupport.unpark(pairThread);
            }
            // A standby acknowledges as soon as its journal holds a batch: the primary's results wait for that.
            final Engine journaled = engine;
            engine.onDurable(() ->
            {
                if (journaled.pair().role() == EngineRole.STANDBY)
                {
                    wakeLink.run();
                }
            });
            PairLog.info("started", "role", "STANDBY", "sequence", engine.lastPublishedSequence(), "epoch",
                state.epoch(), "pairId", PairId.of(engineConfig.dataDirectory()), "peer", config.peer(), "listen",
                config.listen());
            return new Running(state, engine, transport, link, runner, dutyCycle, replicator);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (link != null)
            {
                if (dutyCycle != null)
                {
                    dutyCycle.remove(link.peerPoller()); // nothing if it was never added
                    dutyCycle.remove(link.duties());
                }
                link.close();
            }
            CloseHelper.quietCloseAll(engine, transport);
            throw ex;
        }
    }

    private void restartAfterSetAside(final long keepUpTo)
    {
        restartInBackground(keepUpTo);
    }

    private void restartFenced()
    {
        restartInBackground(-1);
    }

    /** The primary's journal no longer reaches this standby's end: start again from the snapshot it sent. */
    private void restartFromSnapshot(final long sequence, final org.agrona.DirectBuffer state, final int length)
    {
        final byte[] copy = new byte[length];
        state.getBytes(0, copy);
        final Thread thread = new Thread(() -> restart(-1, sequence, copy), "flashgate-pair-restart");
        thread.setDaemon(true);
        thread.start();
    }

    /** On a thread of its own: the link's thread, which asks for this, is one of those stopped. */
    private void restartInBackground(final long keepUpTo)
    {
        final Thread thread = new Thread(() -> restart(keepUpTo, -1, null), "flashgate-pair-restart");
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized void restart(final long keepUpTo, final long snapshotSequence, final byte[] snapshot)
    {
        if (closed)
        {
            return;
        }
        final Running old = running;
        stop(old);
        try
        {
            if (keepUpTo >= 0)
            {
                final List<String> moved = TailSetAside.after(engineConfig.journalDirectory(), keepUpTo);
                final List<Path> snapshots = new SnapshotStore(engineConfig.snapshotDirectory()).setAsideBeyond(keepUpTo);
                PairLog.warn("set_aside", "after", keepUpTo, "moved", moved, "snapshots", snapshots);
            }
            if (snapshot != null)
            {
                installSnapshot(snapshotSequence, snapshot);
            }
            running = startRunning(false);
            restarts++;
        }
        catch (final IOException | RuntimeException ex)
        {
            PairLog.error("restart_failed", "error", ex);
        }
    }

    /**
     * Starts this standby's history again at the primary's snapshot: its journal and snapshots are set aside (moved,
     * never deleted), the journal begins with the snapshot command's record at the snapshot's sequence (so recovery
     * takes the snapshot, which the journal then reaches), and the snapshot is written as the newest.
     */
    private void installSnapshot(final long sequence, final byte[] state) throws IOException
    {
        final List<String> moved = TailSetAside.after(engineConfig.journalDirectory(), 0);
        final SnapshotStore snapshots = new SnapshotStore(engineConfig.snapshotDirectory());
        final List<Path> setAside = snapshots.setAsideBeyond(0);
        final org.agrona.concurrent.UnsafeBuffer record =
            new org.agrona.concurrent.UnsafeBuffer(new byte[io.flashgate.protocol.WireFormat.MAX_COMMAND_LENGTH]);
        final int length = new io.flashgate.protocol.CommandEncoder().wrap(record, 0)
            .control(io.flashgate.protocol.MessageTypes.SNAPSHOT, 0, 0);
        io.flashgate.protocol.CommandEncoder.stamp(record, 0, sequence, 0);
        try (io.flashgate.journal.Journal journal = io.flashgate.journal.Journal.open(
            io.flashgate.journal.JournalConfig.defaults(engineConfig.journalDirectory())))
        {
            journal.append(sequence, record, 0, length);
            journal.flush();
        }
        snapshots.write(sequence, new org.agrona.concurrent.UnsafeBuffer(state), 0, state.length);
        PairLog.warn("snapshot_installed", "sequence", sequence, "journalMoved", moved, "snapshotsMoved", setAside);
    }

    private static void stop(final Running run)
    {
        if (run != null)
        {
            if (run.runner() != null)
            {
                CloseHelper.quietClose(run.runner());
            }
            else
            {
                run.dutyCycle().remove(run.link().peerPoller());
                run.dutyCycle().remove(run.link().duties());
            }
            run.link().close();
            run.replicator().close();
            CloseHelper.quietClose(run.engine());
            CloseHelper.quietClose(run.transport());
        }
    }

    /** The engine now (a restart as standby replaces it). */
    public Engine engine()
    {
        return running.engine();
    }

    /** The transport now (a restart replaces it). */
    public EngineTransport transport()
    {
        return running.transport();
    }

    /** Where the engine stands in its pair now. */
    public PairState state()
    {
        return running.state();
    }

    /** Times it started again as the standby in place. */
    public int restarts()
    {
        return restarts;
    }

    /** Records sent by catch-up since the last (re)start. */
    public long catchUpRecords()
    {
        return running.link().catchUpRecords();
    }

    /** As standby: how far its journal is behind the primary's last heartbeat. */
    public long standbyLagRecords()
    {
        return running.link().standbyLag();
    }

    /**
     * An operator's promote: the standby journals a new epoch and takes commands. Refused (false) unless this is a
     * standby that was in sync (or never heard a primary), or {@code force}: a standby that lacks acknowledged
     * records would lose them.
     */
    public boolean promote(final boolean force)
    {
        return running.link().requestPromotion(force);
    }

    /** The pair's ZooKeeper registry, or null when the pair has none. */
    public io.flashgate.coordination.PairRegistry registry()
    {
        return registry;
    }

    /** An operator's solo: a primary without its standby releases alone (one copy) until a standby is in sync. */
    public boolean solo()
    {
        return running.link().requestSolo();
    }

    @Override
    public synchronized void close()
    {
        closed = true;
        stop(running);
        CloseHelper.quietCloseAll(fromPeer, toPeer, registry);
    }
}
