package io.flashgate.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only check of a whole journal folder; it never changes a file. {@link Journal#open} uses it to decide
 * what to recover, and an offline tool can use it to inspect a journal.
 *
 * <h2>Torn tail versus corruption</h2>
 * Each segment is scanned record by record. The first bad record (length out of range, running past the end of
 * the file, CRC mismatch, or sequence not the previous one plus 1) is:
 * <ul>
 *   <li>a <b>torn tail</b> if it is in the <em>last</em> segment and no valid record follows it: searching every
 *       byte offset from the bad record to the end of the file finds no plausible record (length in range, inside
 *       the file, sequence above the last good one) whose CRC matches. This is what an interrupted write leaves;
 *       cutting the file at the bad offset loses only records that were never acknowledged as durable. A last
 *       segment shorter than its 16-byte header is a torn tail too.</li>
 *   <li><b>corruption</b> otherwise: a valid record follows (cutting would drop it), or the segment is not the
 *       last one. So is a wrong magic number or format version, a header that disagrees with the file name, and
 *       a gap or overlap in sequences between segments (such as a missing segment).</li>
 * </ul>
 */
public final class JournalScanner
{
    private JournalScanner()
    {
    }

    /**
     * Scans every segment file ({@code journal-*.seg}) in the folder, without changing anything.
     *
     * @param directory the journal folder; must exist.
     * @return per-segment results, the valid prefix and the first problem.
     * @throws IOException if the folder or a file cannot be read.
     */
    public static ScanResult scan(final Path directory) throws IOException
    {
        final List<SegmentFile> files = SegmentFile.listIn(directory);
        final SegmentScanner scanner = new SegmentScanner();
        final List<SegmentScan> scans = new ArrayList<>(files.size());
        long firstSequence = 0;
        long lastSequence = 0;
        long records = 0;
        ScanProblem firstProblem = null;
        long expectedNext = 0;

        for (int i = 0; i < files.size(); i++)
        {
            final SegmentScan scan = scanner.scan(files.get(i), i == files.size() - 1, expectedNext);
            scans.add(scan);
            if (firstProblem == null)
            {
                // A problem at offset 0 (header, gap) discredits the whole segment; a later one only its tail.
                final boolean recordsBelongToPrefix = scan.firstBadOffset() != 0;
                if (recordsBelongToPrefix && scan.records() > 0)
                {
                    firstSequence = firstSequence == 0 ? scan.firstSequence() : firstSequence;
                    lastSequence = scan.lastSequence();
                    records += scan.records();
                }
                if (!scan.ok())
                {
                    firstProblem = new ScanProblem(scan.path(), scan.firstBadOffset(), scan.problem(), scan.tornTail());
                }
            }
            // After a damaged segment we cannot know what the next one should start with, so skip that check.
            final boolean intact = scan.fileLength() >= JournalFormat.SEGMENT_HEADER_LENGTH
                && scan.validBytes() == scan.fileLength();
            expectedNext = intact ? scan.lastSequence() + 1 : 0;
        }
        return new ScanResult(directory, scans, firstSequence, lastSequence, records, firstProblem);
    }
}
