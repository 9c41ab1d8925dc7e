package io.flashgate.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.protocol.MessageTypes;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Releases results. It runs after the journaller and business logic (and a standby's replicator, once one exists)
 * have all passed a command, so every event it hands on belongs to a durable command (invariant 3).
 *
 * <p>A QUERY_ENGINE reply leaves business logic with what logic knows (the query's own sequence, so replay
 * reproduces it); here, where durability is known, it gets the engine's current and durable sequences.
 *
 * <p>At the end of each ring batch it tells the sink ({@link EventSink#onBatchEnd}), so a transport can send the
 * replies of one batch as one message: one offer and one datagram for many replies.
 */
final class Egress implements EventHandler<CommandSlot>
{
    private final EventSink sink;
    private final AtomicLong durableSequence;
    private final LongSupplier currentSequence;
    /** For metrics: the last command whose results went out; written once per batch. */
    final AtomicLong releasedSequence = new AtomicLong();

    Egress(final EventSink sink, final AtomicLong durableSequence, final LongSupplier currentSequence)
    {
        this.sink = sink;
        this.durableSequence = durableSequence;
        this.currentSequence = currentSequence;
    }

    @Override
    public void onEvent(final CommandSlot slot, final long ringSequence, final boolean endOfBatch)
    {
        if (slot.isCommand(MessageTypes.QUERY_ENGINE))
        {
            // The journaller passed this slot, so the durable sequence is at least the query's own.
            slot.stampEngineFigures(Math.max(slot.sequence, currentSequence.getAsLong()),
                Math.max(slot.sequence, durableSequence.get()));
        }
        slot.forEachEvent(sink);
        if (endOfBatch)
        {
            sink.onBatchEnd();
            releasedSequence.lazySet(slot.sequence);
        }
    }
}
