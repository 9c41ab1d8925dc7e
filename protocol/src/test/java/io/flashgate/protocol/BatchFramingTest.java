package io.flashgate.protocol;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The framing of a message that carries many commands or events: what is written is read back, frame by frame. */
class BatchFramingTest
{
    @Property(tries = 500)
    void everyFrameWrittenIsReadBackInOrderAndWhatDoesNotFitIsRefused(
        @ForAll @Size(max = 80) final List<@IntRange(min = 1, max = 300) Integer> lengths,
        @ForAll @IntRange(min = 5, max = 4096) final int capacity)
    {
        final BatchWriter writer = new BatchWriter(new UnsafeBuffer(new byte[4096]), capacity);
        final List<byte[]> written = new ArrayList<>();
        final List<byte[]> refused = new ArrayList<>();
        for (int i = 0; i < lengths.size(); i++)
        {
            final byte[] frame = frame(i, lengths.get(i));
            final boolean fitted = writer.fits(frame.length);
            assertEquals(fitted, writer.append(new UnsafeBuffer(frame), 0, frame.length));
            (fitted ? written : refused).add(frame);
        }
        assertEquals(written.size(), writer.count());
        assertEquals(written.stream().mapToInt(f -> f.length + WireFormat.FRAME_HEADER_LENGTH).sum(), writer.length());
        assertTrue(writer.length() <= capacity);

        final BatchReader reader = new BatchReader().wrap(writer.buffer(), 0, writer.length());
        assertEquals(written.isEmpty() ? -1 : written.size(), written.isEmpty() ? -1 : reader.remainingFrames());
        final List<byte[]> read = new ArrayList<>();
        while (reader.next())
        {
            final byte[] frame = new byte[reader.frameLength()];
            writer.buffer().getBytes(reader.frameOffset(), frame);
            read.add(frame);
        }
        assertEquals(written.size(), read.size());
        for (int i = 0; i < read.size(); i++)
        {
            assertArrayEquals(written.get(i), read.get(i));
        }
        assertEquals(written.isEmpty(), reader.isTorn(), "an empty message is torn, a full one is not");
    }

    @Property(tries = 300)
    void aMessageCutAnywhereYieldsOnlyWholeFramesAndTheNextMessageReadsWhole(
        @ForAll @Size(min = 1, max = 30) final List<@IntRange(min = 1, max = 200) Integer> lengths,
        @ForAll @IntRange(min = 0, max = 100) final int cutPercent)
    {
        final BatchWriter writer = new BatchWriter(new UnsafeBuffer(new byte[8192]), 8192);
        final int[] ends = new int[lengths.size()];
        for (int i = 0; i < lengths.size(); i++)
        {
            final byte[] frame = frame(i, lengths.get(i));
            assertTrue(writer.append(new UnsafeBuffer(frame), 0, frame.length));
            ends[i] = writer.length();
        }
        final int cut = writer.length() * cutPercent / 100;
        final int wholeFrames = (int)Arrays.stream(ends).filter(end -> end <= cut).count();
        final boolean cutOnABoundary = cut == 0 || Arrays.stream(ends).anyMatch(end -> end == cut);

        final BatchReader reader = new BatchReader().wrap(writer.buffer(), 0, cut);
        assertEquals(cutOnABoundary && cut > 0 ? wholeFrames : -1, reader.remainingFrames());
        int read = 0;
        while (reader.next())
        {
            assertEquals((byte)read, writer.buffer().getByte(reader.frameOffset()), "frame " + read + " intact");
            read++;
        }
        assertEquals(wholeFrames, read);
        assertEquals(!cutOnABoundary || cut == 0, reader.isTorn());

        reader.wrap(writer.buffer(), 0, writer.length());
        int again = 0;
        while (reader.next())
        {
            again++;
        }
        assertEquals(lengths.size(), again);
        assertFalse(reader.isTorn());
    }

    @Test
    void aLengthPrefixThatIsNegativeZeroOrTooLongIsTorn()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        for (final int bad : new int[] {-1, 0, 57, Integer.MAX_VALUE, Integer.MIN_VALUE})
        {
            buffer.putInt(0, bad);
            final BatchReader reader = new BatchReader().wrap(buffer, 0, 60);
            assertFalse(reader.next(), "length " + bad);
            assertTrue(reader.isTorn());
            assertEquals(-1, reader.wrap(buffer, 0, 60).remainingFrames());
        }
        buffer.putInt(0, 56);
        assertTrue(new BatchReader().wrap(buffer, 0, 60).next(), "a frame that ends exactly at the end is whole");
        assertFalse(new BatchReader().wrap(buffer, 0, 3).next(), "three bytes cannot hold a length");
    }

    @Test
    void anEmptyFrameIsNeverWritten()
    {
        final BatchWriter writer = new BatchWriter(new UnsafeBuffer(new byte[64]), 64);
        assertFalse(writer.append(new UnsafeBuffer(new byte[1]), 0, 0));
        assertTrue(writer.isEmpty());
        assertFalse(writer.fitsAlone(61));
        assertTrue(writer.fitsAlone(60));
    }

    /** A frame whose bytes all equal its index, so a frame read in the wrong place shows. */
    private static byte[] frame(final int index, final int length)
    {
        final byte[] frame = new byte[length];
        Arrays.fill(frame, (byte)index);
        return frame;
    }
}
