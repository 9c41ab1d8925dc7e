package io.flashgate.engine.pair;

import io.flashgate.engine.pipeline.PairView;
import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.StandbyState;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Where one engine stands in its pair, now: written by the pair link's thread (and by an operator's solo/promote,
 * which the link carries out), read by the ingress (may it take commands?), the replicator (must it wait?), the
 * egress and metrics. Roles (docs/ARCHITECTURE.md, "Hot standby and failover"):
 * <ul>
 *   <li>{@code STANDBY}: applies the primary's records, answers nobody;</li>
 *   <li>{@code PRIMARY}: takes commands and releases a result only once the standby has acknowledged it;</li>
 *   <li>{@code SOLO}: takes commands and releases them alone (after a promotion until a standby is in sync, or by
 *       an operator's {@code solo}, or by {@code pair.whenStandbyAbsent=SOLO}): one copy only.</li>
 * </ul>
 * A primary or solo engine that learns of a newer epoch is fenced: it takes and releases nothing more.
 */
public final class PairState implements PairView
{
    private volatile EngineRole role;
    private volatile StandbyState standbyState = StandbyState.ABSENT;
    private volatile boolean fenced;
    private volatile boolean soloByOperator;
    /** The epoch this engine acts in (as primary: its own; as standby: the highest it has applied). */
    private volatile long epoch;
    final AtomicLong standbyAcked = new AtomicLong();
    /** Acks ignored: of another epoch, or for sequences never sent. */
    final AtomicLong ignoredAcks = new AtomicLong();
    final AtomicLong promotions = new AtomicLong();
    /** As standby: times a message of the primary's found the ring full and was left in Aeron's log to read again. */
    final AtomicLong intakeRingFull = new AtomicLong();
    /**
     * As primary: catch-up rounds started because the standby kept records past a gap, so the live stream lost what
     * lies before them (a round for a standby that merely stopped moving for a while is not counted here).
     */
    final AtomicLong catchUpsForGaps = new AtomicLong();
    /** As standby: the primary's last sequence, by its last heartbeat. */
    volatile long primaryLast;
    /** Whether the pair's ZooKeeper answers this engine: null without ZooKeeper. */
    private volatile java.util.function.BooleanSupplier zooKeeperConnected;
    /** Why this engine is not doing what its peer's silence would suggest (waiting, refused), or null. */
    private volatile String hold;
    /** The release limit frozen when fenced: nothing after it is ever released. */
    private volatile long fencedAt = -1;

    PairState(final EngineRole startRole, final long epoch)
    {
        this.role = startRole;
        this.epoch = epoch;
    }

    @Override
    public EngineRole role()
    {
        return role;
    }

    @Override
    public StandbyState standbyState()
    {
        return role == EngineRole.STANDBY ? StandbyState.ABSENT : standbyState;
    }

    @Override
    public long standbyAckedSequence()
    {
        return standbyAcked.get();
    }

    public long epoch()
    {
        return epoch;
    }

    @Override
    public long lagRecords(final long lastSequence, final long durableSequence)
    {
        return role == EngineRole.STANDBY ? Math.max(0, primaryLast - durableSequence) :
            PairView.super.lagRecords(lastSequence, durableSequence);
    }

    /** Promotions of this engine since start. */
    public long promotions()
    {
        return promotions.get();
    }

    /** True once a newer epoch was seen while this engine was primary: it takes and releases nothing more. */
    public boolean isFenced()
    {
        return fenced;
    }

    /** True while SOLO because an operator said so (shown, logged). */
    public boolean isSoloByOperator()
    {
        return soloByOperator;
    }

    /**
     * As standby: times a message of the primary's found the ring full and was read again later (nothing lost; a
     * standby slower than its primary holds the primary's releases back).
     */
    public long intakeRingFull()
    {
        return intakeRingFull.get();
    }

    /** As primary: catch-up rounds for records the live stream lost (the standby kept records past a gap). */
    public long catchUpsForGaps()
    {
        return catchUpsForGaps.get();
    }

    /** Acknowledgements ignored (another epoch, or a sequence never sent); counted for operators. */
    public long ignoredAcks()
    {
        return ignoredAcks.get();
    }

    /**
     * Whether the ingress may hand a client's command to the ring: null if so, else why not (the edge answers 503
     * and, for NOT_PRIMARY, looks for the engine of the highest epoch).
     */
    @Override
    public Reason refusal()
    {
        final EngineRole now = role;
        if (now == EngineRole.STANDBY || fenced)
        {
            return Reason.NOT_PRIMARY;
        }
        if (now == EngineRole.PRIMARY && standbyState == StandbyState.ABSENT)
        {
            return Reason.STANDBY_ABSENT;
        }
        return null;
    }

    void role(final EngineRole role)
    {
        this.role = role;
    }

    void standbyState(final StandbyState state)
    {
        this.standbyState = state;
    }

    void epoch(final long epoch)
    {
        this.epoch = epoch;
    }

    void fence()
    {
        this.fencedAt = standbyAcked.get();
        this.fenced = true;
    }

    /**
     * How far results may be released now (the egress's release gate): a standby's and a releasing-alone engine's
     * without limit; a PRIMARY's up to its standby's acknowledgement; a fenced engine's never past what was
     * acknowledged before it learned of the newer epoch.
     */
    long releasableUpTo()
    {
        if (fenced)
        {
            return fencedAt;
        }
        return role == EngineRole.PRIMARY ? standbyAcked.get() : Long.MAX_VALUE;
    }

    /**
     * Why this engine waits (not promoting, not releasing alone, ZooKeeper unreachable), or null when it does not:
     * shown in {@code /admin/engine} and logged once per change.
     */
    public String hold()
    {
        return hold;
    }

    void hold(final String why)
    {
        if (!java.util.Objects.equals(why, hold))
        {
            hold = why;
            if (why != null)
            {
                PairLog.warn("hold", "why", why);
            }
        }
    }

    /** 1 while this engine's ZooKeeper session is live, 0 while ZooKeeper is unreachable, -1 without ZooKeeper. */
    public int zooKeeperState()
    {
        final java.util.function.BooleanSupplier connected = zooKeeperConnected;
        return connected == null ? -1 : connected.getAsBoolean() ? 1 : 0;
    }

    void zooKeeperConnected(final java.util.function.BooleanSupplier connected)
    {
        this.zooKeeperConnected = connected;
    }

    void soloByOperator(final boolean solo)
    {
        this.soloByOperator = solo;
    }

    @Override
    public String toString()
    {
        return "role=" + role + " epoch=" + epoch + " standby=" + standbyState() + " acked=" + standbyAcked.get() +
            (fenced ? " FENCED" : "") + (soloByOperator ? " (solo by operator)" : "");
    }
}
