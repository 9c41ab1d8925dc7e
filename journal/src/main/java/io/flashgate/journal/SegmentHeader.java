package io.flashgate.journal;

import static io.flashgate.journal.JournalFormat.HEADER_FIRST_SEQUENCE_OFFSET;
import static io.flashgate.journal.JournalFormat.HEADER_MAGIC_OFFSET;
import static io.flashgate.journal.JournalFormat.HEADER_VERSION_OFFSET;
import static io.flashgate.journal.JournalFormat.MAGIC;
import static io.flashgate.journal.JournalFormat.SEGMENT_HEADER_LENGTH;
import static io.flashgate.journal.JournalFormat.VERSION;

import java.nio.ByteBuffer;

/**
 * Writes and checks the 16-byte header that opens every segment file.
 */
final class SegmentHeader
{
    private SegmentHeader()
    {
    }

    /** Puts a header at {@code offset} of a little-endian buffer. */
    static void write(final ByteBuffer buffer, final int offset, final long firstSequence)
    {
        buffer.putInt(offset + HEADER_MAGIC_OFFSET, MAGIC);
        buffer.putInt(offset + HEADER_VERSION_OFFSET, VERSION);
        buffer.putLong(offset + HEADER_FIRST_SEQUENCE_OFFSET, firstSequence);
    }

    /**
     * Checks a complete header (the caller has seen the file is at least {@value JournalFormat#SEGMENT_HEADER_LENGTH}
     * bytes long) against the sequence the file name promises.
     *
     * @return why the header is wrong, or null if it is right.
     */
    static String problem(final MappedSegment segment, final long sequenceInName)
    {
        final int magic = segment.intAt(HEADER_MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            return String.format("not a Flashgate journal (magic 0x%08X, expected 0x%08X)", magic, MAGIC);
        }
        final int version = segment.intAt(HEADER_VERSION_OFFSET);
        if (version != VERSION)
        {
            return "unsupported format version " + version + " (this build reads version " + VERSION + ")";
        }
        final long firstSequence = segment.longAt(HEADER_FIRST_SEQUENCE_OFFSET);
        if (firstSequence != sequenceInName)
        {
            return "header says first sequence " + firstSequence + " but the file name says " + sequenceInName;
        }
        if (firstSequence < 1)
        {
            return "first sequence " + firstSequence + " is below 1";
        }
        return null;
    }

    static boolean isComplete(final MappedSegment segment)
    {
        return segment.length() >= SEGMENT_HEADER_LENGTH;
    }
}
