package io.flashgate.journal;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link JournalScanner#scan} found in a journal folder.
 * <p>
 * The totals describe the valid prefix of the journal: every record before the first problem. After a torn
 * tail that is exactly what recovery keeps.
 *
 * @param directory     the folder scanned.
 * @param segments      one result per segment file, by first sequence.
 * @param firstSequence sequence of the first valid record, or 0 if there is none.
 * @param lastSequence  sequence of the last record of the valid prefix, or 0 if there is none.
 * @param records       records in the valid prefix.
 * @param firstProblem  the first problem met, or null if there is none.
 */
public record ScanResult(
    Path directory,
    List<SegmentScan> segments,
    long firstSequence,
    long lastSequence,
    long records,
    ScanProblem firstProblem)
{
    /**
     * Copies the segment list, so the result cannot change.
     *
     * @param directory     the folder scanned.
     * @param segments      one result per segment file.
     * @param firstSequence first valid record, or 0.
     * @param lastSequence  last record of the valid prefix, or 0.
     * @param records       records in the valid prefix.
     * @param firstProblem  the first problem, or null.
     */
    public ScanResult
    {
        segments = List.copyOf(segments);
    }

    /** @return true if no problem of any kind was found. */
    public boolean ok()
    {
        return firstProblem == null;
    }

    /** @return true if there is no corruption: the journal is fine or only has a torn tail to cut. */
    public boolean recoverable()
    {
        return firstProblem == null || firstProblem.tornTail();
    }
}
