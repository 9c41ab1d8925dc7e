package io.flashgate.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import io.flashgate.engine.logic.EventSink;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Releases results. It runs after the journaller, the replicator and business logic have all
 * passed a command, so every event it hands on belongs to a durable command (invariant 3).
 */
final class Egress implements EventHandler<CommandSlot>
{
    private final EventSink listener;
    /** For metrics: the last command whose results went out; written once per batch. */
    final AtomicLong releasedSequence = new AtomicLong();

    Egress(final EventSink listener)
    {
        this.listener = listener;
    }

    @Override
    public void onEvent(final CommandSlot slot, final long ringSequence, final boolean endOfBatch)
    {
        slot.forEachEvent(listener);
        if (endOfBatch)
        {
            releasedSequence.lazySet(slot.sequence);
        }
    }
}
