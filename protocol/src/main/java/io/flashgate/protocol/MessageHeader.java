package io.flashgate.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The 32-byte header every command and event begins with (little-endian): type, version, source id (the edge or
 * session that sent the command), correlation id (the sender's), sequence and timestamp (stamped by the engine's
 * receiver). Its offsets are defined here once: both decoders read it through this flyweight, both encoders write it
 * through {@link #write}.
 */
public abstract class MessageHeader
{
    static final int TYPE = 0;
    static final int VERSION = 2;
    static final int SOURCE_ID = 4;
    static final int CORRELATION_ID = 8;
    static final int SEQUENCE = 16;
    static final int TIMESTAMP = 24;
    /** Public as {@link WireFormat#HEADER_LENGTH}. */
    static final int LENGTH = 32;

    DirectBuffer buffer;
    int offset;
    int length;

    MessageHeader()
    {
    }

    final void wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    static void write(final MutableDirectBuffer buffer, final int offset, final short type, final int sourceId,
        final long correlationId, final long sequence, final long timestamp)
    {
        buffer.putShort(offset + TYPE, type);
        buffer.putShort(offset + VERSION, MessageTypes.VERSION);
        buffer.putInt(offset + SOURCE_ID, sourceId);
        buffer.putLong(offset + CORRELATION_ID, correlationId);
        buffer.putLong(offset + SEQUENCE, sequence);
        buffer.putLong(offset + TIMESTAMP, timestamp);
    }

    public final DirectBuffer buffer()
    {
        return buffer;
    }

    public final int offset()
    {
        return offset;
    }

    public final int length()
    {
        return length;
    }

    public final short type()
    {
        return buffer.getShort(offset + TYPE);
    }

    final short version()
    {
        return buffer.getShort(offset + VERSION);
    }

    public final int sourceId()
    {
        return buffer.getInt(offset + SOURCE_ID);
    }

    public final long correlationId()
    {
        return buffer.getLong(offset + CORRELATION_ID);
    }

    public final long sequence()
    {
        return buffer.getLong(offset + SEQUENCE);
    }

    public final long timestamp()
    {
        return buffer.getLong(offset + TIMESTAMP);
    }

    /** Type of any message in the encoding, read without validation. */
    public static short typeOf(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + TYPE);
    }

    /** Source id of any message, read without validation (the frame must hold a header). */
    public static int sourceIdOf(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + SOURCE_ID);
    }

    /** Correlation id of any message, read without validation (the frame must hold a header). */
    public static long correlationIdOf(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + CORRELATION_ID);
    }

    /** The sequence stamped in a message's header, without validating it. */
    public static long sequenceOf(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SEQUENCE);
    }
}
