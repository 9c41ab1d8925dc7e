package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.append;
import static io.flashgate.journal.JournalTestSupport.flipBit;
import static io.flashgate.journal.JournalTestSupport.onlySegment;
import static io.flashgate.journal.JournalTestSupport.payloadLength;
import static io.flashgate.journal.JournalTestSupport.recordOffset;
import static io.flashgate.journal.JournalTestSupport.recordOffsets;
import static io.flashgate.journal.JournalTestSupport.segments;
import static io.flashgate.journal.JournalTestSupport.writeJournal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorruptionTest
{
    private static final int RECORDS = 50;
    private static final long DAMAGED = 25;

    @TempDir
    Path dir;

    /** Byte positions inside record 25: length field, CRC, sequence, first and last payload bytes. */
    @ParameterizedTest
    @ValueSource(ints = {0, 2, 4, 7, 8, 13, 16, 16 + 52})
    void flippedBitInTheMiddleOfTheLastSegmentIsCorruptionAtThatRecord(final int byteInRecord) throws IOException
    {
        assertEquals(53, payloadLength(DAMAGED), "the test's record layout");
        writeJournal(dir, RECORDS);
        final Path segment = onlySegment(dir);
        final long recordOffset = recordOffset(DAMAGED);
        flipBit(segment, recordOffset + byteInRecord, 3);
        final byte[] damaged = Files.readAllBytes(segment);

        final JournalCorruptedException ex = assertThrows(JournalCorruptedException.class,
            () -> Journal.open(JournalConfig.defaults(dir)));
        assertEquals(segment, ex.segment());
        assertEquals(recordOffset, ex.offset());
        assertTrue(ex.getMessage().contains(segment.getFileName().toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains("offset " + recordOffset), ex.getMessage());
        assertTrue(ex.getMessage().contains("not a torn tail"), ex.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(segment), "open must not change a corrupted journal");

        final ScanResult scan = JournalScanner.scan(dir);
        assertFalse(scan.ok());
        assertFalse(scan.recoverable());
        assertEquals(segment, scan.firstProblem().segment());
        assertEquals(recordOffset, scan.firstProblem().offset());
        assertFalse(scan.firstProblem().tornTail());
        assertEquals(recordOffset, scan.segments().get(0).firstBadOffset());
        assertEquals(DAMAGED - 1, scan.lastSequence(), "valid prefix ends before the damaged record");
    }

    @Test
    void recordsInTheWrongOrderAreCorruptionEvenThoughEachChecksumMatches() throws IOException
    {
        writeJournal(dir, RECORDS);
        final Path segment = onlySegment(dir);
        final byte[] file = Files.readAllBytes(segment);
        final int first = Math.toIntExact(recordOffset(DAMAGED));
        final int second = Math.toIntExact(recordOffset(DAMAGED + 1));
        final int end = Math.toIntExact(recordOffset(DAMAGED + 2));
        final byte[] swapped = file.clone();
        System.arraycopy(file, second, swapped, first, end - second);
        System.arraycopy(file, first, swapped, first + end - second, second - first);
        Files.write(segment, swapped);

        final JournalCorruptedException ex = assertThrows(JournalCorruptedException.class,
            () -> Journal.open(JournalConfig.defaults(dir)));
        assertEquals(first, ex.offset());
        assertTrue(ex.reason().contains("sequence " + (DAMAGED + 1) + " where " + DAMAGED + " was expected"),
            ex.reason());
    }

    @Test
    void flippedBitInANonLastSegmentIsCorruptionEvenInItsLastRecord() throws IOException
    {
        writeTinySegments(60);
        final List<Path> files = segments(dir);
        assertTrue(files.size() >= 4, "several segments");
        for (final int index : new int[] {0, files.size() - 2})
        {
            final Path segment = files.get(index);
            final List<Long> offsets = recordOffsets(segment);
            final long lastRecord = offsets.get(offsets.size() - 1);
            flipBit(segment, lastRecord + 8, 0);

            final JournalCorruptedException ex = assertThrows(JournalCorruptedException.class,
                () -> Journal.open(tiny()));
            assertEquals(segment, ex.segment(), ex.getMessage());
            assertEquals(lastRecord, ex.offset(), ex.getMessage());
            assertTrue(ex.getMessage().contains("not the last segment"), ex.getMessage());

            final ScanProblem problem = JournalScanner.scan(dir).firstProblem();
            assertEquals(segment, problem.segment());
            assertEquals(lastRecord, problem.offset());
            assertFalse(problem.tornTail());

            flipBit(segment, lastRecord + 8, 0); // repair for the next round
            assertTrue(JournalScanner.scan(dir).ok());
        }
    }

    @Test
    void replayThrowsOnARecordDamagedAfterOpen() throws IOException
    {
        writeJournal(dir, RECORDS);
        final Path segment = onlySegment(dir);
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            flipBit(segment, recordOffset(DAMAGED) + 20, 5);
            final long[] delivered = {0};
            final JournalCorruptedException ex = assertThrows(JournalCorruptedException.class,
                () -> journal.replay(0, (sequence, buffer, offset, length) -> delivered[0] = sequence));
            assertEquals(recordOffset(DAMAGED), ex.offset());
            assertTrue(ex.reason().contains("CRC mismatch"), ex.reason());
            assertEquals(DAMAGED - 1, delivered[0], "records before the damage were delivered, none after");
        }
    }

    @Test
    void corruptionInAnEarlierSegmentIsReportedEvenIfTheLastIsTorn() throws IOException
    {
        writeTinySegments(60);
        final List<Path> files = segments(dir);
        final Path first = files.get(0);
        flipBit(first, recordOffsets(first).get(0) + 16 + 0, 1);
        final Path last = files.get(files.size() - 1);
        JournalTestSupport.truncate(last, Files.size(last) - 1);
        final long tornLength = Files.size(last);

        final JournalCorruptedException ex = assertThrows(JournalCorruptedException.class, () -> Journal.open(tiny()));
        assertEquals(first, ex.segment());
        assertEquals(tornLength, Files.size(last), "nothing cut while the journal is corrupt");
        assertEquals(first, JournalScanner.scan(dir).firstProblem().segment());
    }

    private JournalConfig tiny()
    {
        return JournalTestSupport.config(dir, 256, FlushPolicy.PAGE_CACHE);
    }

    private void writeTinySegments(final long count) throws IOException
    {
        try (Journal journal = Journal.open(tiny()))
        {
            append(journal, 1, count);
        }
    }
}
