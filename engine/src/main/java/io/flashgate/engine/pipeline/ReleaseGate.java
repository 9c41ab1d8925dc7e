package io.flashgate.engine.pipeline;

/**
 * The standby's acknowledgement as a Disruptor sequence the egress waits for, beside the journaller, business logic
 * and the replicator (docs/ARCHITECTURE.md, "Hot standby and failover"): it reads the replicator's release limit in
 * ring numbering whenever the egress asks, so results are released once the standby holds their commands, while the
 * replicator goes on sending. Whoever moves the limit signals the wait strategy ({@link Engine#releaseLimitMoved()}).
 */
final class ReleaseGate extends CommandSequenceGate
{
    private final ReplicationStage stage;

    ReleaseGate(final ReplicationStage stage, final long baseSequence)
    {
        super(baseSequence);
        this.stage = stage;
    }

    @Override
    long commandSequence()
    {
        return stage.releasableUpTo();
    }
}
