package io.flashgate.journal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C of a record: over its sequence and payload bytes, which lie back to back. Works on direct buffers
 * in place (the JDK's intrinsic), so it allocates nothing. Not thread-safe: one per user.
 */
final class RecordChecksum
{
    private final CRC32C crc = new CRC32C();

    /**
     * @param buffer       buffer holding the record; its position and limit end up cleared.
     * @param recordOffset where the record starts.
     * @param payloadLength the record's payload length.
     * @return the checksum as stored in the record.
     */
    int ofRecord(final ByteBuffer buffer, final int recordOffset, final int payloadLength)
    {
        final int from = recordOffset + JournalFormat.RECORD_SEQUENCE_OFFSET;
        final int to = recordOffset + JournalFormat.RECORD_HEADER_LENGTH + payloadLength;
        return of(buffer, from, to);
    }

    /**
     * CRC32C of {@code buffer[from, to)}. Uses the buffer's position and limit and then clears them, so absolute
     * puts and gets, which check against the limit, keep working on the whole buffer.
     */
    int of(final ByteBuffer buffer, final int from, final int to)
    {
        crc.reset();
        buffer.clear();
        buffer.position(from).limit(to);
        crc.update(buffer);
        buffer.clear();
        return (int)crc.getValue();
    }
}
