package io.flashgate.journal;

import static io.flashgate.journal.JournalFormat.RECORD_CRC_OFFSET;
import static io.flashgate.journal.JournalFormat.RECORD_HEADER_LENGTH;
import static io.flashgate.journal.JournalFormat.RECORD_LENGTH_OFFSET;
import static io.flashgate.journal.JournalFormat.RECORD_SEQUENCE_OFFSET;
import static io.flashgate.journal.JournalFormat.SEGMENT_HEADER_LENGTH;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import org.agrona.DirectBuffer;

/**
 * The preallocated direct buffer records are encoded into until the end of a batch, then written with one
 * {@code write()} call. Encoding copies the payload and computes the CRC in place: nothing is allocated per record.
 */
final class RecordBatch
{
    private final ByteBuffer buffer;
    private final RecordChecksum checksum = new RecordChecksum();
    private int length;

    RecordBatch(final int capacity)
    {
        buffer = ByteBuffer.allocateDirect(capacity).order(JournalFormat.BYTE_ORDER);
    }

    boolean fits(final int bytes)
    {
        return buffer.capacity() - length >= bytes;
    }

    boolean isEmpty()
    {
        return length == 0;
    }

    /** Bytes waiting to be written. */
    int length()
    {
        return length;
    }

    /** Starts a new segment's bytes; the caller has just emptied the batch. */
    void putSegmentHeader(final long firstSequence)
    {
        SegmentHeader.write(buffer, length, firstSequence);
        length += SEGMENT_HEADER_LENGTH;
    }

    /** Encodes one record; the caller has checked it {@link #fits}. */
    void putRecord(final long sequence, final DirectBuffer payload, final int offset, final int payloadLength)
    {
        final int at = length;
        buffer.putInt(at + RECORD_LENGTH_OFFSET, payloadLength);
        buffer.putLong(at + RECORD_SEQUENCE_OFFSET, sequence);
        payload.getBytes(offset, buffer, at + RECORD_HEADER_LENGTH, payloadLength);
        buffer.putInt(at + RECORD_CRC_OFFSET, checksum.ofRecord(buffer, at, payloadLength));
        length = at + RECORD_HEADER_LENGTH + payloadLength;
    }

    /**
     * Writes the whole batch at {@code filePosition} and empties it.
     *
     * @return bytes written.
     */
    int writeTo(final FileChannel channel, final long filePosition) throws IOException
    {
        buffer.clear().limit(length);
        long position = filePosition;
        while (buffer.hasRemaining())
        {
            position += channel.write(buffer, position);
        }
        // Absolute puts check against the limit: give the next batch the whole buffer back (a roll puts a segment
        // header and a record after a batch that may have been shorter than both).
        buffer.clear();
        final int written = length;
        length = 0;
        return written;
    }
}
