package io.flashgate.engine.transport;

import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.PairView;
import io.flashgate.protocol.BatchReader;
import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.EventEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.WireFormat;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the receiver of an engine that does not take commands now answers at once, on the ingress thread
 * (docs/ARCHITECTURE.md, "Hot standby and failover"): a standby or a fenced old primary refuses with NOT_PRIMARY (the
 * edge answers 503 and looks for the engine of the highest epoch), a primary without its standby with
 * STANDBY_ABSENT (503). Nothing reaches the ring or the journal. A QUERY_ENGINE is answered with the engine's figures,
 * so an edge learns every engine's role and epoch. Has its own {@link EgressPublisher} on the concurrent egress
 * publication, beside the egress thread's.
 */
final class RefusalAnswers
{
    private final Engine engine;
    private final EgressPublisher egress;
    private final UnsafeBuffer event = new UnsafeBuffer(new byte[EventEncoder.MAX_EVENT_LENGTH]);
    private final EventEncoder encoder = new EventEncoder();

    RefusalAnswers(final Engine engine, final EgressPublisher egress)
    {
        this.engine = engine;
        this.egress = egress;
    }

    /** Answers every command of one message (the reader wrapped on it). */
    void answer(final BatchReader commands, final Reason reason)
    {
        while (commands.next())
        {
            final int offset = commands.frameOffset();
            if (commands.frameLength() < WireFormat.HEADER_LENGTH)
            {
                continue;
            }
            final int sourceId = CommandDecoder.sourceIdOf(commands.buffer(), offset);
            final long correlationId = CommandDecoder.correlationIdOf(commands.buffer(), offset);
            final short type = CommandDecoder.typeOf(commands.buffer(), offset);
            final int length = type == MessageTypes.QUERY_ENGINE ?
                status(sourceId, correlationId) : refusal(sourceId, correlationId, type, reason);
            egress.onEvent(event, 0, length);
        }
        egress.onBatchEnd();
    }

    private int refusal(final int sourceId, final long correlationId, final short commandType, final Reason reason)
    {
        return encoder.wrap(event, 0)
            .header(MessageTypes.REJECTED, sourceId, correlationId, 0, System.currentTimeMillis())
            .rejected(reason, commandType);
    }

    private int status(final int sourceId, final long correlationId)
    {
        final PairView pair = engine.pair();
        final long sequence = engine.lastPublishedSequence();
        final long acked = pair.standbyAckedSequence();
        final long now = System.currentTimeMillis();
        final int length = encoder.wrap(event, 0)
            .header(MessageTypes.ENGINE_STATUS, sourceId, correlationId, sequence, now)
            .engineStatus(pair.role(), engine.epochs().current(), sequence, engine.durableSequence(),
                pair.standbyState(), acked, acked == 0 ? 0 : Math.max(0, sequence - acked));
        final io.flashgate.engine.pipeline.SinkReport.Figures sink = engine.sinkReport().now(now);
        EventEncoder.stampSinkFigures(event, 0, length, sink.committedSequence(), sink.lagRecords());
        return length;
    }
}
