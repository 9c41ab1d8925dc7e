package io.flashgate.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Append, flush and replay must not allocate per record. Counts this thread's allocated bytes (HotSpot's
 * ThreadMXBean) over many records; a few kilobytes of slack cover per-call or per-segment objects.
 */
class HotPathAllocationTest
{
    private static final int RECORDS = 100_000;
    private static final long SLACK_BYTES = 16 * 1024;

    @TempDir
    Path dir;

    private com.sun.management.ThreadMXBean threads;

    @BeforeEach
    void allocationCounter()
    {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
            "needs HotSpot's per-thread allocation counter");
        threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    }

    @Test
    void appendAndFlushAllocateNothingPerRecord() throws IOException
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            long sequence = 1;
            for (; sequence <= RECORDS; sequence++) // warm up: the first segment and lazily created JDK objects
            {
                journal.append(sequence, payload, 0, payload.capacity());
                flushEvery100(journal, sequence);
            }
            final long before = allocatedBytes();
            for (; sequence <= 3L * RECORDS; sequence++)
            {
                journal.append(sequence, payload, 0, payload.capacity());
                flushEvery100(journal, sequence);
            }
            final long allocated = allocatedBytes() - before;
            assertTrue(allocated < SLACK_BYTES, allocated + " bytes allocated for " + 2 * RECORDS + " appends");
        }
    }

    @Test
    void replayAllocatesNothingPerRecord() throws IOException
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            for (long sequence = 1; sequence <= RECORDS; sequence++)
            {
                journal.append(sequence, payload, 0, payload.capacity());
            }
            journal.flush();
            final long[] sum = {0};
            final RecordHandler handler = (sequence, buffer, offset, length) -> sum[0] += buffer.getByte(offset);
            journal.replay(0, handler); // warm up

            final long before = allocatedBytes();
            final long replayed = journal.replay(0, handler);
            final long allocated = allocatedBytes() - before;
            assertEquals(RECORDS, replayed);
            assertTrue(allocated < SLACK_BYTES, allocated + " bytes allocated replaying " + RECORDS + " records");
        }
    }

    private static void flushEvery100(final Journal journal, final long sequence)
    {
        if (sequence % 100 == 0)
        {
            journal.flush();
        }
    }

    private long allocatedBytes()
    {
        return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
