package io.flashgate.journal;

import java.nio.file.Path;

/**
 * What scanning one segment file found.
 *
 * @param path           the segment file.
 * @param firstSequence  the sequence its name promises for its first record.
 * @param lastSequence   sequence of its last valid record, or {@code firstSequence - 1} if it holds none.
 * @param records        valid records before the first bad one.
 * @param validBytes     bytes from the start of the file to the end of its last valid record (the header
 *                       included); where a tail cut would leave the file.
 * @param fileLength     the file's length.
 * @param firstBadOffset offset of the first problem (0 for header or sequence-gap problems), or -1 if none.
 * @param problem        why that offset is bad, or null.
 * @param tornTail       true if the problem is a torn tail that recovery may cut (see {@link JournalScanner}).
 */
public record SegmentScan(
    Path path,
    long firstSequence,
    long lastSequence,
    long records,
    long validBytes,
    long fileLength,
    long firstBadOffset,
    String problem,
    boolean tornTail)
{
    /** @return true if the segment has no problem at all. */
    public boolean ok()
    {
        return firstBadOffset < 0;
    }
}
