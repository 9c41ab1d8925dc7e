package io.flashgate.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Deterministic records and file surgery shared by the journal tests. Record offsets are computed here from
 * the documented format, not taken from the code under test.
 */
final class JournalTestSupport
{
    static final int SEGMENT_HEADER = 16;
    static final int RECORD_HEADER = 16;

    /** A record as replay handed it over, payload copied out. */
    record Replayed(long sequence, byte[] payload)
    {
    }

    private JournalTestSupport()
    {
    }

    /** Payload lengths vary from 0 to 60 bytes with the sequence. */
    static int payloadLength(final long sequence)
    {
        return (int)(sequence * 7 % 61);
    }

    static byte[] payload(final long sequence)
    {
        final byte[] bytes = new byte[payloadLength(sequence)];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(sequence * 31 + i * 7);
        }
        return bytes;
    }

    /** Appends records {@code from..to} (inclusive) with {@link #payload} contents, placed at an offset in the buffer. */
    static void append(final Journal journal, final long from, final long to)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[3 + 64]);
        for (long sequence = from; sequence <= to; sequence++)
        {
            final byte[] payload = payload(sequence);
            buffer.putBytes(3, payload);
            journal.append(sequence, buffer, 3, payload.length);
        }
    }

    static List<Replayed> replay(final Journal journal, final long afterSequence)
    {
        final List<Replayed> records = new ArrayList<>();
        final long count = journal.replay(afterSequence, (sequence, buffer, offset, length) ->
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            records.add(new Replayed(sequence, copy));
        });
        assertEquals(records.size(), count, "replay's count");
        return records;
    }

    /** Asserts the replayed records are exactly {@code from..to} with the expected payloads. */
    static void assertRecords(final List<Replayed> records, final long from, final long to)
    {
        assertEquals(to - from + 1, records.size(), "number of records");
        for (int i = 0; i < records.size(); i++)
        {
            final long sequence = from + i;
            assertEquals(sequence, records.get(i).sequence(), "sequence at index " + i);
            assertArrayEquals(payload(sequence), records.get(i).payload(), "payload of sequence " + sequence);
        }
    }

    static JournalConfig config(final Path directory, final long segmentSize, final FlushPolicy policy)
    {
        return new JournalConfig(directory, segmentSize, JournalConfig.DEFAULT_BATCH_BUFFER_BYTES, policy);
    }

    /** Writes records {@code 1..count} into a fresh journal with default settings and closes it. */
    static void writeJournal(final Path directory, final long count) throws IOException
    {
        try (Journal journal = Journal.open(JournalConfig.defaults(directory)))
        {
            append(journal, 1, count);
        }
    }

    /** Offset of record {@code sequence} in a single-segment journal that starts at sequence 1. */
    static long recordOffset(final long sequence)
    {
        long offset = SEGMENT_HEADER;
        for (long s = 1; s < sequence; s++)
        {
            offset += RECORD_HEADER + payloadLength(s);
        }
        return offset;
    }

    static List<Path> segments(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    static Path onlySegment(final Path directory) throws IOException
    {
        final List<Path> segments = segments(directory);
        assertEquals(1, segments.size(), "segments in " + directory);
        return segments.get(0);
    }

    static void copyDirectory(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path file : files.toList())
            {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    static void truncate(final Path file, final long length)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(length);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static void flipBit(final Path file, final long offset, final int bit) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        bytes[Math.toIntExact(offset)] ^= (byte)(1 << bit);
        Files.write(file, bytes);
    }

    static void overwrite(final Path file, final long offset, final byte[] data) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(data), offset);
        }
    }

    /** Offsets of the records in a segment file, found by walking the length fields (no checks). */
    static List<Long> recordOffsets(final Path segment) throws IOException
    {
        final ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
        final List<Long> offsets = new ArrayList<>();
        for (int offset = SEGMENT_HEADER; offset < file.capacity(); offset += RECORD_HEADER + file.getInt(offset))
        {
            offsets.add((long)offset);
        }
        return offsets;
    }

    /** Sequence of the record at {@code offset} of a segment file. */
    static long sequenceAt(final Path segment, final long offset) throws IOException
    {
        return ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN)
            .getLong(Math.toIntExact(offset) + 8);
    }

    static long firstSequenceInName(final Path segment)
    {
        final String name = segment.getFileName().toString();
        return Long.parseLong(name.substring("journal-".length(), name.length() - ".seg".length()));
    }
}
