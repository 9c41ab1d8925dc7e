package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.append;
import static io.flashgate.journal.JournalTestSupport.firstSequenceInName;
import static io.flashgate.journal.JournalTestSupport.onlySegment;
import static io.flashgate.journal.JournalTestSupport.recordOffset;
import static io.flashgate.journal.JournalTestSupport.segments;
import static io.flashgate.journal.JournalTestSupport.truncate;
import static io.flashgate.journal.JournalTestSupport.writeJournal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalScannerTest
{
    @TempDir
    Path dir;

    @Test
    void cleanJournalIsDescribedSegmentBySegment() throws IOException
    {
        try (Journal journal = Journal.open(JournalTestSupport.config(dir, 300, FlushPolicy.PAGE_CACHE)))
        {
            append(journal, 1, 100);
        }
        Files.writeString(dir.resolve("notes.txt"), "not a segment");
        final List<Path> files = segments(dir);

        final ScanResult scan = JournalScanner.scan(dir);
        assertTrue(scan.ok());
        assertTrue(scan.recoverable());
        assertNull(scan.firstProblem());
        assertEquals(1, scan.firstSequence());
        assertEquals(100, scan.lastSequence());
        assertEquals(100, scan.records());
        assertEquals(files.size(), scan.segments().size());

        long next = 1;
        for (int i = 0; i < files.size(); i++)
        {
            final SegmentScan segment = scan.segments().get(i);
            assertEquals(files.get(i), segment.path());
            assertEquals(next, segment.firstSequence());
            assertEquals(firstSequenceInName(files.get(i)), segment.firstSequence());
            assertEquals(segment.lastSequence() - segment.firstSequence() + 1, segment.records());
            assertEquals(Files.size(files.get(i)), segment.fileLength());
            assertEquals(segment.fileLength(), segment.validBytes());
            assertEquals(-1, segment.firstBadOffset());
            assertNull(segment.problem());
            assertTrue(segment.ok());
            next = segment.lastSequence() + 1;
        }
        assertEquals(101, next);
    }

    @Test
    void tornTailIsReportedAsRecoverableAndLeftInPlace() throws IOException
    {
        writeJournal(dir, 30);
        final Path segment = onlySegment(dir);
        final long cut = recordOffset(30) + 5;
        truncate(segment, cut);
        final byte[] before = Files.readAllBytes(segment);

        final ScanResult scan = JournalScanner.scan(dir);
        assertFalse(scan.ok());
        assertTrue(scan.recoverable());
        assertEquals(29, scan.lastSequence());
        final SegmentScan result = scan.segments().get(0);
        assertTrue(result.tornTail());
        assertEquals(recordOffset(30), result.firstBadOffset());
        assertEquals(recordOffset(30), result.validBytes());
        assertEquals(cut, result.fileLength());
        assertTrue(result.problem().contains("torn tail"), result.problem());
        assertEquals(recordOffset(30), scan.firstProblem().offset());
        assertTrue(scan.firstProblem().describe().startsWith("torn tail in " + segment), scan.firstProblem().describe());
        assertArrayEquals(before, Files.readAllBytes(segment), "the scanner never changes a file");
    }

    @Test
    void emptyFolderIsAnEmptyJournalAndAMissingOneIsAnError() throws IOException
    {
        final ScanResult scan = JournalScanner.scan(dir);
        assertTrue(scan.ok());
        assertEquals(0, scan.lastSequence());
        assertEquals(List.of(), scan.segments());
        assertThrows(NoSuchFileException.class, () -> JournalScanner.scan(dir.resolve("missing")));
    }
}
