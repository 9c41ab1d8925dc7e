package io.flashgate.replay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What goes wrong with journals on a bad night, done to a copy of a real engine's data folder. Each method says
 * exactly where it struck (found by walking the documented layout in {@link Fixture}), so tests can check that the
 * tool reports that very place.
 */
final class Damage
{
    /** Where damage was done: the segment, the byte offset, and the sequence of the record hit. */
    record Hit(Path segment, long offset, long sequence)
    {
    }

    private Damage()
    {
    }

    /** A crash in the middle of writing the last record: the last segment ends 20 bytes into it. */
    static Hit tearTail(final Path dataDir) throws IOException
    {
        final List<Path> segments = Fixture.segments(dataDir);
        final Path last = segments.get(segments.size() - 1);
        final List<Long> offsets = Fixture.recordOffsets(last);
        final long offset = offsets.get(offsets.size() - 1);
        final long sequence = Fixture.sequenceAt(last, offset);
        Fixture.truncate(last, offset + 20);
        return new Hit(last, offset, sequence);
    }

    /** A flipped bit in the payload of the third record of the second segment: not the last, so corruption. */
    static Hit flipBitInMiddle(final Path dataDir) throws IOException
    {
        final List<Path> segments = Fixture.segments(dataDir);
        assertTrue(segments.size() >= 4, "the workload spans several segments: " + segments);
        final Path segment = segments.get(1);
        final long offset = Fixture.recordOffsets(segment).get(2);
        final long sequence = Fixture.sequenceAt(segment, offset);
        Fixture.flipBit(segment, offset + Fixture.RECORD_HEADER + 5, 3);
        return new Hit(segment, offset, sequence);
    }

    /** The third segment is gone (deleted by hand, lost in a copy): returns it, with its first sequence. */
    static Hit removeSegment(final Path dataDir) throws IOException
    {
        final Path segment = Fixture.segments(dataDir).get(2);
        Files.delete(segment);
        return new Hit(segment, 0, Fixture.firstSequenceInName(segment));
    }

    /** A flipped bit in the payload of the only snapshot: its CRC no longer matches. */
    static Path corruptSnapshot(final Path dataDir) throws IOException
    {
        final List<Path> snapshots = Fixture.snapshots(dataDir);
        assertTrue(snapshots.size() == 1, "one snapshot: " + snapshots);
        Fixture.flipBit(snapshots.get(0), 40, 0);
        return snapshots.get(0);
    }

    /** Writes {@code version} into the format-version field of a segment's header. */
    static void setFormatVersion(final Path segment, final int version) throws IOException
    {
        Fixture.overwrite(segment, 4, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, version).array());
    }

    /**
     * Changes one payload byte of the record at {@code offset} and writes a matching CRC32C, so the record is valid
     * but different: what a standby that journaled something else would hold.
     */
    static void rewriteRecord(final Path segment, final long offset) throws IOException
    {
        final byte[] file = Files.readAllBytes(segment);
        final ByteBuffer buffer = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        final int at = Math.toIntExact(offset);
        final int length = buffer.getInt(at);
        file[at + Fixture.RECORD_HEADER + length - 1] ^= 1;
        final CRC32C crc = new CRC32C();
        crc.update(file, at + 8, 8 + length);
        buffer.putInt(at + 4, (int)crc.getValue());
        Files.write(segment, file);
    }
}
