package io.flashgate.journal;

import static io.flashgate.journal.JournalFormat.SEGMENT_HEADER_LENGTH;

import java.io.IOException;

/**
 * Scans one segment file, read-only, and classifies its first problem as a torn tail or corruption.
 * The rule is described on {@link JournalScanner}.
 */
final class SegmentScanner
{
    private final RecordCheck check = new RecordCheck();

    /**
     * @param file                  the segment.
     * @param last                  true if it is the journal's last segment: only there can a tail be torn.
     * @param expectedFirstSequence sequence the previous segment says comes next, or 0 if unknown (first segment,
     *                              or the previous one has a problem).
     */
    SegmentScan scan(final SegmentFile file, final boolean last, final long expectedFirstSequence)
        throws IOException
    {
        try (MappedSegment segment = MappedSegment.map(file.path()))
        {
            return scan(segment, file.firstSequence(), last, expectedFirstSequence);
        }
    }

    private SegmentScan scan(
        final MappedSegment segment, final long firstSequence, final boolean last, final long expectedFirstSequence)
    {
        final int fileLength = segment.length();
        if (!SegmentHeader.isComplete(segment))
        {
            final String why = "segment header cut short: " + fileLength + " of " + SEGMENT_HEADER_LENGTH + " bytes";
            return headerProblem(segment, firstSequence, last ? why + "; last segment, so a torn tail"
                : why + "; not the last segment, so not a torn tail", last);
        }
        final String headerProblem = SegmentHeader.problem(segment, firstSequence);
        if (headerProblem != null)
        {
            return headerProblem(segment, firstSequence, headerProblem, false);
        }

        int offset = SEGMENT_HEADER_LENGTH;
        long expected = firstSequence;
        RecordCheck.Verdict verdict = RecordCheck.Verdict.VALID;
        while (offset < fileLength)
        {
            verdict = check.check(segment, offset, expected);
            if (verdict != RecordCheck.Verdict.VALID)
            {
                break;
            }
            offset += JournalFormat.recordLength(RecordCheck.payloadLength(segment, offset));
            expected++;
        }
        final long lastSequence = expected - 1;
        final long records = expected - firstSequence;

        if (expectedFirstSequence > 0 && firstSequence != expectedFirstSequence)
        {
            final String why = firstSequence > expectedFirstSequence
                ? "sequence gap: records " + expectedFirstSequence + ".." + (firstSequence - 1)
                + " are missing (previous segment ends at " + (expectedFirstSequence - 1) + ")"
                : "segment starts at sequence " + firstSequence + ", overlapping the previous segment, which ends at "
                + (expectedFirstSequence - 1);
            return new SegmentScan(segment.path(), firstSequence, lastSequence, records, offset, fileLength, 0, why,
                false);
        }
        if (verdict == RecordCheck.Verdict.VALID)
        {
            return new SegmentScan(segment.path(), firstSequence, lastSequence, records, offset, fileLength, -1, null,
                false);
        }

        final String why = RecordCheck.describe(verdict, segment, offset, expected);
        final String problem;
        final boolean torn;
        if (!last)
        {
            problem = why + "; not the last segment, so not a torn tail";
            torn = false;
        }
        else
        {
            final int follower = check.findValidRecordFrom(segment, offset, lastSequence);
            torn = follower < 0;
            problem = torn
                ? why + "; nothing valid follows, so a torn tail of " + (fileLength - offset) + " bytes"
                : why + "; a valid record (sequence " + segment.longAt(follower + JournalFormat.RECORD_SEQUENCE_OFFSET)
                + ") follows at offset " + follower + ", so not a torn tail";
        }
        return new SegmentScan(segment.path(), firstSequence, lastSequence, records, offset, fileLength, offset,
            problem, torn);
    }

    private static SegmentScan headerProblem(
        final MappedSegment segment, final long firstSequence, final String problem, final boolean torn)
    {
        return new SegmentScan(segment.path(), firstSequence, firstSequence - 1, 0, 0, segment.length(), 0, problem,
            torn);
    }
}
