package io.flashgate.journal;

import java.nio.file.Path;

/**
 * What {@link Journal#open} found and repaired.
 *
 * @param segmentsScanned segment files scanned.
 * @param recordsFound    valid records kept.
 * @param lastSequence    sequence of the last record kept, or 0 if the journal is empty.
 * @param tornSegment     segment whose torn tail was cut, or null if none was.
 * @param tornOffset      offset of the first torn byte in that segment, or -1 if none was cut. The file is cut
 *                        back to this offset, or deleted if no whole record is left in it (a torn header, or a
 *                        torn first record).
 * @param bytesCut        torn bytes removed (from {@code tornOffset} to the old end of the file), 0 if none.
 */
public record RecoveryReport(
    int segmentsScanned,
    long recordsFound,
    long lastSequence,
    Path tornSegment,
    long tornOffset,
    long bytesCut)
{
    /** @return true if a torn tail was cut. */
    public boolean cutTail()
    {
        return tornSegment != null;
    }

    /** @return one line for the log. */
    public String describe()
    {
        final String found = "scanned " + segmentsScanned + " segment(s), " + recordsFound + " record(s), last sequence "
            + lastSequence;
        return cutTail()
            ? found + "; cut torn tail of " + bytesCut + " byte(s) at offset " + tornOffset + " of " + tornSegment
            : found + "; no torn tail";
    }
}
