package io.flashgate.benchmarks;

import io.flashgate.protocol.WireFormat;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.config.WaitChoice;
import io.flashgate.journal.FlushPolicy;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.MessageTypes;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole in-process pipeline: receiver → ring → journaller ‖ business logic →
 * egress, with the journal in a temp folder and results released only after their batch is
 * written. One producer thread offers purchases of a contested sale (1 M buyers) as fast as the
 * ring takes them; an invocation ends when the egress has released every reply of its batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-Xms6g"})
public class PipelineBenchmark
{
    static final int BATCH = 50_000;
    /** 1 M buyers as in the business-logic benchmark; 10 k shows the pipeline's own cost. */
    @Param({"1000000", "10000"})
    public int buyers;

    @Param({"PARKING", "DISRUPTOR_BLOCKING", "SLEEPING"})
    public WaitChoice wait;

    @Param({"PAGE_CACHE", "FSYNC"})
    public FlushPolicy flush;

    private Path dataDir;
    private Engine engine;
    private PurchaseCommands commands;
    private int next;
    private int round;

    /** Counts replies on the egress thread; the producer waits on it. */
    private static final class ReleasedReplies implements EventSink
    {
        volatile long replies;

        @Override
        public void onEvent(final DirectBuffer buffer, final int offset, final int length)
        {
            if (!MessageTypes.isBroadcast(buffer.getShort(offset)))
            {
                replies++; // single writer: the egress thread
            }
        }
    }

    private final ReleasedReplies released = new ReleasedReplies();

    @Setup(Level.Trial)
    public void start() throws IOException
    {
        commands = new PurchaseCommands("flash", buyers, 1);
        dataDir = Files.createTempDirectory("flashgate-pipeline-bench");
        final EngineConfig config = EngineConfig.defaults(dataDir).withWaitChoice(wait).withFlushPolicy(flush)
            .withTickIntervalMillis(0).withSnapshotEveryCommands(0).withRingSize(64 * 1024).withExpectedBuyers(buyers)
            .withSegmentSizeBytes(256L * 1024 * 1024);
        engine = Engine.start(config, released);
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
        final int length = new CommandEncoder().wrap(scratch, 0)
            .createSale(1, 0, "flash", buyers / 2, 1, 0, Long.MAX_VALUE / 2, 600);
        offer(scratch, 0, length);
        awaitReplies(1);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long purchases()
    {
        final long target = released.replies + BATCH;
        for (int n = 0; n < BATCH; n++)
        {
            final int i = next;
            offer(commands.buffer, commands.offsets[i], commands.lengths[i]);
            if (++next == commands.size())
            {
                next = 0;
                commands.setRound(++round);
            }
        }
        awaitReplies(target);
        return target;
    }

    private void offer(final DirectBuffer buffer, final int offset, final int length)
    {
        while (!engine.offer(buffer, offset, length))
        {
            Thread.yield(); // ring full: let the pipeline threads run (2 cores)
        }
    }

    private void awaitReplies(final long target)
    {
        while (released.replies < target)
        {
            Thread.yield();
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException
    {
        engine.close();
        try (Stream<Path> files = Files.walk(dataDir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
