package io.flashgate.engine.pipeline;

import com.lmax.disruptor.Sequence;

/**
 * A point in the command numbering (the journal's) read as a Disruptor sequence in ring numbering, for the egress to
 * wait for beside the stages: the journal's durable point ({@link DurableGate}), the standby's acknowledgement
 * ({@link ReleaseGate}). Read whenever the egress asks; whoever moves the point signals the wait strategy.
 */
abstract class CommandSequenceGate extends Sequence
{
    private final long baseSequence;

    /** @param baseSequence the journal's last sequence at start: ring sequence 0 is command {@code baseSequence + 1}. */
    CommandSequenceGate(final long baseSequence)
    {
        this.baseSequence = baseSequence;
    }

    /** The command sequence reached, or {@code Long.MAX_VALUE} for no limit. */
    abstract long commandSequence();

    @Override
    public final long get()
    {
        final long reached = commandSequence();
        return reached == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(baseSequence, reached) - baseSequence - 1;
    }
}
