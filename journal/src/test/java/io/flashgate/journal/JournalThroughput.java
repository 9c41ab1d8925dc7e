package io.flashgate.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Rough append and replay throughput, for quoting figures; not a test and not a JMH benchmark.
 * <p>
 * Arguments (all optional): records (5,000,000), payload bytes (64), records per flush (1,000, the group-commit
 * batch), flush policy (PAGE_CACHE), rounds (3; the first warms the JIT up), folder (a temporary one, deleted).
 * Run it with the project's JVM flags, e.g. {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED}.
 * Replay reads segments the append just wrote, so they come from the page cache, not the disk.
 */
public final class JournalThroughput
{
    private JournalThroughput()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final int records = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
        final int payloadBytes = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        final int recordsPerFlush = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        final FlushPolicy policy = args.length > 3 ? FlushPolicy.valueOf(args[3]) : FlushPolicy.PAGE_CACHE;
        final int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        final Path base = args.length > 5 ? Path.of(args[5]) : Files.createTempDirectory("journal-throughput");

        System.out.printf("%,d records of %d payload bytes (%d on disk), flush every %,d records, %s%n",
            records, payloadBytes, JournalFormat.recordLength(payloadBytes), recordsPerFlush, policy);
        try
        {
            for (int round = 1; round <= rounds; round++)
            {
                final Path directory = base.resolve("round-" + round);
                final JournalConfig config = JournalConfig.defaults(directory);
                final JournalConfig withPolicy = new JournalConfig(directory, config.segmentSizeBytes(),
                    config.batchBufferBytes(), policy);
                runRound(round, withPolicy, records, payloadBytes, recordsPerFlush);
                deleteRecursively(directory);
            }
        }
        finally
        {
            if (args.length <= 5)
            {
                deleteRecursively(base);
            }
        }
    }

    private static void runRound(
        final int round, final JournalConfig config, final int records, final int payloadBytes,
        final int recordsPerFlush) throws IOException
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(payloadBytes, 8)));
        final long appendNanos;
        try (Journal journal = Journal.open(config))
        {
            final long start = System.nanoTime();
            for (long sequence = 1; sequence <= records; sequence++)
            {
                payload.putLong(0, sequence);
                journal.append(sequence, payload, 0, payloadBytes);
                if (sequence % recordsPerFlush == 0)
                {
                    journal.flush();
                }
            }
            journal.flush();
            appendNanos = System.nanoTime() - start;
        }

        final long[] checksum = {0};
        final long replayNanos;
        final long replayed;
        final long openNanos;
        final long openStart = System.nanoTime();
        try (Journal journal = Journal.open(config))
        {
            openNanos = System.nanoTime() - openStart;
            final long start = System.nanoTime();
            replayed = journal.replay(0, (sequence, buffer, offset, length) -> checksum[0] += buffer.getLong(offset));
            replayNanos = System.nanoTime() - start;
        }
        if (replayed != records)
        {
            throw new IllegalStateException("replayed " + replayed + " of " + records);
        }
        System.out.printf("round %d: append+flush %,.0f records/s (%.0f ms), open/scan %,.0f records/s (%.0f ms), "
                + "replay %,.0f records/s (%.0f ms) [%d]%n",
            round, perSecond(records, appendNanos), appendNanos / 1e6, perSecond(records, openNanos), openNanos / 1e6,
            perSecond(records, replayNanos), replayNanos / 1e6, checksum[0] & 0xF);
    }

    private static double perSecond(final long count, final long nanos)
    {
        return count * 1e9 / nanos;
    }

    private static void deleteRecursively(final Path path) throws IOException
    {
        if (!Files.exists(path))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(path))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }
}
