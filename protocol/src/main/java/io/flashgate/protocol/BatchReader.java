package io.flashgate.protocol;

import org.agrona.DirectBuffer;

/**
 * Reads the frames of one message written by {@link BatchWriter}: {@code [int32 length][length bytes]} back to back.
 * A frame whose length is not positive or runs past the message's end is torn: reading stops there, the frames
 * before it stand, and {@link #isTorn()} says so. The next message starts afresh, so a torn one corrupts nothing
 * after it.
 *
 * <pre>
 *  reader.wrap(buffer, offset, length);
 *  while (reader.next()) { use(buffer, reader.frameOffset(), reader.frameLength()); }
 *  if (reader.isTorn()) { count it }
 * </pre>
 *
 * A flyweight: allocation-free; single-threaded.
 */
public final class BatchReader
{
    private DirectBuffer buffer;
    private int position;
    private int end;
    private int frameOffset;
    private int frameLength;
    private boolean torn;

    public BatchReader wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.position = offset;
        this.end = offset + length;
        this.frameOffset = offset;
        this.frameLength = 0;
        this.torn = length <= 0;
        return this;
    }

    /** Moves to the next frame; @return false at the end of the message or at a torn frame. */
    public boolean next()
    {
        if (torn || position >= end)
        {
            return false;
        }
        final int left = end - position;
        final int length = left < WireFormat.FRAME_HEADER_LENGTH ? -1 : buffer.getInt(position);
        if (length <= 0 || length > left - WireFormat.FRAME_HEADER_LENGTH)
        {
            torn = true;
            return false;
        }
        frameOffset = position + WireFormat.FRAME_HEADER_LENGTH;
        frameLength = length;
        position = frameOffset + length;
        return true;
    }

    /**
     * Counts the well-formed frames from the current position on, without moving; @return -1 if one is torn (or the
     * message is empty).
     */
    public int remainingFrames()
    {
        if (torn)
        {
            return -1;
        }
        int at = position;
        int frames = 0;
        while (at < end)
        {
            final int left = end - at;
            final int length = left < WireFormat.FRAME_HEADER_LENGTH ? -1 : buffer.getInt(at);
            if (length <= 0 || length > left - WireFormat.FRAME_HEADER_LENGTH)
            {
                return -1;
            }
            at += WireFormat.FRAME_HEADER_LENGTH + length;
            frames++;
        }
        return frames;
    }

    /** The buffer the frames are read from (the one given to {@link #wrap}). */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int frameOffset()
    {
        return frameOffset;
    }

    public int frameLength()
    {
        return frameLength;
    }

    /** True once a torn frame stopped the reading (an empty message is torn too). */
    public boolean isTorn()
    {
        return torn;
    }
}
