package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.append;
import static io.flashgate.journal.JournalTestSupport.assertRecords;
import static io.flashgate.journal.JournalTestSupport.config;
import static io.flashgate.journal.JournalTestSupport.flipBit;
import static io.flashgate.journal.JournalTestSupport.onlySegment;
import static io.flashgate.journal.JournalTestSupport.recordOffset;
import static io.flashgate.journal.JournalTestSupport.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tail beside a writing journal: new records as they are flushed, segment rolls, a torn tail waited on. */
class JournalTailTest
{
    @TempDir
    Path dir;

    private final List<JournalTestSupport.Replayed> seen = new ArrayList<>();

    private int poll(final JournalTail tail, final int limit) throws IOException
    {
        return tail.poll((sequence, buffer, offset, length) ->
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            seen.add(new JournalTestSupport.Replayed(sequence, copy));
        }, limit);
    }

    @Test
    void followsAJournalAsItIsWrittenAcrossSegmentRollsInBatchesOfAtMostTheLimit() throws IOException
    {
        final JournalTail tail = JournalTail.after(dir, 0);
        try (Journal journal = Journal.open(config(dir, 4096, FlushPolicy.PAGE_CACHE)))
        {
            assertEquals(0, poll(tail, 100));
            assertNotNull(tail.waitingOn(), "an empty folder: waiting for the first segment");
            for (long next = 1; next <= 600; next += 50)
            {
                append(journal, next, next + 49);
                journal.flush();
                int delivered;
                while ((delivered = poll(tail, 7)) > 0)
                {
                    assertTrue(delivered <= 7, "a batch is at most the limit: " + delivered);
                }
                assertEquals(next + 49, tail.lastSequence());
            }
        }
        assertTrue(segments(dir).size() > 3, "rolled: " + segments(dir));
        assertRecords(seen, 1, 600);
        assertNull(tail.waitingOn());
    }

    @Test
    void startsAfterAGivenSequenceInAnySegment() throws IOException
    {
        try (Journal journal = Journal.open(config(dir, 4096, FlushPolicy.PAGE_CACHE)))
        {
            append(journal, 1, 300);
            journal.flush();
        }
        final JournalTail tail = JournalTail.after(dir, 211);
        while (poll(tail, 1000) > 0)
        {
            // drain
        }
        assertRecords(seen, 212, 300);
    }

    @Test
    void aTornTailIsReadUpToTheTearThenWaitedOnUntilRecoveryCutsItAndNewRecordsFollow() throws IOException
    {
        try (Journal journal = Journal.open(config(dir, 1 << 20, FlushPolicy.PAGE_CACHE)))
        {
            append(journal, 1, 40);
            journal.flush();
        }
        final Path segment = onlySegment(dir);
        // half of record 41: its header claims more bytes than the file has, as a crash mid-write leaves it
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND))
        {
            final ByteBuffer half = ByteBuffer.allocate(20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            half.putInt(0, 50).putLong(8, 41);
            channel.write(half);
        }
        final JournalTail tail = JournalTail.after(dir, 0);
        assertEquals(40, poll(tail, 1000));
        assertEquals(0, poll(tail, 1000), "waits at the tear");
        assertTrue(tail.waitingOn().contains("offset " + recordOffset(41)), tail.waitingOn());
        assertEquals(40, tail.lastSequence());

        try (Journal journal = Journal.open(config(dir, 1 << 20, FlushPolicy.PAGE_CACHE)))
        {
            assertEquals(40, journal.lastSequence(), "recovery cut the torn tail");
            append(journal, 41, 60);
            journal.flush();
        }
        assertEquals(20, poll(tail, 1000));
        assertRecords(seen, 1, 60);
        assertNull(tail.waitingOn());
    }

    @Test
    void aBadRecordWithALaterSegmentAfterItIsCorruptionNotATear() throws IOException
    {
        try (Journal journal = Journal.open(config(dir, 4096, FlushPolicy.PAGE_CACHE)))
        {
            append(journal, 1, 300);
            journal.flush();
        }
        final Path first = segments(dir).get(0);
        flipBit(first, recordOffset(5) + 20, 3);
        final JournalTail tail = JournalTail.after(dir, 0);
        assertThrows(JournalCorruptedException.class, () -> poll(tail, 1000));
        assertEquals(4, seen.size(), "records before the damage were delivered");
        assertTrue(Files.exists(first), "nothing is changed");
    }

    /**
     * The journal writes between the tail's mapping a segment and its looking for the next one: it fills the segment
     * and rolls. Made to happen at that moment (from the handler, i.e. while the tail holds its mapping), not left to
     * a race: the tail reads the rest of the grown segment first (it once took the roll for a gap and threw "segment
     * starts at sequence N where M was expected").
     */
    @Test
    void aSegmentThatGrewAfterItWasMappedIsReadToItsEndBeforeTheRollIsFollowed() throws IOException
    {
        try (Journal journal = Journal.open(config(dir, 4096, FlushPolicy.PAGE_CACHE)))
        {
            append(journal, 1, 20);
            journal.flush();
            final JournalTail tail = JournalTail.after(dir, 0);
            final int[] segmentsAfterGrowth = {0};
            final int delivered = tail.poll((sequence, buffer, offset, length) ->
            {
                final byte[] copy = new byte[length];
                buffer.getBytes(offset, copy);
                seen.add(new JournalTestSupport.Replayed(sequence, copy));
                if (sequence == 20)
                {
                    // The last record the mapping holds: now the segment grows to full and the journal rolls.
                    append(journal, 21, 400);
                    journal.flush();
                    segmentsAfterGrowth[0] = dir.toFile().list((folder, name) -> name.endsWith(".seg")).length;
                }
            }, Integer.MAX_VALUE);
            assertTrue(segmentsAfterGrowth[0] > 1, "the journal rolled while the first segment was mapped");
            assertTrue(delivered > 20, "the same poll went on past the first mapping: " + delivered);
            while (poll(tail, 1000) > 0)
            {
                // drain
            }
        }
        assertRecords(seen, 1, 400);
        assertNull(JournalTail.after(dir, 400).waitingOn());
    }

    /**
     * A tail reading as fast as the journal is written, segments of 4 KiB: every roll races the tail (the case above
     * among others); all records arrive, in order, none twice.
     */
    @Test
    void followsAJournalWrittenAsFastAsItCanByAnotherThread() throws Exception
    {
        final long records = 20_000;
        final JournalTail tail = JournalTail.after(dir, 0);
        final java.util.concurrent.atomic.AtomicReference<Throwable> writerFailed =
            new java.util.concurrent.atomic.AtomicReference<>();
        final long[] last = {0};
        try (Journal journal = Journal.open(config(dir, 4096, FlushPolicy.PAGE_CACHE)))
        {
            final Thread writer = new Thread(() ->
            {
                try
                {
                    for (long next = 1; next <= records; next += 10)
                    {
                        append(journal, next, next + 9);
                        journal.flush();
                    }
                }
                catch (final Throwable ex)
                {
                    writerFailed.set(ex);
                }
            }, "journal-writer");
            writer.start();
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (last[0] < records && System.nanoTime() < deadline && writerFailed.get() == null)
            {
                final int delivered = tail.poll((sequence, buffer, offset, length) ->
                {
                    assertEquals(last[0] + 1, sequence, "in order, none missing");
                    last[0] = sequence;
                }, Integer.MAX_VALUE);
                if (delivered == 0)
                {
                    Thread.yield(); // leave the writer the core on a 2-core machine
                }
            }
            writer.join(60_000);
        }
        assertNull(writerFailed.get());
        assertEquals(records, last[0]);
        assertTrue(segments(dir).size() > 100, "rolled often: " + segments(dir).size());
    }
}
