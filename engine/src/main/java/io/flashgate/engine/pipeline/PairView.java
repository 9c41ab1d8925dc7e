package io.flashgate.engine.pipeline;

import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.StandbyState;

/**
 * What the pipeline needs to know of the engine's place in a pair (docs/ARCHITECTURE.md, "Hot standby and
 * failover"): its role now and its standby as it sees it. Read on the ticker, logic and egress threads; an
 * engine outside a pair is {@link #SOLO}.
 */
public interface PairView
{
    PairView SOLO = new PairView()
    {
        @Override
        public EngineRole role()
        {
            return EngineRole.SOLO;
        }

        @Override
        public StandbyState standbyState()
        {
            return StandbyState.ABSENT;
        }

        @Override
        public long standbyAckedSequence()
        {
            return 0;
        }
    };

    EngineRole role();

    /**
     * Whether the receiver may hand a client's command to the ring: null if so, else the reason it is refused at
     * once (a standby, a fenced old primary, a primary without its standby: docs/ARCHITECTURE.md, "Hot standby").
     */
    default io.flashgate.protocol.Reason refusal()
    {
        return null;
    }

    StandbyState standbyState();

    /** The highest sequence the standby has acknowledged as durable (0 if none). */
    long standbyAckedSequence();

    /**
     * How many records the other side of the pair lacks, as this engine sees it: a primary's standby behind its last
     * command, or a standby behind its primary's last heartbeat; 0 without a peer.
     */
    default long lagRecords(final long lastSequence, final long durableSequence)
    {
        final long acked = standbyAckedSequence();
        return role() == EngineRole.STANDBY || standbyState() == StandbyState.ABSENT || acked == 0 ? 0 :
            Math.max(0, lastSequence - acked);
    }

    /** Only a primary or a solo engine runs the clock (reservation expiry) and asks for snapshots: a standby applies theirs. */
    default boolean ownsClock()
    {
        return role() != EngineRole.STANDBY;
    }

    /**
     * Whether this engine writes the snapshot a SNAPSHOT command asks for: a primary whose standby is in sync leaves
     * it to the standby, so the primary never pauses for one; anyone else writes it (nobody else would).
     */
    default boolean writesSnapshots()
    {
        return role() != EngineRole.PRIMARY || standbyState() != StandbyState.IN_SYNC;
    }
}
