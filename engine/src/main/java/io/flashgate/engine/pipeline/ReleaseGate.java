package io.flashgate.engine.pipeline;

import com.lmax.disruptor.Sequence;

/**
 * The standby's acknowledgement as a Disruptor sequence the egress waits for, beside the journaller, business logic
 * and the replicator (docs/ARCHITECTURE.md, "Hot standby and failover"): it reads the replicator's release limit in
 * ring numbering whenever the egress asks, so results are released once the standby holds their commands, while the
 * replicator goes on sending. Whoever moves the limit signals the wait strategy ({@link Engine#releaseLimitMoved()}).
 */
final class ReleaseGate extends Sequence
{
    private final ReplicationStage stage;
    private final long baseSequence;

    ReleaseGate(final ReplicationStage stage, final long baseSequence)
    {
        this.stage = stage;
        this.baseSequence = baseSequence;
    }

    @Override
    public long get()
    {
        final long limit = stage.releasableUpTo();
        return limit == Long.MAX_VALUE ? Long.MAX_VALUE : limit - baseSequence - 1; // command sequence to ring sequence
    }
}
