package io.flashgate.replay;

import io.flashgate.engine.logic.EventSink;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.Arrays;

/** Keeps the events business logic emits for one command, copied, until {@link #clear()}. */
final class EventCapture implements EventSink
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private int count;
    private int position;

    void clear()
    {
        count = 0;
        position = 0;
    }

    @Override
    public void onEvent(final DirectBuffer source, final int offset, final int length)
    {
        if (count == offsets.length)
        {
            offsets = Arrays.copyOf(offsets, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        buffer.putBytes(position, source, offset, length);
        offsets[count] = position;
        lengths[count] = length;
        position += length;
        count++;
    }

    int count()
    {
        return count;
    }

    DirectBuffer buffer()
    {
        return buffer;
    }

    int offset(final int index)
    {
        return offsets[index];
    }

    int length(final int index)
    {
        return lengths[index];
    }
}
