package io.flashgate.benchmarks;

import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.DrawAlgorithm;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.config.WaitChoice;
import io.flashgate.journal.FlushPolicy;
import io.flashgate.journal.JournalReader;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.SaleMode;
import io.flashgate.protocol.WireFormat;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Draw mode's figures (docs/DRAW.md, "Costs"), single shot like {@link RecoveryBenchmark} (a drop's entries come
 * once and its draw runs once, so JMH's steady state is the wrong lens). For N entries (default 1 M distinct users,
 * one unit each) into one draw sale of N / 100 units:
 * <ol>
 *   <li>entries per second through the in-process pipeline (receiver → ring → journaller ‖ business logic → egress,
 *   journal in a temp folder, page cache), each released only once journaled;</li>
 *   <li>the journal's bytes per entry (record header and payload, read back from the journal);</li>
 *   <li>the draw: the time business logic spends in the draw command (hashing every entry, shuffling, the winners'
 *   orders), and the time from offering it to the pipeline until its reply is released;</li>
 * </ol>
 * each measured {@code runs} times (default 3) on a fresh engine.
 *
 * <pre>java -Xmx3g -cp benchmarks/target/benchmarks.jar io.flashgate.benchmarks.DrawBenchmark [entries] [runs]</pre>
 */
public final class DrawBenchmark
{
    private static final String SALE = "drop";
    private static final String SEED = "4f0c7a1e9b2d8c3f6a5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a";

