package io.flashgate.engine.pipeline;

import io.flashgate.config.FlashgateConfig;
import io.flashgate.config.StageLayout;
import io.flashgate.config.WaitChoice;
import io.flashgate.journal.FlushPolicy;

import java.nio.file.Path;

/**
 * Everything the engine needs to start. The defaults (which suit a 2-core laptop) are the settings tree's
 * ({@link FlashgateConfig#defaults()}, docs/CONFIG.md); {@link #of} builds one from any settings.
 *
 * @param dataDirectory      journal and snapshots live in {@code journal/} and {@code snapshots/} below it.
 * @param ringSize           slots in the input ring (power of two); a full ring is back-pressure.
 * @param waitChoice         how pipeline threads wait (PARKING: park until signalled, no idle CPU).
 * @param stageLayout        who runs the journaller and the logic: the Aeron thread (over UDP) or threads of their own.
 * @param flushPolicy        PAGE_CACHE survives a process crash; FSYNC also a power loss.
 * @param segmentSizeBytes   journal segment size before it rolls.
 * @param tickIntervalMillis how often the engine's clock expires reservations; 0 = never (tests).
 * @param snapshotEveryCommands take a snapshot after this many commands; 0 = only on request.
 * @param expectedBuyers     sizes the business-logic tables so a rush does not rehash.
 */
public record EngineConfig(
    Path dataDirectory,
    int ringSize,
    WaitChoice waitChoice,
    StageLayout stageLayout,
    FlushPolicy flushPolicy,
    long segmentSizeBytes,
    long tickIntervalMillis,
    long snapshotEveryCommands,
    int expectedBuyers)
{
    public EngineConfig
    {
        if (Integer.bitCount(ringSize) != 1)
        {
            throw new IllegalArgumentException("ringSize must be a power of two: " + ringSize);
        }
    }

    /** The default settings, with the journal and snapshots below {@code dataDirectory}. */
    public static EngineConfig defaults(final Path dataDirectory)
    {
        return of(FlashgateConfig.defaults()).withDataDirectory(dataDirectory);
    }

    /** The engine's part of the settings tree. */
    public static EngineConfig of(final FlashgateConfig settings)
    {
        final FlashgateConfig.Engine engine = settings.engine();
        final FlashgateConfig.Journal journal = settings.journal();
        return new EngineConfig(engine.dataDir(), engine.ringSize(), engine.waitStrategy(), engine.stageLayout(),
            journal.flushPolicy(),
            journal.segmentSizeBytes(), engine.tickIntervalMillis(), engine.snapshotEveryCommands(),
            engine.expectedBuyers());
    }

    public EngineConfig withDataDirectory(final Path directory)
    {
        return new EngineConfig(directory, ringSize, waitChoice, stageLayout, flushPolicy, segmentSizeBytes,
            tickIntervalMillis, snapshotEveryCommands, expectedBuyers);
    }

    public Path journalDirectory()
    {
        return dataDirectory.resolve("journal");
    }

    public Path snapshotDirectory()
    {
        return dataDirectory.resolve("snapshots");
    }

    public EngineConfig withTickIntervalMillis(final long millis)
    {
        return new EngineConfig(dataDirectory, ringSize, waitChoice, stageLayout, flushPolicy, segmentSizeBytes, millis,
            snapshotEveryCommands, expectedBuyers);
    }

    public EngineConfig withSnapshotEveryCommands(final long commands)
    {
        return new EngineConfig(dataDirectory, ringSize, waitChoice, stageLayout, flushPolicy, segmentSizeBytes,
            tickIntervalMillis, commands, expectedBuyers);
    }

    public EngineConfig withWaitChoice(final WaitChoice choice)
    {
        return new EngineConfig(dataDirectory, ringSize, choice, stageLayout, flushPolicy, segmentSizeBytes,
            tickIntervalMillis, snapshotEveryCommands, expectedBuyers);
    }

    public EngineConfig withStageLayout(final StageLayout layout)
    {
        return new EngineConfig(dataDirectory, ringSize, waitChoice, layout, flushPolicy, segmentSizeBytes,
            tickIntervalMillis, snapshotEveryCommands, expectedBuyers);
    }

    public EngineConfig withFlushPolicy(final FlushPolicy policy)
    {
        return new EngineConfig(dataDirectory, ringSize, waitChoice, stageLayout, policy, segmentSizeBytes,
            tickIntervalMillis, snapshotEveryCommands, expectedBuyers);
    }

    public EngineConfig withExpectedBuyers(final int buyers)
    {
        return new EngineConfig(dataDirectory, ringSize, waitChoice, stageLayout, flushPolicy, segmentSizeBytes,
            tickIntervalMillis, snapshotEveryCommands, buyers);
    }

    public EngineConfig withRingSize(final int size)
    {
        return new EngineConfig(dataDirectory, size, waitChoice, stageLayout, flushPolicy, segmentSizeBytes,
            tickIntervalMillis, snapshotEveryCommands, expectedBuyers);
    }

    public EngineConfig withSegmentSizeBytes(final long bytes)
    {
        return new EngineConfig(dataDirectory, ringSize, waitChoice, stageLayout, flushPolicy, bytes,
            tickIntervalMillis, snapshotEveryCommands, expectedBuyers);
    }
}
