package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.append;
import static io.flashgate.journal.JournalTestSupport.assertRecords;
import static io.flashgate.journal.JournalTestSupport.firstSequenceInName;
import static io.flashgate.journal.JournalTestSupport.recordOffsets;
import static io.flashgate.journal.JournalTestSupport.replay;
import static io.flashgate.journal.JournalTestSupport.segments;
import static io.flashgate.journal.JournalTestSupport.sequenceAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SegmentRollTest
{
    private static final long SEGMENT_SIZE = 256;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(FlushPolicy.class)
    void smallSegmentsRollIntoFilesNamedByTheirFirstSequence(final FlushPolicy policy) throws IOException
    {
        try (Journal journal = Journal.open(config(policy)))
        {
            append(journal, 1, 200);
        }

        final List<Path> files = segments(dir);
        assertTrue(files.size() > 10, files.size() + " segments");
        long expectedFirst = 1;
        for (final Path file : files)
        {
            final List<Long> offsets = recordOffsets(file);
            final long first = sequenceAt(file, offsets.get(0));
            assertEquals(expectedFirst, first, "contiguous across " + file.getFileName());
            assertEquals(first, firstSequenceInName(file), "named by its first record");
            assertEquals(first, ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getLong(8),
                "header holds the first sequence");
            assertTrue(Files.size(file) <= SEGMENT_SIZE || offsets.size() == 1, file + " within the segment size");
            final boolean last = file.equals(files.get(files.size() - 1));
            if (!last)
            {
                final long nextRecordLength = 16 + JournalTestSupport.payloadLength(first + offsets.size());
                assertTrue(Files.size(file) + nextRecordLength > SEGMENT_SIZE, file + " rolled only when full");
            }
            expectedFirst = first + offsets.size();
        }
        assertEquals(201, expectedFirst);

        try (Journal journal = Journal.open(config(policy)))
        {
            assertEquals(files.size(), journal.recoveryReport().segmentsScanned());
            assertRecords(replay(journal, 0), 1, 200);
            final long secondSegmentStart = firstSequenceInName(files.get(1));
            assertRecords(replay(journal, secondSegmentStart - 1), secondSegmentStart, 200);
            assertRecords(replay(journal, secondSegmentStart + 1), secondSegmentStart + 2, 200);
            append(journal, 201, 260);
        }
        try (Journal journal = Journal.open(config(policy)))
        {
            assertTrue(segments(dir).size() > files.size(), "appending after reopen keeps rolling");
            assertRecords(replay(journal, 0), 1, 260);
        }
    }

    @Test
    void recordLargerThanASegmentGetsASegmentOfItsOwn() throws IOException
    {
        try (Journal journal = Journal.open(config(FlushPolicy.PAGE_CACHE)))
        {
            append(journal, 1, 3);
            journal.append(4, new org.agrona.concurrent.UnsafeBuffer(new byte[1000]), 0, 1000);
            append(journal, 5, 6);
        }
        assertTrue(Files.exists(dir.resolve("journal-00000000000000000004.seg")));
        assertTrue(Files.exists(dir.resolve("journal-00000000000000000005.seg")));
        try (Journal journal = Journal.open(config(FlushPolicy.PAGE_CACHE)))
        {
            assertEquals(6, journal.lastSequence());
            assertEquals(6, replay(journal, 0).size());
        }
    }

    @Test
    void deletedMiddleSegmentIsAGap() throws IOException
    {
        try (Journal journal = Journal.open(config(FlushPolicy.PAGE_CACHE)))
        {
            append(journal, 1, 200);
        }
        final List<Path> files = segments(dir);
        final Path deleted = files.get(files.size() / 2);
        final Path following = files.get(files.size() / 2 + 1);
        Files.delete(deleted);

        final JournalCorruptedException ex = assertThrows(JournalCorruptedException.class,
            () -> Journal.open(config(FlushPolicy.PAGE_CACHE)));
        assertEquals(following, ex.segment());
        assertEquals(0, ex.offset());
        assertTrue(ex.getMessage().contains("gap"), ex.getMessage());
        assertTrue(ex.getMessage().contains(firstSequenceInName(deleted) + ".." + (firstSequenceInName(following) - 1)),
            ex.getMessage());
        assertEquals(files.size() - 1, segments(dir).size(), "nothing removed");

        final ScanResult scan = JournalScanner.scan(dir);
        assertFalse(scan.recoverable());
        assertEquals(following, scan.firstProblem().segment());
        assertEquals(firstSequenceInName(deleted) - 1, scan.lastSequence(), "valid prefix stops at the gap");
    }

    private JournalConfig config(final FlushPolicy policy)
    {
        return JournalTestSupport.config(dir, SEGMENT_SIZE, policy);
    }
}
