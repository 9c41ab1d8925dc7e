package io.flashgate.engine.pipeline;

import com.lmax.disruptor.FatalExceptionHandler;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.flashgate.client.aeron.DutyCycle;
import io.flashgate.config.StageLayout;
import io.flashgate.config.WaitChoice;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.journal.FlushPolicy;
import io.flashgate.journal.Journal;
import io.flashgate.journal.JournalConfig;
import io.flashgate.journal.JournalIo;
import io.flashgate.journal.SnapshotStore;
import io.flashgate.protocol.BatchReader;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.WireFormat;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The engine, assembled in this one place so the whole flow reads like the diagram:
 *
 * <pre>
 *  offer() ──► input ring ─┬─► journaller  (append; flush at end of batch)
 *  (receiver: stamps       ├─► replicator  (a pair only: streams each batch to the standby, never waits)
 *   sequence + time)       └─► business logic (single thread, owns all sale state)
 *                                    └──────────────► egress (after all of them, and in a pair after the
 *                                                     release gate: releases results)
 * </pre>
 *
 * In a hot-standby pair the replicator ({@link ReplicationStage}) sends and never waits for an acknowledgement; the
 * egress waits for every stage and for one more sequence, the {@link ReleaseGate} (the standby's acknowledged
 * sequence), so a result leaves only once the standby holds its command too (see the wiring in the constructor). An
 * engine alone has no replicator, no gate and no thread for them.
 * A standby takes the primary's records as they were journaled ({@link #offerReplicated}) and releases nothing
 * ({@link #releaseResultsFrom}) until its promotion journals a new epoch ({@link #beginEpoch}).
 *
 * Start-up recovers first (snapshot + journal), then opens the ring. {@link #offer} never blocks:
 * a full ring returns false, which callers turn into an honest "overloaded".
 *
 * <p>A journal I/O error is a {@link EngineFault} the engine owns (docs/ARCHITECTURE.md, "Faults"): the journaller
 * stalls so nothing after the last durable command is released, offers are refused from then on, one line is
 * logged and {@link #onFault} listeners are told once. Whoever composed the process decides what follows (the
 * launcher exits with code 4 after a short drain).
 *
 * <p>One file on purpose, although over 400 lines: the wiring (stage threads, or the stages as agents of the Aeron
 * thread with the gates each waits for: the durable point, the snapshot being written, the standby's acknowledgement),
 * the receiver (single and batch offers into the ring), recovery, the ticker
 * and the ordered close (stages drained, agents drained and removed, threads joined, then the journal closed) share
 * the ring and the stage sequences, and must be read together to see that nothing is released before it is durable
 * and nothing writes the journal from two threads (exchange-core's {@code ExchangeCore} is the model); the stages,
 * and the agent that runs one ({@link StageAgent}), are their own classes.
 *
 */
public final class Engine implements AutoCloseable
{
    private final EngineConfig config;
    private final Journal journal;
    private final Disruptor<CommandSlot> disruptor;
    private final RingBuffer<CommandSlot> ring;
    private final EpochClock clock;
    private final Recovery.Recovered recovered;
    /** Command sequence = baseSequence + 1 + ring sequence, so the journal's numbering continues across restarts. */
    private final long baseSequence;
    /**
     * What {@link #stats()} reports as released until the egress releases something in this run. Alone: the journal's
     * end (every durable record may have been answered before a restart). In a pair: only where the newest epoch in
     * the journal began, since a tail after it may be one its primary never released and a newer primary will have
     * this engine set aside (docs/ARCHITECTURE.md, "Hot standby and failover"); records before it are in every later
     * primary's history.
     */
    private final long releasedAtStart;
    private final Thread ticker;
    private final UnsafeBuffer controlBuffer = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
    private final CommandEncoder controlEncoder = new CommandEncoder();
    private volatile boolean running = true;
    private final Journaller journaller;
    private final Egress egress;
    private final AtomicLong refusedOffers = new AtomicLong();
    private final BusinessLogicHandler logicHandler;
    private final SnapshotWriter snapshotWriter;
    /** The egress's limit while a snapshot is written; after the logic's sequence in every egress gate group. */
    private final SnapshotGate snapshotGate;
    private final FaultReport faults = new FaultReport();
    private final PairView pair;
    private final ReplicationStage replication;
    private final List<String> stageThreads;
    private final WaitStrategy waitStrategy;
    private final SinkReport sinkReport = new SinkReport();
    /** The replicator (in a pair) and the egress as agents (parking waits, the default); empty with spinning waits. */
    private final List<StageAgent> agents;
    /** Whether each agent runs on a duty cycle of this engine's own (started and stopped with it). */
    private final boolean ownsAgentHosts;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Engine(final EngineConfig config, final EventSink sink, final EpochClock clock, final JournalIo io,
        final PairView pair, final ReplicationStage replication, final DutyCycle givenHost) throws IOException
    {
        this.config = config;
        this.clock = clock;
        this.pair = pair;
        this.replication = replication;
        this.journal = Journal.open(new JournalConfig(config.journalDirectory(), config.segmentSizeBytes(),
            1024 * 1024, config.flushPolicy()), io);
        final SnapshotStore snapshots = new SnapshotStore(config.snapshotDirectory(), io);
        final Recovery.Recovered recovered;
        try
        {
            recovered = Recovery.recover(journal, snapshots, config.expectedBuyers(), (b, o, l) -> { });
        }
        catch (final IOException | RuntimeException ex)
        {
            journal.close();
            throw ex;
        }
        this.recovered = recovered;
        this.baseSequence = journal.lastSequence();
        this.releasedAtStart = replication == null ? baseSequence :
            Math.min(baseSequence, recovered.logic().epochs().currentStart());
        final System.Logger log = System.getLogger("flashgate.engine");
        if (journal.recoveryReport().cutTail())
        {
            log.log(System.Logger.Level.WARNING, "journal: " + journal.recoveryReport().describe());
        }
        log.log(System.Logger.Level.INFO, recovered.describe());

        waitStrategy = WaitStrategies.of(config.waitChoice());
        // With the parking wait (the default) the stages that only hand work on, the replicator and the egress, are
        // agents of a duty cycle (StageAgent); the spinning and Disruptor-blocking waits keep a thread per stage.
        final boolean stagesAsAgents = waitStrategy instanceof ParkingWaitStrategy;
        // On the caller's Aeron thread (StageLayout.AERON_THREAD) the journaller and the logic are agents too, unless
        // each batch waits for a device flush, which must never hold up the thread that runs every socket.
        final boolean allOnHost = config.waitChoice() == WaitChoice.PARKING && givenHost != null &&
            config.stageLayout() == StageLayout.AERON_THREAD && config.flushPolicy() == FlushPolicy.PAGE_CACHE;
        journaller = new Journaller(journal, this::journalFailed, !allOnHost);
        snapshotWriter = new SnapshotWriter(snapshots, waitStrategy::signalAllWhenBlocking);
        snapshotGate = new SnapshotGate(snapshotWriter, baseSequence);
        logicHandler = new BusinessLogicHandler(recovered.logic(), snapshotWriter, pair);
        egress = new Egress(sink, journaller.durableSequence, this::lastPublishedSequence, pair, sinkReport);
        final List<String> names = new java.util.ArrayList<>(allOnHost ? List.of() :
            List.of("flashgate-journaller", "flashgate-logic"));
        if (!stagesAsAgents)
        {
            if (replication != null)
            {
                names.add("flashgate-replicator");
            }
            names.add("flashgate-egress");
        }
        stageThreads = List.copyOf(names);
        disruptor = new Disruptor<>(CommandSlot::new, config.ringSize(), threadFactory(stageThreads, stages),
            ProducerType.MULTI, waitStrategy);
        // A journal fault is caught inside the journaller, which stalls (see Journaller): nothing after the last
        // durable command is ever released. Anything else that escapes a stage ends that stage's thread.
        disruptor.setDefaultExceptionHandler(new FatalExceptionHandler());
        // The stages in parallel after the receiver, then the egress gated on all of them (invariant 3). The pair's
        // replicator (docs/ARCHITECTURE.md, "Hot standby and failover") is in the first group: it sends and never
        // waits; the egress waits for it and for the release gate, the standby's acknowledgement read as a sequence,
        // so a result leaves only once the standby holds its command. An engine outside a pair has neither.
        final com.lmax.disruptor.Sequence gate = replication == null ? null : new ReleaseGate(replication, baseSequence);
        if (stagesAsAgents)
        {
            agents = wireStageAgents(disruptor.getRingBuffer(), (ParkingWaitStrategy)waitStrategy, sink, replication,
                gate, givenHost, allOnHost);
        }
        else
        {
            wireStageThreads(replication, gate);
            agents = List.of();
        }
        ownsAgentHosts = givenHost == null;
        ring = disruptor.start();
        if (waitStrategy instanceof ParkingWaitStrategy parking)
        {
            parking.bind(ring); // stages on the ring wait for a published slot, not a claimed one
        }
        for (final StageAgent agent : agents)
        {
            agent.host().add(agent);
        }

        ticker = config.tickIntervalMillis() > 0 || config.snapshotEveryCommands() > 0 ?
            threadFactory("flashgate-ticker").newThread(this::tick) : null;
        if (ticker != null)
        {
            ticker.start();
        }
    }

    /** Recovers from {@code config.dataDirectory()} and starts the pipeline; results go to {@code sink} on the egress thread. */
    public static Engine start(final EngineConfig config, final EventSink sink) throws IOException
    {
        return new Engine(config, sink, SystemEpochClock.INSTANCE, JournalIo.REAL, PairView.SOLO, null, null);
    }

    /**
     * As {@link #start(EngineConfig, EventSink)}, the egress an agent of {@code agentHost} (the Aeron duty cycle
     * whose publication {@code sink} offers to), so results leave with no thread hand-off; under
     * {@code StageLayout.AERON_THREAD} (and the page-cache flush) the journaller and the logic are agents of it too.
     * With a wait strategy that spins, every stage stays a thread of its own.
     */
    public static Engine start(final EngineConfig config, final EventSink sink, final DutyCycle agentHost)
        throws IOException
    {
        return new Engine(config, sink, SystemEpochClock.INSTANCE, JournalIo.REAL, PairView.SOLO, null, agentHost);
    }

    /**
     * One engine of a pair: {@code pair} tells its role, {@code replication} is its replicator stage (docs/
     * ARCHITECTURE.md, "Hot standby and failover"). A standby's results are held back ({@link #releaseResultsFrom}).
     */
    public static Engine startPaired(final EngineConfig config, final EventSink sink, final PairView pair,
        final ReplicationStage replication) throws IOException
    {
        return startPaired(config, sink, pair, replication, null);
    }

    /**
     * As above, the replicator and the egress agents of {@code agentHost} (the Aeron duty cycle that also sends to
     * the standby; see {@link #start(EngineConfig, EventSink, DutyCycle)}).
     */
    public static Engine startPaired(final EngineConfig config, final EventSink sink, final PairView pair,
        final ReplicationStage replication, final DutyCycle agentHost) throws IOException
    {
        return new Engine(config, sink, SystemEpochClock.INSTANCE, JournalIo.REAL, pair, replication, agentHost);
    }

    /** As {@link #start(EngineConfig, EventSink)} with a clock of the caller's (tests drive time). */
    public static Engine start(final EngineConfig config, final EventSink sink, final EpochClock clock)
        throws IOException
    {
        return new Engine(config, sink, clock, JournalIo.REAL, PairView.SOLO, null, null);
    }

    /** As {@link #start(EngineConfig, EventSink, EpochClock)} with a hook before each disk write (tests fail it). */
    public static Engine start(final EngineConfig config, final EventSink sink, final EpochClock clock,
        final JournalIo io) throws IOException
    {
        return start(config, sink, clock, io, null);
    }

    /** As above, the egress an agent of {@code agentHost} (see {@link #start(EngineConfig, EventSink, DutyCycle)}). */
    public static Engine start(final EngineConfig config, final EventSink sink, final EpochClock clock,
        final JournalIo io, final DutyCycle agentHost) throws IOException
    {
        return new Engine(config, sink, clock, io, PairView.SOLO, null, agentHost);
    }

    /**
     * The receiver: copies one encoded command into the ring, stamping its sequence and time once.
     * Thread-safe (many producers); never blocks.
     *
     * @return false if the ring is full (back-pressure), the engine is faulted or closed.
     */
    public boolean offer(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!running || faults.current() != null)
        {
            return false;
        }
        final long ringSequence;
        try
        {
            ringSequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            refusedOffers.incrementAndGet();
            return false;
        }
        fill(ringSequence, buffer, offset, length, clock.time());
        ring.publish(ringSequence);
        return true;
    }

    /**
     * The receiver for a message of many commands: takes all {@code count} frames of {@code frames} (just wrapped,
     * {@code count} from its {@link BatchReader#remainingFrames()}) or none, so that a refused message can be offered
     * again whole without any command taken twice. Thread-safe; never blocks; claims the slots with one CAS.
     *
     * @return false if the ring lacks room for all of them (back-pressure), the engine is faulted or closed.
     * @throws IllegalArgumentException if {@code count} is not in 1..ring size (the ring could never take it).
     */
    public boolean offerAll(final BatchReader frames, final int count)
    {
        final long first = claim(count, true);
        if (first < 0)
        {
            return false;
        }
        final long last = first + count - 1;
        final long now = clock.time();
        for (long ringSequence = first; ringSequence <= last; ringSequence++)
        {
            frames.next();
            fill(ringSequence, frames.buffer(), frames.frameOffset(), frames.frameLength(), now);
        }
        ring.publish(first, last);
        return true;
    }

    /**
     * A standby's receiver: takes one record as the primary journaled it (its sequence and time already stamped,
     * never restamped: the standby applies the primary's clock), which must be the next sequence of this engine.
     * One thread only (the pair link); never blocks.
     *
     * @return false if the ring is full (try again), the engine is faulted or closed.
     * @throws IllegalStateException if {@code sequence} is not the next one: records must come without gaps.
     */
    public boolean offerReplicated(final DirectBuffer buffer, final int offset, final int length, final long sequence)
    {
        if (!running || faults.current() != null)
        {
            return false;
        }
        if (sequence != lastPublishedSequence() + 1)
        {
            throw new IllegalStateException("record " + sequence + " offered after " + lastPublishedSequence());
        }
        final long ringSequence;
        try
        {
            ringSequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return false;
        }
        final CommandSlot slot = ring.get(ringSequence);
        final int copied = Math.max(0, Math.min(length, CommandSlot.CAPACITY));
        slot.command.putBytes(0, buffer, offset, copied);
        slot.commandLength = copied;
        slot.sequence = baseSequence + 1 + ringSequence;
        ring.publish(ringSequence);
        return true;
    }

    /**
     * A standby's receiver for a message of records: takes the next {@code count} frames of {@code frames} (each a
     * record as the primary journaled it, never restamped) with one claim of the ring and one publish, or none. The
     * first must be the next sequence of this engine and the others must follow it without a gap. One thread only.
     *
     * @return false if the ring lacks room for all of them (try again with the frames read afresh), the engine is
     * faulted or closed.
     * @throws IllegalStateException if the records do not follow this engine's last one without a gap.
     */
    public boolean offerReplicatedAll(final BatchReader frames, final int count)
    {
        final long first = claim(count, false);
        if (first < 0)
        {
            return false;
        }
        final long last = first + count - 1;
        for (long ringSequence = first; ringSequence <= last; ringSequence++)
        {
            frames.next();
            final CommandSlot slot = ring.get(ringSequence);
            final int copied = Math.max(0, Math.min(frames.frameLength(), CommandSlot.CAPACITY));
            slot.command.putBytes(0, frames.buffer(), frames.frameOffset(), copied);
            slot.commandLength = copied;
            slot.sequence = baseSequence + 1 + ringSequence;
            final long stamped = copied >= WireFormat.HEADER_LENGTH ?
                io.flashgate.protocol.CommandDecoder.sequenceOf(slot.command, 0) : -1;
            if (stamped != slot.sequence)
            {
                // Cannot happen with the pair's intake (it checks before): stop rather than journal a gap.
                throw new IllegalStateException("record " + stamped + " offered as " + slot.sequence);
            }
        }
        ring.publish(first, last);
        return true;
    }

    /**
     * Results of commands from {@code sequence} on go to the sink; those before it are applied and journaled but not
     * released. A standby starts with {@link Long#MAX_VALUE} (it answers nobody); its promotion sets the sequence of
     * its first own command. Any thread.
     */
    public void releaseResultsFrom(final long sequence)
    {
        egress.releaseFrom.set(sequence);
    }

    /**
     * The pair's release limit moved (an acknowledgement, a change of role): wakes the egress if it waits for it.
     * Any thread; cheap when nobody waits.
     */
    public void releaseLimitMoved()
    {
        waitStrategy.signalAllWhenBlocking();
    }

    /** What the order sink last reported about itself (shown in {@code GET /admin/engine}); any thread. */
    public SinkReport sinkReport()
    {
        return sinkReport;
    }

    /** The live business logic's epochs (read-only use from other threads: {@link io.flashgate.engine.logic.EpochHistory}). */
    public io.flashgate.engine.logic.EpochHistory epochs()
    {
        return recovered.logic().epochs();
    }

    /** Where this engine stands in its pair ({@link PairView#SOLO} outside one). */
    public PairView pair()
    {
        return pair;
    }

    /**
     * Runs {@code listener} on the journaller's thread (the Aeron thread, when the journaller is its agent) after each
     * batch becomes durable (keep it to a wake-up: a standby's pair thread acknowledges at once instead of at its next
     * poll). Null removes it.
     */
    public void onDurable(final Runnable listener)
    {
        journaller.afterFlush(listener);
    }

    /** The last command made durable in this engine's journal; any thread. */
    public long durableSequence()
    {
        return Math.max(baseSequence, journaller.durableSequence.get());
    }

    /**
     * Claims {@code count} slots at once for a message (all or none); @return the first ring sequence, or -1 if the
     * ring lacks room (counted as a refused offer when {@code countRefusal}), the engine is faulted or closed.
     */
    private long claim(final int count, final boolean countRefusal)
    {
        if (count < 1 || count > ring.getBufferSize())
        {
            throw new IllegalArgumentException("a message of " + count + " commands for a ring of " +
                ring.getBufferSize());
        }
        if (!running || faults.current() != null)
        {
            return -1;
        }
        try
        {
            return ring.tryNext(count) - count + 1;
        }
        catch (final InsufficientCapacityException ex)
        {
            if (countRefusal)
            {
                refusedOffers.incrementAndGet();
            }
            return -1;
        }
    }

    /** The slots a message of commands may take at most: {@link #offerAll} refuses more. */
    public int ringSize()
    {
        return ring.getBufferSize();
    }

    private void fill(final long ringSequence, final DirectBuffer buffer, final int offset, final int length,
        final long time)
    {
        final CommandSlot slot = ring.get(ringSequence);
        // An over-long command is cut one byte past the limit: it then fails validation as TOO_LONG, and the
        // journal holds the same bytes, so replay rejects it the same way.
        final int copied = Math.max(0, Math.min(length, CommandSlot.CAPACITY));
        slot.command.putBytes(0, buffer, offset, copied);
        slot.commandLength = copied;
        slot.sequence = baseSequence + 1 + ringSequence;
        if (copied >= WireFormat.HEADER_LENGTH)
        {
            CommandEncoder.stamp(slot.command, 0, slot.sequence, time);
        }
    }

    /** Asks for a snapshot at the next sequence; the reply is an ACK carrying that sequence. */
    public boolean requestSnapshot()
    {
        return offerControl(MessageTypes.SNAPSHOT);
    }

    /**
     * Journals the start of {@code epoch} (a promotion: docs/ARCHITECTURE.md, "Hot standby and failover") as the
     * next command. The pair's link calls it while no one else offers, so the record takes the next sequence.
     */
    public synchronized boolean beginEpoch(final long epoch)
    {
        final int length = controlEncoder.wrap(controlBuffer, 0).newEpoch(epoch);
        return offer(controlBuffer, 0, length);
    }

    private synchronized boolean offerControl(final short type)
    {
        final int length = controlEncoder.wrap(controlBuffer, 0).control(type, 0, 0);
        return offer(controlBuffer, 0, length);
    }

    /** The clock thread: ticks for reservation expiry and periodic snapshots. Sleeps between ticks. */
    private void tick()
    {
        final long period = config.tickIntervalMillis() > 0 ? config.tickIntervalMillis() : 1000;
        long snapshotAt = ring.getCursor();
        while (running)
        {
            try
            {
                Thread.sleep(period);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            if (!pair.ownsClock())
            {
                continue; // a standby applies the primary's ticks and snapshot commands, never its own
            }
            if (config.tickIntervalMillis() > 0)
            {
                offerControl(MessageTypes.EXPIRE_RESERVATIONS);
            }
            final long cursor = ring.getCursor();
            if (config.snapshotEveryCommands() > 0 && cursor - snapshotAt >= config.snapshotEveryCommands() &&
                requestSnapshot())
            {
                snapshotAt = cursor;
            }
        }
    }

    public Recovery.Recovered recovered()
    {
        return recovered;
    }

    /**
     * The default wiring: the journaller and the logic as threads of the Disruptor's, or with {@code allOnHost} as
     * agents of the caller's duty cycle; the replicator (in a pair, waiting for published slots beside them) and the
     * egress (gated on all of them) as agents polling the ring ({@link StageAgent}), on the caller's duty cycle or a
     * thread of the engine's own. Egress last, so that in one cycle a command passes every stage in turn.
     */
    private List<StageAgent> wireStageAgents(final RingBuffer<CommandSlot> ringBuffer, final ParkingWaitStrategy parking,
        final EventSink sink, final ReplicationStage replication, final com.lmax.disruptor.Sequence gate,
        final DutyCycle givenHost, final boolean allOnHost)
    {
        final List<com.lmax.disruptor.Sequence> gates = new java.util.ArrayList<>();
        final List<StageAgent> wired = new java.util.ArrayList<>();
        if (allOnHost)
        {
            // Each waits for published slots, as its thread did; the logic still alone touches sale state (one thread,
            // the Aeron thread, runs it), invariant 1. The egress waits for the journal's durable point, not for the
            // journaller's poller (see DurableGate).
            final com.lmax.disruptor.Sequence[] published = new com.lmax.disruptor.Sequence[0];
            final StageAgent journalling = new StageAgent("flashgate-journaller", ringBuffer, journaller, slot -> true,
                published, givenHost, parking::signalAllWhenBlocking);
            final StageAgent logic = new StageAgent("flashgate-logic", ringBuffer, logicHandler, slot -> true,
                published, givenHost, parking::signalAllWhenBlocking);
            wired.add(journalling);
            wired.add(logic);
            gates.add(new DurableGate(journaller.durableSequence, baseSequence));
            gates.add(logic.sequence());
            gates.add(snapshotGate); // after the logic's sequence: see SnapshotGate
        }
        else
        {
            final List<com.lmax.disruptor.EventHandler<CommandSlot>> handlers = List.of(journaller, logicHandler);
            final com.lmax.disruptor.BatchEventProcessor<?>[] processors =
                new com.lmax.disruptor.BatchEventProcessor<?>[handlers.size()];
            for (int i = 0; i < handlers.size(); i++)
            {
                final com.lmax.disruptor.BatchEventProcessor<CommandSlot> processor =
                    new com.lmax.disruptor.BatchEventProcessorBuilder().build(ringBuffer, ringBuffer.newBarrier(),
                        handlers.get(i));
                processor.setExceptionHandler(handlers.get(i) == journaller ? new StoppedJournallerHandler() :
                    new FatalExceptionHandler());
                processors[i] = processor;
                gates.add(processor.getSequence());
            }
            gates.add(snapshotGate); // after the logic's sequence: see SnapshotGate
            disruptor.handleEventsWith(processors);
        }
        if (replication != null)
        {
            final StageAgent replicator = new StageAgent("flashgate-replicator", ringBuffer,
                new ReplicatorHandler(replication), slot -> replication.hasRoom(), new com.lmax.disruptor.Sequence[0],
                hostFor("flashgate-replicator", givenHost), parking::signalAllWhenBlocking);
            wired.add(replicator);
            gates.add(replicator.sequence());
            gates.add(gate);
        }
        wired.add(new StageAgent("flashgate-egress", ringBuffer, egress, slot -> sink.hasRoomFor(slot.eventsLength),
            gates.toArray(new com.lmax.disruptor.Sequence[0]), hostFor("flashgate-egress", givenHost), () -> { }));
        for (final StageAgent agent : wired)
        {
            parking.watch(agent);
        }
        return List.copyOf(wired);
    }

    /**
     * The caller's duty cycle, or, for an engine with none, a thread of the agent's own that parks until signalled
     * (so the replicator and the egress of a pair do not wait on each other's retries, as two stage threads did not).
     */
    private static DutyCycle hostFor(final String name, final DutyCycle givenHost)
    {
        return givenHost != null ? givenHost : DutyCycle.start(name, DutyCycle.parkUntilSignalled());
    }

    /**
     * The wiring for the spinning and Disruptor-blocking waits: the egress a thread of the Disruptor's, gated on the
     * stages, then on the snapshot being written (after the logic, see SnapshotGate) and in a pair the release gate.
     */
    private void wireStageThreads(final ReplicationStage replication, final com.lmax.disruptor.Sequence gate)
    {
        final com.lmax.disruptor.Sequence[] more = replication == null ?
            new com.lmax.disruptor.Sequence[] {snapshotGate} : new com.lmax.disruptor.Sequence[] {snapshotGate, gate};
        final com.lmax.disruptor.dsl.EventProcessorFactory<CommandSlot> gatedEgress = (ringBuffer, barrierSequences) ->
        {
            final com.lmax.disruptor.Sequence[] gated =
                java.util.Arrays.copyOf(barrierSequences, barrierSequences.length + more.length);
            System.arraycopy(more, 0, gated, barrierSequences.length, more.length);
            return new com.lmax.disruptor.BatchEventProcessorBuilder()
                .build(ringBuffer, ringBuffer.newBarrier(gated), egress);
        };
        if (replication == null)
        {
            disruptor.handleEventsWith(journaller, logicHandler).then(gatedEgress);
        }
        else
        {
            disruptor.handleEventsWith(journaller, logicHandler, new ReplicatorHandler(replication)).then(gatedEgress);
        }
        disruptor.handleExceptionsFor(journaller).with(new StoppedJournallerHandler());
    }

    /** The pipeline's figures now, for metrics; any thread. */
    public EngineStats stats()
    {
        // Read downstream first: each stage trails the one before it, so released <= durable <= published holds
        // within one reading even while commands flow (edges probe every engine ten times a second).
        final long released = Math.max(releasedAtStart, egress.releasedSequence.get());
        final long durable = Math.max(baseSequence, journaller.durableSequence.get());
        final long published = baseSequence + 1 + ring.getCursor();
        final boolean faulted = faults.current() != null;
        return new EngineStats(ring.getBufferSize(), ring.remainingCapacity(), published,
            durable, journaller.batches.get(),
            released, refusedOffers.get(), baseSequence,
            faulted, faulted ? 1 : 0, journaller.maxFlushNanos.get(), journaller.slowFlushes.get(),
            snapshotWriter.failures.get());
    }

    /** The journal fault that stopped the engine, or null while it runs normally; any thread. */
    public EngineFault fault()
    {
        return faults.current();
    }

    /**
     * Tells {@code listener} of the journal fault once, on the journaller's thread or the duty cycle running it (at
     * once, on the caller's, if the engine is already faulted). Keep it short: hand real work to another thread.
     */
    public void onFault(final Consumer<EngineFault> listener)
    {
        faults.onFault(listener);
    }

    /**
     * True once faulted and the egress has released everything that was durable: the egress thread will never
     * publish again, so the transport may answer commands itself (with ENGINE_FAULT) on the same publication.
     */
    public boolean isFaultDrained()
    {
        final EngineFault now = faults.current();
        return now != null && Math.max(baseSequence, egress.releasedSequence.get()) >= now.durableSequence();
    }

    /** The journaller (its thread, or the duty cycle running it), once: the file, the error, where durability stopped. */
    private void journalFailed(final RuntimeException ex)
    {
        final Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
        faults.report(new EngineFault(journal.activeFile(), String.valueOf(cause),
            Math.max(baseSequence, journaller.durableSequence.get())));
    }

    /** The stages' threads, as the Disruptor started them: joined on close before the journal is closed. */
    private final List<Thread> stages = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Sequence the next offered command will get at the earliest. */
    public long lastPublishedSequence()
    {
        return baseSequence + 1 + ring.getCursor();
    }

    /** False once {@link #close} began: offers are refused from then on. */
    public boolean isRunning()
    {
        return running;
    }

    public EngineConfig config()
    {
        return config;
    }

    /** Drains what was offered (up to 10 s), stops every thread, closes the journal. */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return; // closed already (a pair's restart and its own close may both get here)
        }
        running = false;
        if (ticker != null)
        {
            ticker.interrupt();
            try
            {
                ticker.join(5_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        boolean drains = faults.current() == null &&
            (replication == null || replication.releasableUpTo() >= lastPublishedSequence());
        if (!drains)
        {
            // The journaller is stalled, or results wait for acknowledgements that may never come: neither drains.
            // Stop the stages, then let the journaller end (by throwing), so nothing held is ever released. Stages
            // that are agents are taken out below without draining (the egress stays gated until then).
            disruptor.halt();
            journaller.close();
        }
        else
        {
            try
            {
                disruptor.shutdown(10, TimeUnit.SECONDS);
            }
            catch (final com.lmax.disruptor.TimeoutException ex)
            {
                drains = false;
                disruptor.halt();
                journaller.close();
            }
        }
        if (!agents.isEmpty())
        {
            stopStageAgents(drains);
        }
        // A halted stage may still be inside its last event (the journaller in a flush): the journal is closed, and
        // flushed once more, only after every stage thread has ended, so that no two threads ever write it.
        for (final Thread stage : stages)
        {
            try
            {
                stage.join(5_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        snapshotWriter.awaitWritten(30_000); // a snapshot the logic took is on disk (or failed) when close returns
        journal.close();
    }

    /**
     * The agents pass what the stages passed (up to 10 s; nothing more when the stages were halted), then leave their
     * duty cycle; a cycle of this engine's own is stopped with them.
     */
    private void stopStageAgents(final boolean drain)
    {
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (drain && !agents.stream().allMatch(agent -> agent.isDrained() || agent.isPollingOnThisThread()) &&
                System.nanoTime() - deadline < 0)
            {
                for (final StageAgent agent : agents)
                {
                    final DutyCycle host = agent.host();
                    if (host.isDutyThread() || host.isStopped())
                    {
                        agent.doWork(); // closed from the cycle's own thread, or the cycle ended: nobody else runs it
                    }
                    else
                    {
                        host.signal();
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        }
        catch (final Exception ex)
        {
            // The stage threw and stopped (fail-stop, see StageAgent): nothing more will pass it.
            System.getLogger("flashgate.engine").log(System.Logger.Level.WARNING, "a stage stopped on close: " + ex);
        }
        finally
        {
            for (final StageAgent agent : agents)
            {
                agent.host().remove(agent);
                if (ownsAgentHosts)
                {
                    agent.host().close();
                }
            }
        }
    }

    /** The Disruptor starts one thread per stage, in the order the stages are wired: these are their names. */
    List<String> stageThreads()
    {
        return stageThreads;
    }

    private static ThreadFactory threadFactory(final List<String> names, final List<Thread> started)
    {
        final AtomicInteger next = new AtomicInteger();
        return runnable ->
        {
            final int index = next.getAndIncrement();
            final Thread thread = new Thread(runnable,
                index < names.size() ? names.get(index) : "flashgate-pipeline-" + index);
            started.add(thread);
            thread.setDaemon(true);
            // A journaller stopped after its fault ends its thread quietly: the fault was logged once already.
            thread.setUncaughtExceptionHandler((t, ex) ->
            {
                if (!(ex.getCause() instanceof Journaller.Stopped) && !(ex instanceof Journaller.Stopped))
                {
                    ex.printStackTrace();
                }
            });
            return thread;
        };
    }

    private static ThreadFactory threadFactory(final String name)
    {
        return runnable ->
        {
            final Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
