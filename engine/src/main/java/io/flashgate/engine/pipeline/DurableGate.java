package io.flashgate.engine.pipeline;

import com.lmax.disruptor.Sequence;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The journal's durable point as a Disruptor sequence the egress waits for, in ring numbering, when the journaller
 * runs as an agent ({@link StageAgent}) rather than a thread. An agent's poller stores its sequence after every poll,
 * even one that a failed append ended before the batch's flush; this one moves only once a batch is written (and
 * forced under FSYNC), so nothing is released before it is durable, invariant 3. Whoever moves it signals the wait
 * strategy (the journaller's agent, after each poll).
 */
final class DurableGate extends Sequence
{
    private final AtomicLong durableSequence;
    private final long baseSequence;

    DurableGate(final AtomicLong durableSequence, final long baseSequence)
    {
        this.durableSequence = durableSequence;
        this.baseSequence = baseSequence;
    }

    @Override
    public long get()
    {
        return Math.max(baseSequence, durableSequence.get()) - baseSequence - 1; // command sequence to ring sequence
    }
}
