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
    private final PairView pair;
    private final SinkReport sinkReport;
    /** Results of commands before this sequence are not released (a standby's; see Engine#releaseResultsFrom). */
    final AtomicLong releaseFrom;
    /** For metrics: the last command whose results went out; written once per batch. */
    final AtomicLong releasedSequence = new AtomicLong();

    Egress(final EventSink sink, final AtomicLong durableSequence, final LongSupplier currentSequence,
        final PairView pair, final SinkReport sinkReport)
    {
        this.pair = pair;
        this.sinkReport = sinkReport;
        this.releaseFrom = new AtomicLong(pair.role() == io.flashgate.protocol.EngineRole.STANDBY ? Long.MAX_VALUE : 0);
        this.sink = sink;
        this.durableSequence = durableSequence;
        this.currentSequence = currentSequence;
    }

    @Override
    public void onEvent(final CommandSlot slot, final long ringSequence, final boolean endOfBatch)
    {
        if (slot.sequence >= releaseFrom.get())
        {
            if (slot.isCommand(MessageTypes.QUERY_ENGINE))
            {
                // The journaller passed this slot, so the durable sequence is at least the query's own.
                final long current = Math.max(slot.sequence, currentSequence.getAsLong());
                slot.stampEngineFigures(current, Math.max(slot.sequence, durableSequence.get()));
                final long acked = pair.standbyAckedSequence();
                slot.stampPairFigures(pair.role(), pair.standbyState(), acked, acked == 0 ? 0 : Math.max(0, current - acked));
                final SinkReport.Figures sinkFigures = sinkReport.now(System.currentTimeMillis());
                slot.stampSinkFigures(sinkFigures.committedSequence(), sinkFigures.lagRecords());
            }
            slot.forEachEvent(sink);
        }
        if (endOfBatch)
        {
            sink.onBatchEnd();
            releasedSequence.lazySet(slot.sequence);
        }
    }
}
