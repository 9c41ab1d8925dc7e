package io.flashgate.journal;

import org.agrona.DirectBuffer;

/**
 * Receives records during {@link Journal#replay}.
 */
@FunctionalInterface
public interface RecordHandler
{
    /**
     * Called once per record, in sequence order.
     * <p>
     * The buffer is a view of a memory-mapped segment file that is unmapped once replay leaves that segment:
     * it is valid only during this call. Copy what you need to keep; never hold on to the buffer.
     *
     * @param sequence the record's sequence.
     * @param buffer   buffer holding the payload.
     * @param offset   where the payload starts in {@code buffer}.
     * @param length   payload length in bytes.
     */
    void onRecord(long sequence, DirectBuffer buffer, int offset, int length);
}
