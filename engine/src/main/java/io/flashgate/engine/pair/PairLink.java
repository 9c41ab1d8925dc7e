package io.flashgate.engine.pair;

import io.aeron.ControlledFragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.Header;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.StandbyState;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * The {@code flashgate-pair} agent: everything one engine says to and hears from the other, on one thread
 * (docs/ARCHITECTURE.md, "Hot standby and failover"): the Aeron duty cycle's, as two agents ({@link #peerPoller}
 * before the engine's stages, {@link #duties} after them), or, when the Aeron client has no duty cycle, a thread of
 * its own that runs both ({@link #doWork}). On the duty cycle an acknowledgement read in a cycle moves the release
 * gate before that cycle's egress runs, and a standby acknowledges what its journaller made durable in the same
 * cycle; nothing on it waits (a full ring leaves the primary's message in Aeron's log, a promotion that finds the ring
 * full is tried again next cycle), and catch-up reads the journal on a thread of its own ({@link CatchUp}).
 * <ul>
 *   <li>As standby: takes the primary's records ({@link StandbyIntake}), acknowledges its journal's durable end as
 *       soon as it moves (and every heartbeat interval), and promotes itself when a primary that said it was in
 *       sync has been silent for the heartbeat timeout (auto promotion), or when an operator says so.</li>
 *   <li>As primary (or solo): heartbeats, counts acknowledgements of its own epoch only (moving the egress's
 *       release gate), judges the standby (in sync, catching up, absent), fills a standby's gap from the journal
 *       ({@link CatchUp}), tells a standby whose journal holds an older epoch's unreleased tail where to set it
 *       aside, and switches between PRIMARY (synchronous) and SOLO as the standby comes and goes.</li>
 *   <li>Either way: a peer speaking for a newer epoch fences this engine if it was primary, and the owner (see
 *       {@link PairedEngine}) restarts it as a standby.</li>
 * </ul>
 *
 * <p>One file on purpose, although over 400 lines: the conversation and the role changes (promotion, fencing, SOLO to
 * PRIMARY, standby absent) must be read together to see why no result is released that the standby lacks; the
 * standby's intake, the catch-up reader and the role itself ({@link PairState}) are classes of their own.
 */
final class PairLink implements Agent
{
    private static final long CATCH_UP_PAUSE_NANOS = 20_000_000L;

    private final PairConfig config;
    private final PairState state;
    private final Engine engine;
    private final Replicator replicator;
    private final Subscription fromPeer;
    private final Publication toPeer;
    private final StandbyIntake intake;
    private final CatchUp catchUp;
    private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(this::onMessage);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[PairMessage.HEADER_LENGTH]);
    private final long intervalNanos;
    private final long timeoutNanos;
    private final LongConsumer onSetAside;
    private final SnapshotInstall onSnapshot;
    /** A snapshot the primary sends in parts, assembled here (standby). */
    private final org.agrona.ExpandableArrayBuffer snapshotParts = new org.agrona.ExpandableArrayBuffer(1 << 16);
    private long snapshotSequence = -1;
    private long snapshotReceived;

    /** What a standby does with a whole snapshot from its primary: start again from it (see {@link PairedEngine}). */
    interface SnapshotInstall
    {
        void install(long sequence, org.agrona.DirectBuffer state, int length);
    }
    private final Runnable onFenced;
    private final long startedNanos = System.nanoTime();
    private final boolean mayStartPair;
    private final int pairId;
    /** The pair's ZooKeeper registry, or null: without it the two engines decide alone (the weaker mode). */
    private final io.flashgate.coordination.PairRegistry registry;
    /** A standby's claim of the leadership under way, and why it was made. */
    private java.util.concurrent.CompletableFuture<io.flashgate.coordination.PairRegistry.Claim> pendingClaim;
    private String claimWhy;
    /** A primary's write of the synchronous set under way, of {@code pendingWriteOf} (0: itself alone). */
    private java.util.concurrent.CompletableFuture<io.flashgate.coordination.PairRegistry.Write> pendingWrite;
    private int pendingWriteOf;
    private String pendingWriteWhy;
    private long nextCallNanos;
    /** With a registry: the standby this primary last wrote into the synchronous set, 0 if none. */
    private int standbyInSyncSet;
    /** The standby's pair id, from its acknowledgements. */
    private int standbyId;
    // a peer that is a standby too (no primary between them): who holds the newer history?
    private long lastHeardPeerStandbyNanos;
    private boolean heardPeerStandby;
    private long peerStandbyEpoch;
    private long peerStandbyDurable;
    private int peerStandbyId;
    private boolean peerStandbyCandidate;

    private long nextBeatNanos;
    // standby side
    private long lastHeardPrimaryNanos;
    private boolean heardPrimary;
    private boolean primarySaidInSync;
    private long primaryEpoch;
    private long primaryLast;
    private long lastAckSent = -1;
    private volatile boolean promoteRequested;
    private volatile boolean forcePromote;
    // primary side
    private long lastHeardStandbyNanos;
    private boolean standbyHeard;
    private long standbyNext;
    /** The standby's next sequence moved with its last acknowledgement (it is taking records). */
    private boolean standbyProgressed;
    /** Its journal holds an older epoch's tail this history does not have: no catch-up until it is set aside. */
    private boolean standbyDiverged;
    private long lastSentAtLastAck;
    /** This journal's durable end when the last acknowledgement came, and when the one before it came. */
    private long durableAtLastAck;
    private long durableAtPreviousAck;
    /** The first live record the standby keeps past a gap, 0 if none: the gap is what catch-up must send. */
    private long standbyRunFrom;
    private long lastProgressNanos;
    private boolean standbyLevel;
    private long lastCatchUpNanos;
    private long lastSetAsideNanos;
    private volatile boolean soloRequested;
    private boolean fencedReported;
    /** The last sequence that may have been released without the standby's acknowledgement (while SOLO). */
    private long lastPassedAlone;
    /** A promotion whose new epoch the ring had no room for yet (0: none), and why it was made. */
    private long promotionEpoch;
    private String promotionWhy;
    /** The last poll left a message in Aeron's log because the ring was full. */
    private boolean ringWasFull;
    /** Wakes the Aeron duty cycle after an acknowledgement is offered; null when there is none. */
    private final Runnable sent;

    /**
     * @param mayStartPair true for an engine started as a primary candidate ({@code ops/flashgate engine}): if it hears
     *                     no primary for a heartbeat timeout it promotes itself; a standby started as such
     *                     ({@code ops/flashgate standby}) never does until it has been in sync.
     */
    PairLink(final PairConfig config, final PairState state, final Engine engine, final Replicator replicator,
        final Subscription fromPeer, final Publication toPeer, final Path journalDirectory,
        final boolean mayStartPair, final int pairId, final LongConsumer onSetAside, final Runnable onFenced,
        final java.nio.file.Path snapshotDirectory, final SnapshotInstall onSnapshot,
        final io.flashgate.coordination.PairRegistry registry, final Runnable sent)
    {
        this.sent = sent;
        this.registry = registry;
        PairMessage.sender(out, pairId, mayStartPair);
        this.onSnapshot = onSnapshot;
        this.pairId = pairId;
        this.config = config;
        this.state = state;
        this.engine = engine;
        this.replicator = replicator;
        this.fromPeer = fromPeer;
        this.toPeer = toPeer;
        this.intake = new StandbyIntake(engine, state);
        this.catchUp = new CatchUp(journalDirectory, toPeer,
            new io.flashgate.journal.SnapshotStore(snapshotDirectory));
        this.intervalNanos = config.heartbeatInterval().toNanos();
        this.timeoutNanos = config.heartbeatTimeout().toNanos();
        this.mayStartPair = mayStartPair;
        this.onSetAside = onSetAside;
        this.onFenced = onFenced;
    }

    /** On a thread of its own: reads the peer, then does the role's duties. */
    @Override
    public int doWork()
    {
        return pollPeer() + doDuties();
    }

    /** The agent that reads the peer, for the duty cycle: before the engine's stages, as an ingress is. */
    Agent peerPoller()
    {
        return peerPoller;
    }

    /** The agent of the role's duties, for the duty cycle: after the engine's stages. */
    Agent duties()
    {
        return duties;
    }

    /** One half of the link as an agent of the duty cycle. */
    private record Half(String roleName, java.util.function.IntSupplier work) implements Agent
    {
        @Override
        public int doWork()
        {
            return work.getAsInt();
        }
    }

    private final Agent peerPoller = new Half("flashgate-pair-in", this::pollPeer);
    private final Agent duties = new Half("flashgate-pair", this::doDuties);

    private int pollPeer()
    {
        if (promotionEpoch != 0)
        {
            return 0; // nothing more from the old primary goes into the ring before the new epoch does
        }
        final boolean fullBefore = ringWasFull;
        ringWasFull = false;
        final int fragments = fromPeer.controlledPoll(assembler, 64);
        if (ringWasFull && !fullBefore)
        {
            state.intakeRingFull.incrementAndGet(); // once per time the ring fills, not once per look
        }
        // A message left in the log is not work: the stages that drain the ring report their own (on this thread, or
        // as the egress agent and the journaller's wake-up when they run elsewhere); counting it would spin here.
        return fragments;
    }

    private int doDuties()
    {
        final long now = System.nanoTime();
        if (promotionEpoch != 0)
        {
            return promote(promotionWhy, promotionEpoch) ? 1 : 0;
        }
        return state.role() == EngineRole.STANDBY ? standbyDuties(now) : primaryDuties(now);
    }

    /** Stops catch-up's thread; after the link is no longer run. */
    void close()
    {
        catchUp.close();
    }

    // ---------------------------------------------------------------- messages

    private Action onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < PairMessage.HEADER_LENGTH)
        {
            return Action.CONTINUE;
        }
        final byte kind = PairMessage.kind(buffer, offset);
        final long epoch = PairMessage.epoch(buffer, offset);
        final long now = System.nanoTime();
        if (kind == PairMessage.RECORDS || kind == PairMessage.PRIMARY_BEAT)
        {
            if (!onPrimarySpeaking(buffer, offset, length, kind, epoch, now))
            {
                ringWasFull = true;
                return Action.ABORT; // read again next cycle, once the stages have drained the ring
            }
        }
        else if (kind == PairMessage.STANDBY_ACK)
        {
            if (state.role() == EngineRole.STANDBY)
            {
                onPeerStandby(epoch, PairMessage.first(buffer, offset), PairMessage.senderId(buffer, offset),
                    PairMessage.senderIsCandidate(buffer, offset), now);
                return Action.CONTINUE;
            }
            standbyId = PairMessage.senderId(buffer, offset);
            onStandbyAck(epoch, PairMessage.first(buffer, offset), PairMessage.second(buffer, offset),
                PairMessage.third(buffer, offset), now);
        }
        else if (kind == PairMessage.SNAPSHOT_PART && state.role() == EngineRole.STANDBY && epoch >= state.epoch())
        {
            onSnapshotPart(buffer, offset, length);
        }
        else if (kind == PairMessage.SET_ASIDE_AFTER && state.role() == EngineRole.STANDBY &&
            epoch > state.epoch())
        {
            final long keepUpTo = PairMessage.first(buffer, offset);
            if (keepUpTo < engine.lastPublishedSequence())
            {
                PairLog.warn("tail_diverges", "primaryEpoch", epoch, "keepUpTo", keepUpTo, "journalEnd",
                    engine.lastPublishedSequence(), "then", "the tail after keepUpTo (journaled, never released) is " +
                    "set aside, moved not deleted, and the standby starts again");
                onSetAside.accept(keepUpTo);
            }
        }
        return Action.CONTINUE;
    }

    /** Standby: one part of the snapshot its primary sends; the whole one makes it start again from there. */
    private void onSnapshotPart(final DirectBuffer buffer, final int offset, final int length)
    {
        final long sequence = PairMessage.first(buffer, offset);
        final long at = PairMessage.second(buffer, offset);
        final long total = PairMessage.third(buffer, offset);
        final int partLength = length - PairMessage.HEADER_LENGTH;
        if (sequence < engine.lastPublishedSequence() || total <= 0 || total > Integer.MAX_VALUE)
        {
            return; // nothing this standby lacks
        }
        if (sequence != snapshotSequence || at == 0)
        {
            snapshotSequence = sequence;
            snapshotReceived = 0;
        }
        if (at != snapshotReceived)
        {
            snapshotSequence = -1; // a part lost: the primary sends it all again at its next round
            return;
        }
        snapshotParts.putBytes((int)at, buffer, offset + PairMessage.HEADER_LENGTH, partLength);
        snapshotReceived += partLength;
        if (snapshotReceived == total)
        {
            PairLog.warn("snapshot_received", "sequence", sequence, "bytes", total, "then",
                "the journal is set aside and the standby starts again from the snapshot");
            snapshotSequence = -1;
            onSnapshot.install(sequence, snapshotParts, (int)total);
        }
    }

    /** @return false if its records found the ring full: nothing of the message was taken. */
    private boolean onPrimarySpeaking(final DirectBuffer buffer, final int offset, final int length, final byte kind,
        final long epoch, final long now)
    {
        if (state.role() != EngineRole.STANDBY)
        {
            if (epoch > state.epoch())
            {
                fence("a primary of epoch " + epoch);
            }
            return true; // an older primary: it learns of our epoch from our heartbeats
        }
        if (epoch < state.epoch() || epoch < primaryEpoch)
        {
            return true; // a primary fenced by a newer epoch: acknowledge nothing of it
        }
        primaryEpoch = epoch;
        heardPrimary = true;
        lastHeardPrimaryNanos = now;
        if (kind == PairMessage.PRIMARY_BEAT)
        {
            primarySaidInSync = PairMessage.standbyState(buffer, offset) == StandbyState.IN_SYNC;
            primaryLast = PairMessage.first(buffer, offset);
            state.primaryLast = primaryLast;
        }
        else if (intake.onRecords(buffer, offset + PairMessage.HEADER_LENGTH, length - PairMessage.HEADER_LENGTH) ==
            StandbyIntake.RING_FULL)
        {
            return false;
        }
        return true;
    }

    private void onStandbyAck(final long epoch, final long durable, final long next, final long runFrom,
        final long now)
    {
        if (state.role() == EngineRole.STANDBY)
        {
            return;
        }
        if (epoch > state.epoch())
        {
            fence("a standby already in epoch " + epoch);
            return;
        }
        lastHeardStandbyNanos = now;
        standbyHeard = true;
        durableAtPreviousAck = durableAtLastAck;
        durableAtLastAck = engine.durableSequence();
        if (epoch < state.epoch())
        {
            // It has not applied our NEW_EPOCH yet: does its journal hold an older epoch's tail we never had?
            final long partsAt = engine.epochs().firstSequenceAfter(epoch);
            standbyDiverged = next - 1 >= partsAt;
            if (standbyDiverged && now - lastSetAsideNanos > timeoutNanos)
            {
                lastSetAsideNanos = now;
                send(PairMessage.SET_ASIDE_AFTER, partsAt - 1, 0);
            }
            standbyProgressed = next > standbyNext;
            standbyNext = next;
            standbyLevel = false;
            state.ignoredAcks.incrementAndGet();
            return;
        }
        standbyDiverged = false;
        if (durable > engine.lastPublishedSequence())
        {
            state.ignoredAcks.incrementAndGet(); // for a sequence never sent: not ours to count
            return;
        }
        if (durable > state.standbyAcked.get())
        {
            state.standbyAcked.set(durable);
            engine.releaseLimitMoved();
        }
        standbyProgressed = next > standbyNext;
        if (standbyProgressed)
        {
            lastProgressNanos = now;
        }
        // Level with the live stream: no gap, and it has all that had been sent when its previous acknowledgement
        // came, or it keeps taking records as they stream in.
        standbyLevel = runFrom == 0 && (next - 1 >= lastSentAtLastAck || standbyProgressed);
        lastSentAtLastAck = replicator.lastSent;
        standbyNext = next;
        standbyRunFrom = runFrom;
    }

    // ---------------------------------------------------------------- standby

    private int standbyDuties(final long now)
    {
        int work = intake.drainRun();
        final long durable = engine.durableSequence();
        if (durable != lastAckSent || now - nextBeatNanos >= 0)
        {
            PairMessage.write(out, PairMessage.STANDBY_ACK, state.role(), state.standbyState(), state.epoch(), durable,
                intake.next(), intake.runFrom());
            if (toPeer.offer(out, 0, PairMessage.HEADER_LENGTH) > 0 && sent != null)
            {
                sent.run(); // the primary releases results on this acknowledgement: send it now
            }
            lastAckSent = durable;
            nextBeatNanos = now + intervalNanos;
            work++;
        }
        final long silentSince = heardPrimary ? lastHeardPrimaryNanos : startedNanos;
        final long silentMillis = (now - silentSince) / 1_000_000;
        final boolean silent = now - silentSince >= timeoutNanos;
        if (!silent)
        {
            state.hold(null);
        }
        if (registry != null)
        {
            return work + standbyWithRegistry(now, silent, silentMillis);
        }
        // Without ZooKeeper: a standby the primary said was in sync; or, with no primary at all, the one of two
        // standbys that hears the other and holds the newer history. Never an engine that hears nobody: it cannot
        // know whether the other holds acknowledged orders it lacks.
        final boolean eligible = heardPrimary && primarySaidInSync;
        final boolean elected = silent && !eligible && electedByHistory(now);
        if (promoteRequested || (config.autoPromote() && silent && (eligible || elected)))
        {
            final String why = promoteRequested ? (forcePromote ? "an operator forced it" : "an operator asked") :
                eligible ? "the primary was silent for " + silentMillis + " ms" :
                "no primary; this engine's history (epoch " + state.epoch() + ", sequence " + engine.durableSequence() +
                ") is newer than the other engine's (epoch " + peerStandbyEpoch + ", sequence " + peerStandbyDurable +
                "), which stays the standby";
            promoteRequested = false;
            promote(why, PairConfig.nextEpochAbove(Math.max(state.epoch(), primaryEpoch), pairId));
            work++;
        }
        else if (silent && config.autoPromote())
        {
            state.hold(heardPeerStandby && now - lastHeardPeerStandbyNanos < timeoutNanos ?
                "waiting: the other engine (a standby too) holds the newer history and promotes itself" :
                heardPrimary ? "waiting: the primary fell silent but had not said this standby was in sync; an " +
                "operator may promote --force knowingly" :
                "waiting for the other engine: without ZooKeeper an engine that hears nobody cannot know whether " +
                "the other holds newer acknowledged orders (ops/flashgate promote decides)");
        }
        return work;
    }

    /** A standby that hears the other engine, itself a standby: does this one hold the newer history? */
    private boolean electedByHistory(final long now)
    {
        if (!heardPeerStandby || now - lastHeardPeerStandbyNanos >= timeoutNanos)
        {
            return false;
        }
        final long ourEpoch = state.epoch();
        final long ourDurable = engine.durableSequence();
        if (ourEpoch != peerStandbyEpoch)
        {
            return ourEpoch > peerStandbyEpoch;
        }
        if (ourDurable != peerStandbyDurable)
        {
            return ourDurable > peerStandbyDurable;
        }
        if (mayStartPair != peerStandbyCandidate)
        {
            return mayStartPair; // the same history: the engine started as a candidate goes first
        }
        return pairId > peerStandbyId; // equal ids: neither (an operator is told at start, see PairId)
    }

    /** A standby hears the other engine's acknowledgements: it is a standby too. */
    private void onPeerStandby(final long epoch, final long durable, final int peerId, final boolean candidate,
        final long now)
    {
        heardPeerStandby = true;
        lastHeardPeerStandbyNanos = now;
        peerStandbyEpoch = epoch;
        peerStandbyDurable = durable;
        peerStandbyId = peerId;
        peerStandbyCandidate = candidate;
    }

    /**
     * With ZooKeeper: a standby whose primary is silent (or an operator) claims the leadership; the registry grants
     * it only to an engine in the synchronous set, once the old leader's session has ended.
     */
    private int standbyWithRegistry(final long now, final boolean silent, final long silentMillis)
    {
        if (pendingClaim != null)
        {
            if (!pendingClaim.isDone())
            {
                return 0;
            }
            final io.flashgate.coordination.PairRegistry.Claim claim = pendingClaim.join();
            pendingClaim = null;
            if (claim instanceof io.flashgate.coordination.PairRegistry.Granted granted)
            {
                promote(claimWhy, granted.epoch());
            }
            else if (claim instanceof io.flashgate.coordination.PairRegistry.Refused refused)
            {
                state.hold("not promoting: " + refused.why());
            }
            else if (claim instanceof io.flashgate.coordination.PairRegistry.Unreachable unreachable)
            {
                state.hold("not promoting: ZooKeeper is unreachable (" + unreachable.error() + ")");
            }
            return 1;
        }
        final boolean operator = promoteRequested;
        // Claims are spaced by the heartbeat interval, except that the old leader's node going away (its session
        // expired) is worth a claim at once: that is the moment the failover waits for.
        if ((operator || (config.autoPromote() && silent)) &&
            (now - nextCallNanos >= 0 || registry.takeLeaderNodeChanged()))
        {
            promoteRequested = false;
            nextCallNanos = now + intervalNanos;
            claimWhy = operator ? (forcePromote ? "an operator forced it" : "an operator asked") :
                heardPrimary ? "the primary was silent for " + silentMillis + " ms" :
                "no primary answered within " + silentMillis + " ms of start";
            pendingClaim = registry.claimLeadership(Math.max(state.epoch(), primaryEpoch),
                known -> PairConfig.nextEpochAbove(known, pairId), operator && forcePromote);
            return 1;
        }
        return 0;
    }

    /** Any thread: an operator's {@code promote}; refused (false) unless in sync, or forced. */
    boolean requestPromotion(final boolean force)
    {
        if (state.role() != EngineRole.STANDBY)
        {
            return false;
        }
        if (!force && registry == null && heardPrimary && !primarySaidInSync)
        {
            return false;
        }
        forcePromote = force;
        promoteRequested = true;
        return true;
    }

    /** Any thread: an operator's {@code solo}: release without a standby until one is in sync again. */
    boolean requestSolo()
    {
        if (state.role() == EngineRole.STANDBY || state.isFenced())
        {
            return false;
        }
        soloRequested = true;
        return true;
    }

    /**
     * Journals the new epoch as this engine's next command (while nobody else offers: the ingress refuses clients
     * until the role changes below, and the peer is not read while a promotion waits), releases results from that
     * command on, then takes commands as SOLO. A ring with no room now leaves the promotion pending: the next cycle
     * tries again, after the stages on the same thread have drained it. @return true once promoted.
     */
    private boolean promote(final String why, final long epoch)
    {
        final long first = engine.lastPublishedSequence() + 1;
        engine.releaseResultsFrom(first);
        if (!engine.beginEpoch(epoch))
        {
            final boolean retry = engine.isRunning() && engine.fault() == null;
            promotionEpoch = retry ? epoch : 0;
            promotionWhy = retry ? why : null;
            return false;
        }
        promotionEpoch = 0;
        promotionWhy = null;
        state.epoch(epoch);
        state.standbyAcked.set(0);
        state.standbyState(StandbyState.ABSENT);
        state.role(EngineRole.SOLO);
        lastPassedAlone = first;
        state.promotions.incrementAndGet();
        standbyHeard = false;
        standbyNext = 0;
        standbyInSyncSet = 0;
        state.hold(null);
        PairLog.warn("promoted", "epoch", epoch, "sequence", first, "why", why, "role", "SOLO",
            "until", "a standby is in sync");
        return true;
    }

    // ---------------------------------------------------------------- primary

    private int primaryDuties(final long now)
    {
        int work = 0;
        if (now - nextBeatNanos >= 0)
        {
            send(PairMessage.PRIMARY_BEAT, engine.lastPublishedSequence(), 0);
            nextBeatNanos = now + intervalNanos;
            work++;
        }
        if (state.isFenced())
        {
            return work;
        }
        work += finishSynchronousSetWrite();
        if (state.isFenced())
        {
            return work;
        }
        if (soloRequested)
        {
            soloRequested = false;
            if (state.role() == EngineRole.PRIMARY)
            {
                if (registry != null)
                {
                    writeSynchronousSet(0, "an operator ran solo", now);
                }
                else
                {
                    goSolo(true);
                }
            }
        }
        final boolean alive = standbyHeard && now - lastHeardStandbyNanos < timeoutNanos;
        if (!alive)
        {
            if (state.standbyState() != StandbyState.ABSENT)
            {
                PairLog.warn("standby_absent", "silentMillis", config.heartbeatTimeout().toMillis(), "releases",
                    state.role() != EngineRole.PRIMARY ? "alone" : registry != null ?
                    "alone once ZooKeeper has it out of the synchronous set" :
                    config.whenStandbyAbsent() == io.flashgate.config.StandbyAbsence.STOP ?
                    "nothing until it is back in sync or an operator runs solo" : "alone");
            }
            state.standbyState(StandbyState.ABSENT);
            if (state.role() == EngineRole.PRIMARY)
            {
                if (registry != null)
                {
                    // Patroni's rule: out of the synchronous set first (a write that fails unless this engine still
                    // leads), then alone; until that write is done nothing is released without the standby.
                    writeSynchronousSet(0, "the standby was silent for " + config.heartbeatTimeout().toMillis() +
                        " ms", now);
                }
                else if (config.whenStandbyAbsent() == io.flashgate.config.StandbyAbsence.SOLO)
                {
                    state.role(EngineRole.SOLO);
                    engine.releaseLimitMoved();
                }
            }
            return work;
        }
        work += catchUpIfBehind(now);
        if (state.role() == EngineRole.SOLO)
        {
            lastPassedAlone = engine.lastPublishedSequence(); // anything taken so far may be released alone
        }
        if (state.role() == EngineRole.SOLO && standbyLevel)
        {
            state.role(EngineRole.PRIMARY);
            // What the egress may still release under the old limit is at most what was taken before this switch.
            lastPassedAlone = engine.lastPublishedSequence();
            state.soloByOperator(false);
            PairLog.info("synchronous", "epoch", state.epoch(), "why", "the standby is level with the live stream");
        }
        final boolean covered = state.standbyAcked.get() >= lastPassedAlone;
        // In sync: synchronous, and everything released alone before is acknowledged. From then on nothing is
        // released that the standby lacks, so it may take over (a gap only holds the primary back until filled).
        StandbyState judged = state.role() == EngineRole.PRIMARY && covered ?
            StandbyState.IN_SYNC : StandbyState.CATCHING_UP;
        if (registry != null && judged == StandbyState.IN_SYNC && standbyInSyncSet != standbyId)
        {
            // In sync only once ZooKeeper lists it: until then it may not be promoted, so it is not said to be.
            writeSynchronousSet(standbyId, "the standby is caught up and acknowledging", now);
            judged = StandbyState.CATCHING_UP;
        }
        if (judged != state.standbyState())
        {
            PairLog.info("standby_state", "state", judged, "acknowledged", state.standbyAcked.get());
            state.standbyState(judged);
            // Say it now, not at the next beat: on the stream the records share, so a standby that acknowledges
            // anything released from here on has heard it may take over (without ZooKeeper it waits otherwise).
            send(PairMessage.PRIMARY_BEAT, engine.lastPublishedSequence(), 0);
            nextBeatNanos = now + intervalNanos;
            work++;
        }
        return work;
    }

    /**
     * Fills the standby's gap from the journal when it misses records the live stream will not bring again: the
     * records before the run it keeps past a gap, or, when it has stopped moving without a run (a lost message and
     * nothing live after it, or a standby that just joined), everything up to the journal's durable end.
     */
    private int catchUpIfBehind(final long now)
    {
        final long durable = engine.durableSequence();
        if (standbyNext == 0 || standbyNext > durable || standbyDiverged ||
            now - lastCatchUpNanos < CATCH_UP_PAUSE_NANOS || catchUp.busy())
        {
            return 0;
        }
        final long upTo;
        if (standbyRunFrom > standbyNext)
        {
            upTo = Math.min(durable, standbyRunFrom - 1);
            state.catchUpsForGaps.incrementAndGet();
        }
        else if (!standbyProgressed && now - lastProgressNanos > 2 * intervalNanos &&
            standbyNext - 1 < durableAtPreviousAck)
        {
            // Only what this journal held when the acknowledgement before the last one came: a command taken after a
            // quiet spell may still be on its way, and is not worth a round (each reads the journal's folder).
            upTo = durable;
        }
        else
        {
            return 0; // it takes records as they stream in
        }
        lastCatchUpNanos = now;
        catchUp.start(standbyNext - 1, upTo, state);
        standbyProgressed = true; // judge again once it acknowledges what this round sent
        lastProgressNanos = now;
        return 1;
    }

    /** An operator's solo, or a primary whose standby is silent and out of the synchronous set: release alone. */
    private void goSolo(final boolean byOperator)
    {
        state.soloByOperator(byOperator);
        state.role(EngineRole.SOLO);
        engine.releaseLimitMoved();
        PairLog.warn("solo", "by", byOperator ? "operator" : "the standby's absence", "releases",
            "without a standby (one copy)", "until", "a standby is in sync again");
    }

    /** A primary asks ZooKeeper to make the synchronous set itself and {@code standby} (0: itself alone). */
    private void writeSynchronousSet(final int standby, final String why, final long now)
    {
        if (pendingWrite != null || now - nextCallNanos < 0)
        {
            return;
        }
        nextCallNanos = now + intervalNanos;
        pendingWriteOf = standby;
        pendingWriteWhy = why;
        pendingWrite = registry.writeSynchronousSet(standby);
    }

    private int finishSynchronousSetWrite()
    {
        if (pendingWrite == null || !pendingWrite.isDone())
        {
            return 0;
        }
        final io.flashgate.coordination.PairRegistry.Write result = pendingWrite.join();
        pendingWrite = null;
        switch (result)
        {
            case DONE ->
            {
                state.hold(null);
                PairLog.warn("synchronous_set", "engines", registry.view().sync(), "why", pendingWriteWhy);
                standbyInSyncSet = pendingWriteOf;
                if (pendingWriteOf == 0 && state.role() == EngineRole.PRIMARY)
                {
                    goSolo(pendingWriteWhy.startsWith("an operator"));
                }
            }
            case LOST_LEADERSHIP -> fence("ZooKeeper: another engine took a newer epoch");
            case UNREACHABLE -> state.hold("ZooKeeper is unreachable: cannot write the synchronous set (" +
                pendingWriteWhy + "); " + (pendingWriteOf == 0 ? "nothing is released without the standby" :
                "the standby stays out of the set") + " until it answers");
        }
        return 1;
    }

    private void fence(final String by)
    {
        if (fencedReported)
        {
            return;
        }
        fencedReported = true;
        state.fence();
        state.standbyState(StandbyState.ABSENT);
        engine.releaseLimitMoved();
        PairLog.warn("fenced", "by", by, "epoch", state.epoch(), "then", "takes and releases nothing more, starts " +
            "again as the standby");
        onFenced.run();
    }

    private void send(final byte kind, final long first, final long second)
    {
        PairMessage.write(out, kind, state.role(), state.standbyState(), state.epoch(), first, second);
        toPeer.offer(out, 0, PairMessage.HEADER_LENGTH);
    }

    /** Records catch-up has sent since start. */
    long catchUpRecords()
    {
        return catchUp.recordsSent;
    }

    /** As standby: how far the primary is ahead of this journal (by its last heartbeat), else 0. */
    long standbyLag()
    {
        return state.role() == EngineRole.STANDBY ? Math.max(0, primaryLast - engine.durableSequence()) : 0;
    }

    @Override
    public String roleName()
    {
        return "flashgate-pair";
    }
}
