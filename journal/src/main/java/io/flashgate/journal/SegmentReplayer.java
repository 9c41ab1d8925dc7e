package io.flashgate.journal;

import static io.flashgate.journal.JournalFormat.RECORD_HEADER_LENGTH;
import static io.flashgate.journal.JournalFormat.SEGMENT_HEADER_LENGTH;

import java.io.IOException;
import java.util.List;

/**
 * Reads records back from the segment files, one memory-mapped segment at a time, checking each record as it
 * goes. Nothing is allocated per record.
 */
final class SegmentReplayer
{
    private final RecordCheck check = new RecordCheck();

    /**
     * Calls {@code handler} for every record with {@code afterSequence < sequence <= upToSequence}.
     *
     * @return records delivered.
     * @throws JournalCorruptedException if a record fails its check or records up to {@code upToSequence} are missing.
     */
    long replay(
        final List<SegmentFile> segments, final long afterSequence, final long upToSequence, final RecordHandler handler)
        throws IOException
    {
        if (upToSequence <= afterSequence || segments.isEmpty())
        {
            return 0;
        }
        long delivered = 0;
        long expected = 0;
        SegmentFile segment = null;
        int offset = 0;
        for (int i = firstSegmentHolding(segments, afterSequence + 1); i < segments.size(); i++)
        {
            segment = segments.get(i);
            if (segment.firstSequence() > upToSequence)
            {
                break;
            }
            if (expected != 0 && segment.firstSequence() != expected)
            {
                throw new JournalCorruptedException(segment.path(), 0,
                    "segment starts at sequence " + segment.firstSequence() + " where " + expected + " was expected");
            }
            try (MappedSegment mapped = MappedSegment.map(segment.path()))
            {
                checkHeader(mapped, segment);
                offset = SEGMENT_HEADER_LENGTH;
                long sequence = segment.firstSequence();
                while (sequence <= upToSequence && offset < mapped.length())
                {
                    final RecordCheck.Verdict verdict = check.check(mapped, offset, sequence);
                    if (verdict != RecordCheck.Verdict.VALID)
                    {
                        throw new JournalCorruptedException(segment.path(), offset,
                            RecordCheck.describe(verdict, mapped, offset, sequence));
                    }
                    final int payloadLength = RecordCheck.payloadLength(mapped, offset);
                    if (sequence > afterSequence)
                    {
                        handler.onRecord(sequence, mapped.buffer(), offset + RECORD_HEADER_LENGTH, payloadLength);
                        delivered++;
                    }
                    offset += RECORD_HEADER_LENGTH + payloadLength;
                    sequence++;
                }
                expected = sequence;
            }
        }
        if (expected <= upToSequence)
        {
            throw new JournalCorruptedException(segment.path(), offset, "records up to durable sequence "
                + upToSequence + " expected, but the journal ends at " + (expected - 1));
        }
        return delivered;
    }

    /** Index of the last segment starting at or before {@code sequence}; earlier ones hold only older records. */
    private static int firstSegmentHolding(final List<SegmentFile> segments, final long sequence)
    {
        int index = 0;
        for (int i = 1; i < segments.size() && segments.get(i).firstSequence() <= sequence; i++)
        {
            index = i;
        }
        return index;
    }

    private static void checkHeader(final MappedSegment mapped, final SegmentFile segment)
    {
        final String problem = SegmentHeader.isComplete(mapped)
            ? SegmentHeader.problem(mapped, segment.firstSequence())
            : "segment header cut short: " + mapped.length() + " bytes";
        if (problem != null)
        {
            throw new JournalCorruptedException(segment.path(), 0, problem);
        }
    }
}