    private DrawBenchmark()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final Commands commands = new Commands(entries);
        System.out.printf("draw figures: %,d entries (distinct users, 1 unit each), %,d units, %d runs, %d cores%n",
            entries, entries / 100, runs, Runtime.getRuntime().availableProcessors());
        final List<Double> pipelineRates = new ArrayList<>();
        final List<Double> pipelineDraws = new ArrayList<>();
        final List<Double> logicRates = new ArrayList<>();
        final List<Double> logicDraws = new ArrayList<>();
        final List<Double> logicDrawsCpu = new ArrayList<>();
        double bytesPerEntry = 0;
        for (int run = 1; run <= runs; run++)
        {
            final Path dir = Files.createTempDirectory("flashgate-draw-bench");
            final double[] pipeline;
            try
            {
                pipeline = pipeline(commands, dir);
                pipelineRates.add(pipeline[0]);
                pipelineDraws.add(pipeline[1]);
                bytesPerEntry = journalBytesPerEntry(dir.resolve("journal"));
            }
            finally
            {
                delete(dir);
            }
            final double[] logic = logicAlone(commands);
            logicRates.add(logic[0]);
            logicDraws.add(logic[1]);
            logicDrawsCpu.add(logic[2]);
            System.out.printf("run %d: pipeline %,.0f entries/s, draw released after %.0f ms; business logic alone " +
                "%,.0f entries/s, draw %.0f ms (%.0f ms of CPU)%n", run, pipeline[0], pipeline[1], logic[0], logic[1],
                logic[2]);
        }
        System.out.printf("SUMMARY entries/s through the pipeline (median of %d): %,.0f; draw of %,d entries inside " +
            "business logic (median): %.0f ms (%.0f ms of CPU), released through the pipeline: %.0f ms; journal bytes " +
            "per entry: %.1f; business logic alone: %,.0f entries/s%n", runs, median(pipelineRates), entries,
            median(logicDraws), median(logicDrawsCpu), median(pipelineDraws), bytesPerEntry, median(logicRates));
    }

    /** @return entries per second, and milliseconds from offering the draw to its reply's release. */
    private static double[] pipeline(final Commands commands, final Path dir) throws IOException
    {
        final Replies replies = new Replies();
        final EngineConfig config = EngineConfig.defaults(dir).withWaitChoice(WaitChoice.PARKING)
            .withFlushPolicy(FlushPolicy.PAGE_CACHE).withTickIntervalMillis(0).withSnapshotEveryCommands(0)
            .withRingSize(64 * 1024).withExpectedBuyers(commands.count).withSegmentSizeBytes(256L * 1024 * 1024);
        try (Engine engine = Engine.start(config, replies))
        {
            final UnsafeBuffer scratch = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
            final CommandEncoder encoder = new CommandEncoder();
            final long now = System.currentTimeMillis();
            offer(engine, scratch, encoder.wrap(scratch, 0).createSale(1, 0, SALE, commands.count / 100, 2, now - 1_000,
                now + 3_600_000, 600, SaleMode.DRAW, 0, DrawAlgorithm.seedHash(SEED)));
            await(replies, 1);
            final long start = System.nanoTime();
            for (int i = 0; i < commands.count; i++)
            {
                offer(engine, commands.buffer, commands.offsets[i], commands.lengths[i]);
            }
            await(replies, 1L + commands.count);
            final double seconds = (System.nanoTime() - start) / 1e9;
            offer(engine, scratch, encoder.wrap(scratch, 0).saleCommand(MessageTypes.END_SALE, 1, 0, SALE));
            await(replies, 2L + commands.count);
            final long drawStart = System.nanoTime();
            offer(engine, scratch, encoder.wrap(scratch, 0).runDraw(1, 0, SALE, SEED));
            while (replies.draws == 0)
            {
                Thread.yield();
            }
            final double drawMillis = (System.nanoTime() - drawStart) / 1e6;
            if (replies.rejected > 0)
            {
                throw new IllegalStateException(replies.rejected + " commands refused");
            }
            return new double[] {commands.count / seconds, drawMillis};
        }
    }

    /** The same entries and draw straight into business logic: @return entries per second, draw milliseconds. */
    private static double[] logicAlone(final Commands commands)
    {
        final BusinessLogic logic = new BusinessLogic(commands.count);
        final Replies replies = new Replies();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
        final CommandEncoder encoder = new CommandEncoder();
        apply(logic, scratch, encoder.wrap(scratch, 0).createSale(1, 0, SALE, commands.count / 100, 2, 0, 10_000, 600,
            SaleMode.DRAW, 0, DrawAlgorithm.seedHash(SEED)), 1, 1, replies);
        final long start = System.nanoTime();
        for (int i = 0; i < commands.count; i++)
        {
            CommandEncoder.stamp(commands.buffer, commands.offsets[i], i + 2L, 2);
            logic.onCommand(commands.buffer, commands.offsets[i], commands.lengths[i], replies);
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final long drawAt = commands.count + 2L;
        final int length = encoder.wrap(scratch, 0).runDraw(1, 0, SALE, SEED);
        CommandEncoder.stamp(scratch, 0, drawAt, 20_000);
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        final long drawCpuStart = threads.getCurrentThreadCpuTime();
        final long drawStart = System.nanoTime();
        logic.onCommand(scratch, 0, length, replies);
        final double drawMillis = (System.nanoTime() - drawStart) / 1e6;
        final double drawCpuMillis = (threads.getCurrentThreadCpuTime() - drawCpuStart) / 1e6;
        if (replies.draws != 1 || replies.rejected > 0)
        {
            throw new IllegalStateException("the draw did not run: " + replies.rejected + " refusals");
        }
        return new double[] {commands.count / seconds, drawMillis, drawCpuMillis};
    }

    private static void apply(final BusinessLogic logic, final UnsafeBuffer buffer, final int length,
        final long sequence, final long time, final EventSink sink)
    {
        CommandEncoder.stamp(buffer, 0, sequence, time);
        logic.onCommand(buffer, 0, length, sink);
    }

    /** Journal bytes (record header and payload) of the ENTER_DRAW records, per entry. */
    private static double journalBytesPerEntry(final Path journal) throws IOException
    {
        final long[] bytes = new long[2];
        final JournalReader reader = JournalReader.open(journal);
        reader.replay(0, (sequence, buffer, offset, length) ->
        {
            if (buffer.getShort(offset) == MessageTypes.ENTER_DRAW)
            {
                bytes[0] += 16 + length;
                bytes[1]++;
            }
        });
        return (double)bytes[0] / bytes[1];
    }

    private static void offer(final Engine engine, final DirectBuffer buffer, final int length)
    {
        offer(engine, buffer, 0, length);
    }

    private static void offer(final Engine engine, final DirectBuffer buffer, final int offset, final int length)
    {
        while (!engine.offer(buffer, offset, length))
        {
            Thread.yield(); // ring full: let the pipeline threads run (2 cores)
        }
    }

    private static void await(final Replies replies, final long count)
    {
        while (replies.replies < count)
        {
            Thread.yield();
        }
    }

    private static double median(final List<Double> values)
    {
        final List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void delete(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Counts replies (not broadcasts), draws and refusals on the egress thread. */
    private static final class Replies implements EventSink
    {
        volatile long replies;
        volatile long draws;
        volatile long rejected;

        @Override
        public void onEvent(final DirectBuffer buffer, final int offset, final int length)
        {
            final short type = buffer.getShort(offset);
            if (!MessageTypes.isBroadcast(type))
            {
                replies++; // single writer: the egress thread
            }
            if (type == MessageTypes.DRAW_COMPLETED)
            {
                draws++;
            }
            else if (type == MessageTypes.REJECTED)
            {
                rejected++;
            }
        }
    }

    /** N ENTER_DRAW commands of distinct users, encoded once into one buffer. */
    private static final class Commands
    {
        final int count;
        final UnsafeBuffer buffer;
        final int[] offsets;
        final int[] lengths;

        Commands(final int count)
        {
            this.count = count;
            buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(count * 96));
            offsets = new int[count];
            lengths = new int[count];
            final CommandEncoder encoder = new CommandEncoder();
            final byte[] address = new byte[16];
            address[10] = (byte)0xFF;
            address[11] = (byte)0xFF;
            int at = 0;
            for (int i = 0; i < count; i++)
            {
                address[12] = 10;
                address[13] = (byte)(i >>> 16);
                address[14] = (byte)(i >>> 8);
                address[15] = (byte)i;
                offsets[i] = at;
                lengths[i] = encoder.wrap(buffer, at).enterDraw(1, i + 1, SALE, "user-" + i, 1, address);
                at += lengths[i];
            }
        }
    }
}
