package io.flashgate.engine.transport;

import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.protocol.BatchReader;
import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.EventEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.WireFormat;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What a faulted engine's receiver does with commands (docs/ARCHITECTURE.md, "Faults"): answers each at once with
 * REJECTED {@link Reason#ENGINE_FAULT} (the edge answers 503 OVERLOADED, not 504 after its reply timeout), and tells
 * every edge once with the same event under correlation id 0 (no command has it), so edges report not ready even
 * when no command is under way.
 *
 * <p>The egress publication has one writer: until {@link Engine#isFaultDrained()} the egress thread may still
 * release the last durable results, so commands are pushed back (ABORT) for that moment; from then on the egress
 * thread never publishes again and this class, on the ingress thread, is the only writer.
 */
final class FaultAnswers
{
    private final Engine engine;
    private final EgressPublisher egress;
    private final UnsafeBuffer event = new UnsafeBuffer(new byte[EventEncoder.MAX_EVENT_LENGTH]);
    private final EventEncoder encoder = new EventEncoder();
    private boolean announced;

    FaultAnswers(final Engine engine, final EgressPublisher egress)
    {
        this.engine = engine;
        this.egress = egress;
    }

    /** Ingress thread: the one notice to every edge, once the fault is drained; @return work done. */
    int announce()
    {
        if (announced || !engine.isFaultDrained())
        {
            return 0;
        }
        announced = true;
        egress.onEvent(event, 0, refusal(0, 0, (short)0));
        egress.onBatchEnd();
        return 1;
    }

    /** Ingress thread: refuses every command of one message (the reader wrapped on it), or pushes it back. */
    Action refuse(final BatchReader commands)
    {
        if (!engine.isFaultDrained())
        {
            return Action.ABORT;
        }
        announce();
        while (commands.next())
        {
            final int offset = commands.frameOffset();
            if (commands.frameLength() >= WireFormat.HEADER_LENGTH)
            {
                egress.onEvent(event, 0, refusal(CommandDecoder.sourceIdOf(commands.buffer(), offset),
                    CommandDecoder.correlationIdOf(commands.buffer(), offset),
                    CommandDecoder.typeOf(commands.buffer(), offset)));
            }
        }
        egress.onBatchEnd();
        return Action.CONTINUE;
    }

    private int refusal(final int sourceId, final long correlationId, final short commandType)
    {
        return encoder.wrap(event, 0)
            .header(MessageTypes.REJECTED, sourceId, correlationId, 0, System.currentTimeMillis())
            .rejected(Reason.ENGINE_FAULT, commandType);
    }
}
