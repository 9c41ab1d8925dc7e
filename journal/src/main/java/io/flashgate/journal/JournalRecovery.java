package io.flashgate.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a journal folder to a state that can be appended to: scans it, refuses corruption, cuts a torn tail.
 * The only changes it ever makes are at the end of the last segment.
 */
final class JournalRecovery
{
    /**
     * The journal as recovery left it.
     *
     * @param report        what was found and cut.
     * @param segments      the remaining segments; the last one is where appends continue.
     * @param lastSegment   scan of the last remaining segment (after any cut), or null if none remain.
     * @param firstSequence first record kept, or 0.
     * @param lastSequence  last record kept, or 0.
     */
    record Recovered(
        RecoveryReport report,
        List<SegmentFile> segments,
        SegmentScan lastSegment,
        long firstSequence,
        long lastSequence)
    {
    }

    private JournalRecovery()
    {
    }

    static Recovered recover(final Path directory) throws IOException
    {
        final ScanResult scan = JournalScanner.scan(directory);
        final ScanProblem problem = scan.firstProblem();
        if (problem != null && !problem.tornTail())
        {
            throw new JournalCorruptedException(problem.segment(), problem.offset(), problem.reason());
        }

        final List<SegmentScan> kept = new ArrayList<>(scan.segments());
        Path tornSegment = null;
        long tornOffset = -1;
        long bytesCut = 0;
        if (problem != null)
        {
            // Only the last segment can have a torn tail.
            final SegmentScan torn = kept.get(kept.size() - 1);
            tornSegment = torn.path();
            tornOffset = torn.firstBadOffset();
            bytesCut = torn.fileLength() - torn.firstBadOffset();
            if (torn.records() > 0)
            {
                truncate(torn.path(), torn.firstBadOffset());
                kept.set(kept.size() - 1, withoutTail(torn));
            }
        }
        // A last segment without records has nothing to keep (a torn or bare header): removing it lets the next
        // append start a segment named after its own sequence.
        if (!kept.isEmpty() && kept.get(kept.size() - 1).records() == 0)
        {
            Files.delete(kept.remove(kept.size() - 1).path());
            DirectorySync.force(directory);
        }

        final List<SegmentFile> segments = kept.stream()
            .map(segment -> new SegmentFile(segment.path(), segment.firstSequence()))
            .toList();
        final RecoveryReport report = new RecoveryReport(scan.segments().size(), scan.records(), scan.lastSequence(),
            tornSegment, tornOffset, bytesCut);
        final SegmentScan lastSegment = kept.isEmpty() ? null : kept.get(kept.size() - 1);
        return new Recovered(report, segments, lastSegment, scan.firstSequence(), scan.lastSequence());
    }

    private static void truncate(final Path segment, final long length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE))
        {
            channel.truncate(length);
            channel.force(true);
        }
    }

    private static SegmentScan withoutTail(final SegmentScan scan)
    {
        return new SegmentScan(scan.path(), scan.firstSequence(), scan.lastSequence(), scan.records(),
            scan.validBytes(), scan.validBytes(), -1, null, false);
    }
}
