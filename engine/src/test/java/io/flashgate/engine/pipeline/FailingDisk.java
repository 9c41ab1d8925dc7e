package io.flashgate.engine.pipeline;

import io.flashgate.journal.JournalIo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A disk that fails or stalls on demand: journal writes, journal fsyncs, snapshot writes, each switched apart. */
final class FailingDisk implements JournalIo
{
    volatile boolean failJournalWrites;
    volatile boolean failJournalForces;
    volatile boolean failSnapshots;
    /** While set, every journal write waits for it (a slow disk). */
    volatile CountDownLatch stallJournalWrites;
    /** Counted down when a journal write first waits on {@link #stallJournalWrites}. */
    final CountDownLatch journalWriteStalled = new CountDownLatch(1);
    /** While set, every snapshot write waits for it. */
    volatile CountDownLatch stallSnapshots;
    /** Counted down when a snapshot write first waits on {@link #stallSnapshots}. */
    final CountDownLatch snapshotStalled = new CountDownLatch(1);

    @Override
    public void beforeWrite(final Path file) throws IOException
    {
        if (isSnapshot(file))
        {
            if (failSnapshots)
            {
                throw new IOException("No space left on device (injected)");
            }
            await(stallSnapshots, snapshotStalled);
            return;
        }
        await(stallJournalWrites, journalWriteStalled);
        if (failJournalWrites)
        {
            throw new IOException("No space left on device (injected)");
        }
    }

    @Override
    public void beforeForce(final Path file) throws IOException
    {
        if (isSnapshot(file) ? failSnapshots : failJournalForces)
        {
            throw new IOException("Input/output error (injected fsync failure)");
        }
    }

    private static void await(final CountDownLatch stall, final CountDownLatch stalled)
    {
        if (stall != null)
        {
            stalled.countDown();
            try
            {
                stall.await(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean isSnapshot(final Path file)
    {
        return file.getFileName().toString().startsWith("snapshot-");
    }
}
