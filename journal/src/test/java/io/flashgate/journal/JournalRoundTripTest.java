package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.append;
import static io.flashgate.journal.JournalTestSupport.assertRecords;
import static io.flashgate.journal.JournalTestSupport.replay;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalRoundTripTest
{
    @TempDir
    Path dir;

    @Test
    void reopenedJournalReplaysExactlyTheRecordsAppendedAndContinuesAfterThem() throws IOException
    {
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            append(journal, 1, 5_000);
            journal.flush();
        }

        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            assertEquals(1, journal.firstSequence());
            assertEquals(5_000, journal.lastSequence());
            assertEquals(5_000, journal.durableSequence());
            assertFalse(journal.recoveryReport().cutTail(), journal.recoveryReport().describe());
            assertEquals(5_000, journal.recoveryReport().recordsFound());
            assertRecords(replay(journal, 0), 1, 5_000);

            append(journal, 5_001, 5_100);
            journal.flush();
            assertRecords(replay(journal, 0), 1, 5_100);
        }

        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            assertEquals(5_100, journal.lastSequence());
            assertRecords(replay(journal, 0), 1, 5_100);
        }
    }

    @Test
    void payloadsOfEveryLengthFromEmptyToMaxRoundTripByteForByte() throws IOException
    {
        final int[] lengths = {0, 1, 7, 8, 9, 63, 64, 65, 4096, Journal.MAX_PAYLOAD - 1, Journal.MAX_PAYLOAD, 0, 3};
        final Random random = new Random(42);
        final byte[][] payloads = new byte[lengths.length][];
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            for (int i = 0; i < lengths.length; i++)
            {
                payloads[i] = new byte[lengths[i]];
                random.nextBytes(payloads[i]);
                journal.append(i + 1, new UnsafeBuffer(payloads[i]), 0, lengths[i]);
            }
        }
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            final List<JournalTestSupport.Replayed> replayed = replay(journal, 0);
            assertEquals(lengths.length, replayed.size());
            for (int i = 0; i < lengths.length; i++)
            {
                assertEquals(i + 1, replayed.get(i).sequence());
                assertArrayEquals(payloads[i], replayed.get(i).payload(), "payload " + (i + 1));
            }
        }
    }

    @Test
    void replayAfterASequenceDeliversOnlyLaterRecords() throws IOException
    {
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            append(journal, 1, 300);
            journal.flush();
            assertRecords(replay(journal, 120), 121, 300);
            assertEquals(0, replay(journal, 300).size());
            assertEquals(0, replay(journal, 1_000).size());
        }
    }

    @Test
    void firstRecordOfAnEmptyJournalMayCarryAnySequenceFromOne() throws IOException
    {
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            append(journal, 1_000, 1_009);
            assertEquals(1_000, journal.firstSequence());
            assertEquals(1_009, journal.lastSequence());
        }
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            assertEquals(1_000, journal.firstSequence());
            assertRecords(replay(journal, 0), 1_000, 1_009);
            assertTrue(Files.exists(dir.resolve("journal-00000000000000001000.seg")));
        }
    }

    @Test
    void openCreatesTheFolderAndAnEmptyJournalReportsZero() throws IOException
    {
        final Path nested = dir.resolve("a/b/journal");
        try (Journal journal = Journal.open(JournalConfig.defaults(nested)))
        {
            assertTrue(Files.isDirectory(nested));
            assertEquals(0, journal.firstSequence());
            assertEquals(0, journal.lastSequence());
            assertEquals(0, journal.durableSequence());
            assertEquals(0, journal.replay(0, (s, b, o, l) -> { }));
            assertEquals(0, journal.recoveryReport().segmentsScanned());
        }
    }

    @Test
    void segmentFileHasTheDocumentedLayout() throws IOException
    {
        final byte[] payload = {10, 20, 30};
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            journal.append(7, new UnsafeBuffer(payload), 0, payload.length);
        }
        final Path segment = dir.resolve("journal-00000000000000000007.seg");
        final java.nio.ByteBuffer file = java.nio.ByteBuffer.wrap(Files.readAllBytes(segment))
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(16 + 16 + 3, file.capacity());
        assertEquals("FJRN", new String(Files.readAllBytes(segment), 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0x4E524A46, file.getInt(0));
        assertEquals(1, file.getInt(4));
        assertEquals(7, file.getLong(8));
        assertEquals(3, file.getInt(16));
        assertEquals(7, file.getLong(24));
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(Files.readAllBytes(segment), 24, 8 + 3);
        assertEquals((int)crc.getValue(), file.getInt(20), "CRC32C over sequence and payload");
        assertEquals(30, file.get(34));
    }
}
