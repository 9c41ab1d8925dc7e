package io.flashgate.benchmarks;

import io.flashgate.protocol.WireFormat;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.journal.Journal;
import io.flashgate.journal.JournalConfig;
import io.flashgate.journal.SnapshotStore;
import io.flashgate.protocol.CommandEncoder;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Recovery figures, single shot (a restart happens once, so JMH's steady state is the wrong
 * lens): builds a journal of N purchase commands (default 10 M; a contested sale, 1 M buyers) with
 * a snapshot near its end, then measures
 * (1) journal read + checksum alone, (2) replay from the start through business logic, and
 * (3) a real engine restart on the folder: open + tail check, newest snapshot, replay after it.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.flashgate.benchmarks.RecoveryBenchmark [commands] [folder]</pre>
 */
public final class RecoveryBenchmark
{
    private static final EventSink DISCARD = (buffer, offset, length) -> { };

    private RecoveryBenchmark()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int total = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        final Path dataDir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("flashgate-recovery-bench");
        try
        {
            final EngineConfig config = EngineConfig.defaults(dataDir).withTickIntervalMillis(0)
                .withSnapshotEveryCommands(0).withExpectedBuyers(1_000_000).withSegmentSizeBytes(256L * 1024 * 1024);
            final long snapshotAt = build(config, total);
            System.out.printf("journal: %,d records, snapshot at %,d, %,d MB on disk%n", total + 1L, snapshotAt,
                folderBytes(config.journalDirectory()) / (1024 * 1024));

            for (int attempt = 1; attempt <= 2; attempt++)
            {
                final JournalConfig journalConfig = new JournalConfig(config.journalDirectory(),
                    config.segmentSizeBytes(), 1 << 20, config.flushPolicy());
                long started = System.nanoTime();
                try (Journal journal = Journal.open(journalConfig))
                {
                    final long opened = System.nanoTime();
                    final long[] bytes = new long[1];
                    final long records = journal.replay(0, (sequence, buffer, offset, length) -> bytes[0] += length);
                    final long done = System.nanoTime();
                    System.out.printf("[%d] open (scan + verify tail): %,d ms; read + CRC32C alone: %,.1f M records/s%n",
                        attempt, (opened - started) / 1_000_000, records * 1e3 / (done - opened));

                    final BusinessLogic logic = new BusinessLogic(1_000_000);
                    started = System.nanoTime();
                    final long replayed = journal.replay(0,
                        (sequence, buffer, offset, length) -> logic.onCommand(buffer, offset, length, DISCARD));
                    final long elapsed = System.nanoTime() - started;
                    System.out.printf("[%d] replay from zero through business logic: %,.1f M records/s (%,d ms)%n",
                        attempt, replayed * 1e3 / elapsed, elapsed / 1_000_000);
                }

                started = System.nanoTime();
                try (Engine engine = Engine.start(config, DISCARD))
                {
                    final long elapsed = System.nanoTime() - started;
                    System.out.printf("[%d] engine restart (snapshot + tail, ring open): %,d ms — %s%n", attempt,
                        elapsed / 1_000_000, engine.recovered().describe());
                }
            }
        }
        finally
        {
            if (args.length < 2)
            {
                try (Stream<Path> files = Files.walk(dataDir))
                {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** Writes the journal as the engine would (stamped commands, batch flushes) and a snapshot at 95 %. */
    private static long build(final EngineConfig config, final int total) throws Exception
    {
        final PurchaseCommands commands = new PurchaseCommands("flash", 1_000_000, 1);
        final BusinessLogic logic = new BusinessLogic(1_000_000);
        final UnsafeBuffer slot = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
        final SnapshotStore snapshots = new SnapshotStore(config.snapshotDirectory());
        final long snapshotAt = total - total / 20;
        try (Journal journal = Journal.open(new JournalConfig(config.journalDirectory(), config.segmentSizeBytes(),
            1 << 20, config.flushPolicy())))
        {
            long sequence = journal.lastSequence();
            final long time = 1_800_000_000_000L;
            int length = new CommandEncoder().wrap(slot, 0).createSale(1, 0, "flash", 500_000, 1, 0, Long.MAX_VALUE / 2, 600);
            CommandEncoder.stamp(slot, 0, ++sequence, time);
            journal.append(sequence, slot, 0, length);
            logic.onCommand(slot, 0, length, DISCARD);
            int round = 0;
            for (int i = 0; i < total; i++)
            {
                final int buyer = i % commands.size();
                if (buyer == 0 && i > 0)
                {
                    commands.setRound(++round);
                }
                length = commands.lengths[buyer];
                slot.putBytes(0, commands.buffer, commands.offsets[buyer], length);
                CommandEncoder.stamp(slot, 0, ++sequence, time + i / 1000);
                journal.append(sequence, slot, 0, length);
                logic.onCommand(slot, 0, length, DISCARD);
                if ((i & 1023) == 1023)
                {
                    journal.flush();
                }
                if (i + 1 == snapshotAt)
                {
                    journal.flush();
                    final ExpandableDirectByteBuffer state = new ExpandableDirectByteBuffer(1 << 20);
                    final int size = StateSnapshot.write(logic, state);
                    snapshots.write(sequence, state, 0, size);
                }
            }
            journal.flush();
            return snapshotAt + 1;
        }
    }

    private static long folderBytes(final Path folder) throws Exception
    {
        try (Stream<Path> files = Files.walk(folder))
        {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
