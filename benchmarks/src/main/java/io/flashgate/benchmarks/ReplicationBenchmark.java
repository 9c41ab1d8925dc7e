package io.flashgate.benchmarks;

import io.aeron.Aeron;
import io.flashgate.load.SyncPairInJvm;
import io.flashgate.engine.pair.PairedEngine;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.AeronEngine;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.engine.transport.TransportConfig;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.client.aeron.IdleChoice;
import io.flashgate.protocol.WireFormat;
import io.flashgate.processes.FreePorts;
import org.agrona.CloseHelper;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The in-process pipeline with synchronous replication against journal-only (docs/ARCHITECTURE.md, "Hot standby and
 * failover"): the same engine behind its Aeron transport, alone ({@code JOURNAL_ONLY}) or as the primary of a pair
 * whose standby runs in this JVM on a media driver of its own, over UDP on 127.0.0.1 ({@code SYNC_STANDBY}: every
 * result waits for the standby's acknowledgement). One producer offers purchases of a contested sale straight into
 * the ring as fast as it takes them; an invocation ends when the egress has released its whole batch. On 2 cores the
 * standby's threads share the cores with the primary's, as a second host would not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Xms4g"})
public class ReplicationBenchmark
{
    static final int BATCH = 20_000;
    private static final int BUYERS = 1_000_000;

    @Param({"JOURNAL_ONLY", "SYNC_STANDBY"})
    public String replication;

    private final List<AutoCloseable> parts = new ArrayList<>();
    private Path dataDir;
    private Engine engine;
    private PurchaseCommands commands;
    private int next;
    private int round;

    @Setup(Level.Trial)
    public void start() throws Exception
    {
        commands = new PurchaseCommands("flash", BUYERS, 1);
        dataDir = Files.createTempDirectory("flashgate-replication-bench");
        final EngineConfig config = EngineConfig.defaults(dataDir.resolve("primary")).withTickIntervalMillis(0)
            .withSnapshotEveryCommands(0).withRingSize(64 * 1024).withExpectedBuyers(BUYERS)
            .withSegmentSizeBytes(256L * 1024 * 1024);
        final EmbeddedDriver driver = track(EmbeddedDriver.start());
        final TransportConfig transport = TransportConfig.udp(driver.aeronDirectory(), FreePorts.udpEndpoint(),
            FreePorts.udpEndpoint());
        if ("JOURNAL_ONLY".equals(replication))
        {
            engine = track(AeronEngine.start(transport, config)).engine();
        }
        else
        {
            final Aeron aeron = track(driver.connect());
            final PairedEngine primary = track(SyncPairInJvm.start(aeron, transport, config, dataDir,
                IdleChoice.DEFAULT)).primary();
            engine = primary.engine();
        }
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
        final int length = new CommandEncoder().wrap(scratch, 0)
            .createSale(1, 0, "flash", BUYERS / 2, 1, 0, Long.MAX_VALUE / 2, 600);
        offer(scratch, 0, length);
        awaitReleased(engine.lastPublishedSequence());
    }

    private <T extends AutoCloseable> T track(final T part)
    {
        parts.add(part);
        return part;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long purchases()
    {
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
        final long last = engine.lastPublishedSequence();
        awaitReleased(last);
        return last;
    }

    private void offer(final DirectBuffer buffer, final int offset, final int length)
    {
        while (!engine.offer(buffer, offset, length))
        {
            Thread.yield(); // ring full: let the pipeline threads run (2 cores)
        }
    }

    /** Until the egress has passed {@code sequence}: with a standby, only once the standby acknowledged it. */
    private void awaitReleased(final long sequence)
    {
        while (engine.stats().releasedSequence() < sequence)
        {
            Thread.yield();
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException
    {
        for (int i = parts.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(parts.get(i));
        }
        try (Stream<Path> files = Files.walk(dataDir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
