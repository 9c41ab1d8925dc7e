package io.flashgate.benchmarks;

import io.flashgate.protocol.WireFormat;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.protocol.CommandEncoder;
import org.agrona.DirectBuffer;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Business logic alone, one thread, a contested sale: N distinct buyers (limit 1 each) go after
 * N/2 units, lap after lap with fresh Idempotency-Keys. Each iteration starts from an
 * empty engine, so it holds the rush (accept / sold out) and then the crowd still pressing
 * (sold out, limit exceeded). Run with {@code -prof gc} for the allocation figure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-Xms6g"})
public class BusinessLogicBenchmark
{
    /** 1 M is the contested sale; 10 k fits in the CPU caches and shows what memory latency costs. */
    @Param({"1000000", "10000"})
    public int buyers;

    private PurchaseCommands commands;
    private BusinessLogic logic;
    private int next;
    private int round;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);

    /** Consumes events the way the pipeline would (a look at each), without keeping them. */
    private static final class CountingSink implements EventSink
    {
        long events;
        long lastLength;

        @Override
        public void onEvent(final DirectBuffer buffer, final int offset, final int length)
        {
            events++;
            lastLength += buffer.getShort(offset) + length;
        }
    }

    private final CountingSink sink = new CountingSink();

    @Setup(Level.Trial)
    public void encode()
    {
        commands = new PurchaseCommands("flash", buyers, 1);
    }

    @Setup(Level.Iteration)
    public void freshSale()
    {
        logic = new BusinessLogic(buyers);
        final int length = new CommandEncoder().wrap(scratch, 0)
            .createSale(1, 0, "flash", buyers / 2, 1, 0, Long.MAX_VALUE / 2, 600);
        CommandEncoder.stamp(scratch, 0, 0, 1);
        logic.onCommand(scratch, 0, length, sink);
        next = 0;
        round = 0;
        commands.setRound(round);
    }

    @Benchmark
    public void purchase(final Blackhole blackhole)
    {
        final int i = next;
        logic.onCommand(commands.buffer, commands.offsets[i], commands.lengths[i], sink);
        if (++next == commands.size())
        {
            next = 0;
            commands.setRound(++round);
        }
        blackhole.consume(sink.events);
    }
}
