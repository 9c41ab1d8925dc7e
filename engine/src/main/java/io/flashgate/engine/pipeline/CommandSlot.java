package io.flashgate.engine.pipeline;

import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.EventEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.WireFormat;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One entry of the input ring: the encoded command (written by the receiver, read by the
 * journaller and business logic) and the events business logic produced for it (read by
 * the egress once the command is durable). Preallocated; reused for every lap of the ring.
 */
final class CommandSlot
{
    /** One byte more than a command may have, so that an over-long one is seen (and rejected) as such. */
    static final int CAPACITY = WireFormat.MAX_COMMAND_LENGTH + 1;
    private static final int LENGTH_PREFIX = 4;

    final UnsafeBuffer command = new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY));
    int commandLength;
    long sequence;

    /** Events as [int length][bytes]…; grows only if one command emits an unusual number (a big expiry). */
    final ExpandableArrayBuffer events = new ExpandableArrayBuffer(512);
    int eventsLength;

    void appendEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        events.putInt(eventsLength, length);
        events.putBytes(eventsLength + LENGTH_PREFIX, buffer, offset, length);
        eventsLength += LENGTH_PREFIX + length;
    }

    boolean isCommand(final short type)
    {
        return commandLength >= 2 && CommandDecoder.typeOf(command, 0) == type;
    }

    /** Writes the pipeline's figures into this command's ENGINE_STATUS reply (see {@link Egress}). */
    void stampEngineFigures(final long currentSequence, final long durableSequence)
    {
        int at = 0;
        while (at < eventsLength)
        {
            final int length = events.getInt(at);
            EventEncoder.stampEngineFigures(events, at + LENGTH_PREFIX, length, currentSequence, durableSequence);
            at += LENGTH_PREFIX + length;
        }
    }

    /** Writes the pair's figures into this command's ENGINE_STATUS reply (see {@link Egress}). */
    void stampPairFigures(final io.flashgate.protocol.EngineRole role, final io.flashgate.protocol.StandbyState state,
        final long ackedSequence, final long lagRecords)
    {
        int at = 0;
        while (at < eventsLength)
        {
            final int length = events.getInt(at);
            EventEncoder.stampPairFigures(events, at + LENGTH_PREFIX, length, role, state, ackedSequence, lagRecords);
            at += LENGTH_PREFIX + length;
        }
    }

    /** Writes the order sink's last report into this command's ENGINE_STATUS reply (see {@link Egress}). */
    void stampSinkFigures(final long committedSequence, final long lagRecords)
    {
        int at = 0;
        while (at < eventsLength)
        {
            final int length = events.getInt(at);
            EventEncoder.stampSinkFigures(events, at + LENGTH_PREFIX, length, committedSequence, lagRecords);
            at += LENGTH_PREFIX + length;
        }
    }

    void forEachEvent(final io.flashgate.engine.logic.EventSink sink)
    {
        int at = 0;
        while (at < eventsLength)
        {
            final int length = events.getInt(at);
            sink.onEvent(events, at + LENGTH_PREFIX, length);
            at += LENGTH_PREFIX + length;
        }
    }
}
