package io.flashgate.journal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of a {@link Journal}.
 *
 * @param directory        folder holding the segment files; created by {@link Journal#open} if missing.
 * @param segmentSizeBytes size a segment may reach before the journal rolls to a new one. A segment holding a
 *                         single record may exceed it when that record alone is larger.
 * @param batchBufferBytes size of the preallocated buffer records are copied into until the end of a batch;
 *                         must hold at least one maximum-size record (65,552 bytes:
 *                         {@link Journal#MAX_PAYLOAD} plus the 16-byte record header).
 * @param flushPolicy      what {@link Journal#flush()} guarantees.
 */
public record JournalConfig(Path directory, long segmentSizeBytes, int batchBufferBytes, FlushPolicy flushPolicy)
{
    /** Default segment size: 64 MiB. */
    public static final long DEFAULT_SEGMENT_SIZE_BYTES = 64L * 1024 * 1024;
    /** Default batch buffer: 1 MiB, about 13,000 records of 64 payload bytes. */
    public static final int DEFAULT_BATCH_BUFFER_BYTES = 1024 * 1024;

    /**
     * Checks the settings.
     *
     * @param directory        folder holding the segment files.
     * @param segmentSizeBytes size a segment may reach before rolling.
     * @param batchBufferBytes size of the batch buffer.
     * @param flushPolicy      what a flush guarantees.
     * @throws IllegalArgumentException if a size is out of range.
     */
    public JournalConfig
    {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(flushPolicy, "flushPolicy");
        if (segmentSizeBytes < JournalFormat.MIN_SEGMENT_SIZE_BYTES
            || segmentSizeBytes > JournalFormat.MAX_SEGMENT_SIZE_BYTES)
        {
            throw new IllegalArgumentException("segmentSizeBytes must be in " + JournalFormat.MIN_SEGMENT_SIZE_BYTES
                + ".." + JournalFormat.MAX_SEGMENT_SIZE_BYTES + ", was " + segmentSizeBytes);
        }
        if (batchBufferBytes < JournalFormat.MIN_BATCH_BUFFER_BYTES)
        {
            throw new IllegalArgumentException("batchBufferBytes must hold one maximum-size record ("
                + JournalFormat.MIN_BATCH_BUFFER_BYTES + " bytes), was " + batchBufferBytes);
        }
    }

    /**
     * 64 MiB segments, a 1 MiB batch buffer and {@link FlushPolicy#PAGE_CACHE}.
     *
     * @param directory folder holding the segment files.
     * @return the default configuration for that folder.
     */
    public static JournalConfig defaults(final Path directory)
    {
        return new JournalConfig(directory, DEFAULT_SEGMENT_SIZE_BYTES, DEFAULT_BATCH_BUFFER_BYTES,
            FlushPolicy.PAGE_CACHE);
    }
}
