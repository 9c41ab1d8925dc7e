package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.onlySegment;
import static io.flashgate.journal.JournalTestSupport.overwrite;
import static io.flashgate.journal.JournalTestSupport.writeJournal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadHeaderTest
{
    @TempDir
    Path dir;

    @Test
    void wrongMagicSaysItIsNotAFlashgateJournal() throws IOException
    {
        writeJournal(dir, 20);
        final Path segment = onlySegment(dir);
        overwrite(segment, 0, "XJRN".getBytes(StandardCharsets.US_ASCII));

        final JournalCorruptedException ex = assertOpenFails(segment);
        assertTrue(ex.getMessage().contains("not a Flashgate journal"), ex.getMessage());
    }

    @Test
    void wrongVersionSaysWhichVersionIsUnsupported() throws IOException
    {
        writeJournal(dir, 20);
        final Path segment = onlySegment(dir);
        overwrite(segment, 4, littleEndianInt(2));

        final JournalCorruptedException ex = assertOpenFails(segment);
        assertTrue(ex.getMessage().contains("unsupported format version 2"), ex.getMessage());
    }

    @Test
    void headerDisagreeingWithTheFileNameIsCorruption() throws IOException
    {
        writeJournal(dir, 20);
        final Path segment = onlySegment(dir);
        overwrite(segment, 8, new byte[] {5});

        final JournalCorruptedException ex = assertOpenFails(segment);
        assertTrue(ex.getMessage().contains("file name"), ex.getMessage());
    }

    private JournalCorruptedException assertOpenFails(final Path segment) throws IOException
    {
        final byte[] before = Files.readAllBytes(segment);
        final JournalCorruptedException ex = assertThrows(JournalCorruptedException.class,
            () -> Journal.open(JournalConfig.defaults(dir)));
        assertEquals(segment, ex.segment());
        assertEquals(0, ex.offset());
        assertArrayEquals(before, Files.readAllBytes(segment), "left as it was");
        final ScanProblem problem = JournalScanner.scan(dir).firstProblem();
        assertEquals(0, problem.offset());
        assertEquals(false, problem.tornTail());
        return ex;
    }

    private static byte[] littleEndianInt(final int value)
    {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }
}
