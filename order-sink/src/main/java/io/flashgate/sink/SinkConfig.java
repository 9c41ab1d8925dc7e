package io.flashgate.sink;

import io.flashgate.config.FlashgateConfig;

import java.nio.file.Path;

/**
 * What the sink reads and where it writes.
 *
 * @param sourceDir          the engine's (or a standby's) data folder: {@code journal/} and {@code snapshots/}.
 * @param database           the PostgreSQL database.
 * @param batchSize          records per transaction at most.
 * @param pollIntervalMillis the wait before looking at the journal again once everything is read.
 * @param standAside         take one batch every 5 s while the journal grows faster than the sink applies it.
 */
public record SinkConfig(Path sourceDir, SinkDatabase database, int batchSize, long pollIntervalMillis,
    boolean standAside)
{
    /** Standing aside for bursts, as by default. */
    public SinkConfig(final Path sourceDir, final SinkDatabase database, final int batchSize,
        final long pollIntervalMillis)
    {
        this(sourceDir, database, batchSize, pollIntervalMillis, true);
    }

    /** The settings' sink section, writing to {@code database} (the settings' one, or a private PostgreSQL). */
    public static SinkConfig of(final FlashgateConfig.Sink settings, final SinkDatabase database)
    {
        return new SinkConfig(settings.sourceDir(), database, settings.batchSize(), settings.pollIntervalMillis(),
            settings.standAside());
    }

    /** The database the settings name. */
    public static SinkDatabase database(final FlashgateConfig.Sink settings)
    {
        return new SinkDatabase(settings.jdbcUrl(), settings.user(), settings.password());
    }

    Path journalDirectory()
    {
        return sourceDir.resolve("journal");
    }

    Path snapshotDirectory()
    {
        return sourceDir.resolve("snapshots");
    }
}
