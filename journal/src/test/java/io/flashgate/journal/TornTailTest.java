package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.append;
import static io.flashgate.journal.JournalTestSupport.assertRecords;
import static io.flashgate.journal.JournalTestSupport.copyDirectory;
import static io.flashgate.journal.JournalTestSupport.firstSequenceInName;
import static io.flashgate.journal.JournalTestSupport.onlySegment;
import static io.flashgate.journal.JournalTestSupport.overwrite;
import static io.flashgate.journal.JournalTestSupport.payloadLength;
import static io.flashgate.journal.JournalTestSupport.recordOffset;
import static io.flashgate.journal.JournalTestSupport.replay;
import static io.flashgate.journal.JournalTestSupport.segments;
import static io.flashgate.journal.JournalTestSupport.truncate;
import static io.flashgate.journal.JournalTestSupport.writeJournal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TornTailTest
{
    private static final int RECORDS = 50;

    @TempDir
    Path dir;

    @Test
    void cutAtEveryByteOfTheLastThreeRecordsKeepsExactlyTheWholeRecordsBeforeIt() throws IOException
    {
        final Path original = dir.resolve("original");
        writeJournal(original, RECORDS);
        final long firstCut = recordOffset(RECORDS - 2);
        final long endOfFile = recordOffset(RECORDS + 1);
        assertEquals(endOfFile, Files.size(onlySegment(original)));

        for (long cut = firstCut; cut < endOfFile; cut++)
        {
            final Path copy = dir.resolve("cut-" + cut);
            copyDirectory(original, copy);
            final Path segment = onlySegment(copy);
            truncate(segment, cut);
            final long whole = wholeRecordsBefore(cut);
            final long boundary = recordOffset(whole + 1);
            final String at = "cut at " + cut;

            try (Journal journal = Journal.open(JournalConfig.defaults(copy)))
            {
                final RecoveryReport report = journal.recoveryReport();
                assertEquals(whole, journal.lastSequence(), at);
                assertEquals(whole, report.lastSequence(), at);
                assertEquals(whole, report.recordsFound(), at);
                if (cut == boundary)
                {
                    assertFalse(report.cutTail(), at + ": " + report.describe());
                    assertEquals(0, report.bytesCut(), at);
                }
                else
                {
                    assertTrue(report.cutTail(), at + ": " + report.describe());
                    assertEquals(segment, report.tornSegment(), at);
                    assertEquals(boundary, report.tornOffset(), at);
                    assertEquals(cut - boundary, report.bytesCut(), at);
                    assertTrue(report.describe().contains("offset " + boundary), report.describe());
                }
                assertEquals(boundary, Files.size(segment), at + ": file cut back to the last whole record");
                assertRecords(replay(journal, 0), 1, whole);
                append(journal, whole + 1, whole + 3);
            }
            try (Journal journal = Journal.open(JournalConfig.defaults(copy)))
            {
                assertFalse(journal.recoveryReport().cutTail(), at + ": " + journal.recoveryReport().describe());
                assertRecords(replay(journal, 0), 1, whole + 3);
            }
        }
    }

    @Test
    void lastRecordWithItsPayloadZeroedIsCut() throws IOException
    {
        writeJournal(dir, RECORDS);
        final Path segment = onlySegment(dir);
        overwrite(segment, recordOffset(RECORDS) + 16, new byte[payloadLength(RECORDS)]);

        assertTailCut(segment, recordOffset(RECORDS), 16 + payloadLength(RECORDS), RECORDS - 1);
    }

    @Test
    void lastRecordOverwrittenWithRandomBytesIsCut() throws IOException
    {
        writeJournal(dir, RECORDS);
        final Path segment = onlySegment(dir);
        final byte[] garbage = new byte[16 + payloadLength(RECORDS)];
        new Random(7).nextBytes(garbage);
        overwrite(segment, recordOffset(RECORDS), garbage);

        assertTailCut(segment, recordOffset(RECORDS), garbage.length, RECORDS - 1);
    }

    @Test
    void zeroesAfterTheLastRecordAreCut() throws IOException
    {
        writeJournal(dir, RECORDS);
        final Path segment = onlySegment(dir);
        Files.write(segment, new byte[4096], StandardOpenOption.APPEND);

        assertTailCut(segment, recordOffset(RECORDS + 1), 4096, RECORDS);
    }

    @Test
    void randomBytesAfterTheLastRecordAreCut() throws IOException
    {
        writeJournal(dir, RECORDS);
        final Path segment = onlySegment(dir);
        final byte[] garbage = new byte[1000];
        new Random(11).nextBytes(garbage);
        Files.write(segment, garbage, StandardOpenOption.APPEND);

        assertTailCut(segment, recordOffset(RECORDS + 1), garbage.length, RECORDS);
    }

    /** A complete, checksummed but stale record (sequence not above the last good one) cannot be a lost write. */
    @Test
    void staleCopyOfAnOlderRecordAtTheEndIsCut() throws IOException
    {
        writeJournal(dir, RECORDS);
        final Path segment = onlySegment(dir);
        final byte[] file = Files.readAllBytes(segment);
        final int from = Math.toIntExact(recordOffset(10));
        final int to = Math.toIntExact(recordOffset(11));
        Files.write(segment, java.util.Arrays.copyOfRange(file, from, to), StandardOpenOption.APPEND);

        assertTailCut(segment, recordOffset(RECORDS + 1), to - from, RECORDS);
    }

    @Test
    void lastSegmentWithAPartialHeaderIsRemovedAndAppendingContinues() throws IOException
    {
        final Path original = dir.resolve("original");
        writeTinySegments(original, 40);

        for (int kept = 0; kept < 16; kept++)
        {
            final Path copy = dir.resolve("header-" + kept);
            copyDirectory(original, copy);
            final List<Path> before = segments(copy);
            final Path last = before.get(before.size() - 1);
            final long lastFirstSequence = firstSequenceInName(last);
            truncate(last, kept);

            try (Journal journal = Journal.open(tiny(copy)))
            {
                final RecoveryReport report = journal.recoveryReport();
                assertTrue(report.cutTail(), report.describe());
                assertEquals(last, report.tornSegment());
                assertEquals(0, report.tornOffset());
                assertEquals(kept, report.bytesCut());
                assertFalse(Files.exists(last), "torn segment removed");
                assertEquals(lastFirstSequence - 1, journal.lastSequence());
                assertRecords(replay(journal, 0), 1, lastFirstSequence - 1);
                append(journal, lastFirstSequence, 50);
            }
            try (Journal journal = Journal.open(tiny(copy)))
            {
                assertFalse(journal.recoveryReport().cutTail());
                assertRecords(replay(journal, 0), 1, 50);
            }
        }
    }

    @Test
    void lastSegmentWithOnlyAHeaderIsDroppedWithoutReportingACut() throws IOException
    {
        writeTinySegments(dir, 40);
        final List<Path> before = segments(dir);
        final Path last = before.get(before.size() - 1);
        final long lastFirstSequence = firstSequenceInName(last);
        truncate(last, 16);

        try (Journal journal = Journal.open(tiny(dir)))
        {
            assertFalse(journal.recoveryReport().cutTail());
            assertEquals(lastFirstSequence - 1, journal.lastSequence());
            append(journal, lastFirstSequence, 45);
        }
        try (Journal journal = Journal.open(tiny(dir)))
        {
            assertRecords(replay(journal, 0), 1, 45);
        }
    }

    private void assertTailCut(final Path segment, final long offset, final long bytesCut, final long lastSequence)
        throws IOException
    {
        final ScanProblem problem = JournalScanner.scan(dir).firstProblem();
        assertTrue(problem != null && problem.tornTail(), "scanner calls it a torn tail: " + problem);

        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertTrue(report.cutTail(), report.describe());
            assertEquals(segment, report.tornSegment());
            assertEquals(offset, report.tornOffset());
            assertEquals(bytesCut, report.bytesCut());
            assertEquals(offset, Files.size(segment));
            assertEquals(lastSequence, journal.lastSequence());
            assertRecords(replay(journal, 0), 1, lastSequence);
            append(journal, lastSequence + 1, lastSequence + 5);
        }
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            assertNull(journal.recoveryReport().tornSegment());
            assertRecords(replay(journal, 0), 1, lastSequence + 5);
        }
    }

    private static long wholeRecordsBefore(final long cut)
    {
        long whole = 0;
        while (recordOffset(whole + 2) <= cut)
        {
            whole++;
        }
        return whole;
    }

    private static JournalConfig tiny(final Path directory)
    {
        return JournalTestSupport.config(directory, 200, FlushPolicy.PAGE_CACHE);
    }

    private static void writeTinySegments(final Path directory, final long count) throws IOException
    {
        try (Journal journal = Journal.open(tiny(directory)))
        {
            append(journal, 1, count);
        }
        assertTrue(segments(directory).size() > 3, "several segments");
    }
}
