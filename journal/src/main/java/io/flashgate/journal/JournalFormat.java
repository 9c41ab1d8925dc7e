package io.flashgate.journal;

import java.nio.ByteOrder;

/**
 * The on-disk layout of segment files, in one place. All numbers are little-endian.
 *
 * <pre>
 * segment header (16 bytes): int magic 0x4E524A46 ("FJRN" as bytes), int format version, long first sequence
 * record  (16 + n bytes):    int payload length n, int CRC32C over (sequence bytes + payload), long sequence, payload
 * </pre>
 */
final class JournalFormat
{
    static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    static final int MAGIC = 0x4E524A46;
    static final int VERSION = 1;

    static final int SEGMENT_HEADER_LENGTH = 16;
    static final int HEADER_MAGIC_OFFSET = 0;
    static final int HEADER_VERSION_OFFSET = 4;
    static final int HEADER_FIRST_SEQUENCE_OFFSET = 8;

    static final int RECORD_HEADER_LENGTH = 16;
    static final int RECORD_LENGTH_OFFSET = 0;
    static final int RECORD_CRC_OFFSET = 4;
    /** The checksum covers the record from here to its end: sequence then payload. */
    static final int RECORD_SEQUENCE_OFFSET = 8;

    static final int MAX_PAYLOAD = 64 * 1024;
    static final int MAX_RECORD_LENGTH = RECORD_HEADER_LENGTH + MAX_PAYLOAD;

    static final int MIN_BATCH_BUFFER_BYTES = MAX_RECORD_LENGTH;
    static final long MIN_SEGMENT_SIZE_BYTES = SEGMENT_HEADER_LENGTH + RECORD_HEADER_LENGTH;
    /** Segments are memory-mapped whole for reading, so one (plus an oversized record) must fit in an int. */
    static final long MAX_SEGMENT_SIZE_BYTES = Integer.MAX_VALUE - SEGMENT_HEADER_LENGTH - MAX_RECORD_LENGTH;

    private JournalFormat()
    {
    }

    static int recordLength(final int payloadLength)
    {
        return RECORD_HEADER_LENGTH + payloadLength;
    }
}
