package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.append;
import static io.flashgate.journal.JournalTestSupport.assertRecords;
import static io.flashgate.journal.JournalTestSupport.recordOffset;
import static io.flashgate.journal.JournalTestSupport.segments;
import static io.flashgate.journal.JournalTestSupport.writeJournal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The read-only reader: the valid prefix, no file touched, no lock taken. */
@Timeout(60)
class JournalReaderTest
{
    @TempDir
    Path dir;

    @Test
    void readsACleanJournalAndRanges() throws IOException
    {
        try (Journal journal = Journal.open(JournalTestSupport.config(dir, 300, FlushPolicy.PAGE_CACHE)))
        {
            append(journal, 1, 100);
        }
        final JournalReader reader = JournalReader.open(dir);
        assertTrue(reader.scan().ok());
        assertEquals(1, reader.firstSequence());
        assertEquals(100, reader.lastSequence());
        assertEquals(100, reader.records());
        assertRecords(read(reader, 0, Long.MAX_VALUE), 1, 100);
        assertRecords(read(reader, 41, 57), 42, 57);
        assertRecords(read(reader, 99, 500), 100, 100);
        assertEquals(0, reader.replay(100, (s, b, o, l) -> { }));
    }

    @Test
    void tornTailIsLeftInPlaceAndOnlyThePrefixIsRead() throws IOException
    {
        writeJournal(dir, 30);
        final Path segment = JournalTestSupport.onlySegment(dir);
        JournalTestSupport.truncate(segment, recordOffset(30) + 5);
        final Map<Path, byte[]> before = snapshotFiles();

        final JournalReader reader = JournalReader.open(dir);
        assertTrue(reader.scan().firstProblem().tornTail());
        assertEquals(29, reader.lastSequence());
        assertRecords(read(reader, 0, Long.MAX_VALUE), 1, 29);
        assertUnchanged(before);
    }

    @Test
    void corruptionMidFileStopsThePrefixBeforeIt() throws IOException
    {
        writeJournal(dir, 50);
        final Path segment = JournalTestSupport.onlySegment(dir);
        JournalTestSupport.flipBit(segment, recordOffset(20) + 17, 3);
        final Map<Path, byte[]> before = snapshotFiles();

        final JournalReader reader = JournalReader.open(dir);
        assertFalse(reader.scan().recoverable());
        assertEquals(recordOffset(20), reader.scan().firstProblem().offset());
        assertEquals(19, reader.lastSequence());
        assertRecords(read(reader, 0, Long.MAX_VALUE), 1, 19);
        assertUnchanged(before);
    }

    @Test
    void missingSegmentEndsThePrefixAtTheGap() throws IOException
    {
        try (Journal journal = Journal.open(JournalTestSupport.config(dir, 300, FlushPolicy.PAGE_CACHE)))
        {
            append(journal, 1, 100);
        }
        final List<Path> files = segments(dir);
        assertTrue(files.size() >= 4, "several segments");
        Files.delete(files.get(2));
        final long lastBeforeGap = JournalTestSupport.firstSequenceInName(files.get(2)) - 1;

        final JournalReader reader = JournalReader.open(dir);
        assertFalse(reader.scan().recoverable());
        assertEquals(lastBeforeGap, reader.lastSequence());
        assertRecords(read(reader, 0, Long.MAX_VALUE), 1, lastBeforeGap);
    }

    @Test
    void worksWhileAnEngineHoldsTheLockAndTakesNoLock() throws IOException
    {
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            append(journal, 1, 40);
            journal.flush();
            final JournalReader reader = JournalReader.open(dir);
            assertRecords(read(reader, 0, Long.MAX_VALUE), 1, 40);
            append(journal, 41, 45);
            journal.flush();
            assertEquals(40, reader.lastSequence(), "a moment's view");
            assertEquals(45, JournalReader.open(dir).lastSequence());
        }
    }

    @Test
    void missingFolderIsNoSuchFile()
    {
        assertThrows(NoSuchFileException.class, () -> JournalReader.open(dir.resolve("absent")));
    }

    private static List<JournalTestSupport.Replayed> read(final JournalReader reader, final long after, final long upTo)
    {
        final List<JournalTestSupport.Replayed> records = new ArrayList<>();
        final long count = reader.replay(after, upTo, (sequence, buffer, offset, length) ->
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            records.add(new JournalTestSupport.Replayed(sequence, copy));
        });
        assertEquals(records.size(), count);
        return records;
    }

    private Map<Path, byte[]> snapshotFiles() throws IOException
    {
        final Map<Path, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(dir))
        {
            for (final Path file : list.sorted().toList())
            {
                files.put(file, Files.readAllBytes(file));
            }
        }
        return files;
    }

    private void assertUnchanged(final Map<Path, byte[]> before) throws IOException
    {
        final Map<Path, byte[]> after = snapshotFiles();
        assertEquals(before.keySet(), after.keySet(), "same files");
        for (final Map.Entry<Path, byte[]> file : before.entrySet())
        {
            assertArrayEquals(file.getValue(), after.get(file.getKey()), file.getKey() + " unchanged");
        }
    }
}
