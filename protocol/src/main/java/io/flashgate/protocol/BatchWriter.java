package io.flashgate.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Packs many commands or events into one Aeron message, in the framing {@link BatchReader} reads: each frame is
 * {@code [int32 length][length bytes]}, frames back to back, nothing else. Sending one message for a batch pays the
 * per-message costs (an offer, a fragment header, a poll) once instead of once per command or event.
 *
 * <p>A flyweight over a buffer of the caller's, kept for the writer's life: allocation-free; single-threaded.
 */
public final class BatchWriter
{
    private final MutableDirectBuffer buffer;
    private final int capacity;
    private int length;
    private int count;

    /** @param capacity the most bytes one message may carry (at most {@code buffer.capacity()}). */
    public BatchWriter(final MutableDirectBuffer buffer, final int capacity)
    {
        if (capacity > buffer.capacity() || capacity < WireFormat.FRAME_HEADER_LENGTH + 1)
        {
            throw new IllegalArgumentException("capacity " + capacity + " does not fit the buffer");
        }
        this.buffer = buffer;
        this.capacity = capacity;
    }

    /** @return false (and nothing written) when the frame does not fit in what is left, or is empty. */
    public boolean append(final DirectBuffer source, final int offset, final int frameLength)
    {
        if (frameLength <= 0 || !fits(frameLength))
        {
            return false;
        }
        buffer.putInt(length, frameLength);
        buffer.putBytes(length + WireFormat.FRAME_HEADER_LENGTH, source, offset, frameLength);
        length += WireFormat.FRAME_HEADER_LENGTH + frameLength;
        count++;
        return true;
    }

    /** Whether a frame of {@code frameLength} bytes still fits. */
    public boolean fits(final int frameLength)
    {
        return capacity - length >= WireFormat.FRAME_HEADER_LENGTH + frameLength;
    }

    /** Whether a frame of {@code frameLength} bytes would fit in an empty writer. */
    public boolean fitsAlone(final int frameLength)
    {
        return frameLength > 0 && capacity >= WireFormat.FRAME_HEADER_LENGTH + frameLength;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /** Bytes written so far: the message is {@code buffer()[0, length())}. */
    public int length()
    {
        return length;
    }

    /** Frames written so far. */
    public int count()
    {
        return count;
    }

    public boolean isEmpty()
    {
        return count == 0;
    }

    /** Starts a new message in the same buffer. */
    public void reset()
    {
        length = 0;
        count = 0;
    }
}
