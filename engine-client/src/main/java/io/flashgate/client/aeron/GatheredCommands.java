package io.flashgate.client.aeron;

import io.flashgate.protocol.BatchWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Commands taken from sending threads while another thread is sending: framed into one message
 * ({@link BatchWriter}), with the correlation id of each, so that the sender can refuse them by id if the message
 * is refused. Two of these swap places: threads gather into one while the other is sent. Not thread-safe: the
 * caller guards it.
 */
final class GatheredCommands
{
    /** At most this many commands per message: well under the smallest ring an engine may have (64 slots). */
    static final int MAX_COMMANDS = 32;

    final BatchWriter batch;
    final long[] correlationIds = new long[MAX_COMMANDS];

    GatheredCommands(final int capacity)
    {
        batch = new BatchWriter(new UnsafeBuffer(new byte[capacity]), capacity);
    }

    /** @return false when it is full (by bytes or by count), or the command is empty. */
    boolean add(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        final int index = batch.count();
        if (index == MAX_COMMANDS || !batch.append(buffer, offset, length))
        {
            return false;
        }
        correlationIds[index] = correlationId;
        return true;
    }

    int count()
    {
        return batch.count();
    }

    void clear()
    {
        batch.reset();
    }
}
