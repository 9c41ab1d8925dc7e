package io.flashgate.benchmarks;

import io.flashgate.journal.FlushPolicy;
import io.flashgate.journal.Journal;
import io.flashgate.journal.JournalConfig;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The journaller's work alone: append a batch of purchase-sized records (CRC32C each) and make the batch durable,
 * as the pipeline does at the end of each Disruptor batch. Segments roll at 64 MiB in a temp folder, deleted at
 * the end. Run with {@code -prof gc}: 0 B/op expected.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JournalAppendBenchmark
{
    private static final int RECORD_LENGTH = 96; // an encoded purchase with short ids

    /** Records per group commit: the pipeline's batches run from 1 (idle) to hundreds (under load). */
    @Param({"1", "64"})
    public int batch;

    @Param({"PAGE_CACHE", "FSYNC"})
    public FlushPolicy flush;

    private Path folder;
    private Journal journal;
    private long sequence;
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[RECORD_LENGTH]);

    @Setup(Level.Trial)
    public void open() throws IOException
    {
        folder = Files.createTempDirectory("flashgate-journal-bench");
        journal = Journal.open(new JournalConfig(folder, JournalConfig.DEFAULT_SEGMENT_SIZE_BYTES, 1024 * 1024, flush));
        for (int i = 0; i < RECORD_LENGTH; i++)
        {
            record.putByte(i, (byte)i);
        }
    }

    @TearDown(Level.Trial)
    public void close()
    {
        journal.close();
        IoUtil.delete(folder.toFile(), true);
    }

    /** Throughput is in batches/s; multiply by {@code batch} for records/s. */
    @Benchmark
    public long appendBatchAndFlush()
    {
        for (int i = 0; i < batch; i++)
        {
            journal.append(++sequence, record, 0, RECORD_LENGTH);
        }
        journal.flush();
        return sequence;
    }
}
