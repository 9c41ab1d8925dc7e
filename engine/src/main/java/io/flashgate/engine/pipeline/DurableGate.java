package io.flashgate.engine.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The journal's durable point as a sequence the egress waits for, when the journaller runs as an agent
 * ({@link StageAgent}) rather than a thread. An agent's poller stores its sequence after every poll, even one that a
 * failed write ended before the batch was durable; this point moves only once a batch is written (and forced under
 * FSYNC), so nothing is released before it is durable, invariant 3. The journaller's agent signals the wait strategy
 * after each poll.
 */
final class DurableGate extends CommandSequenceGate
{
    private final AtomicLong durableSequence;

    DurableGate(final AtomicLong durableSequence, final long baseSequence)
    {
        super(baseSequence);
        this.durableSequence = durableSequence;
    }

    @Override
    long commandSequence()
    {
        return durableSequence.get();
    }
}
