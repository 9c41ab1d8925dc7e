package io.flashgate.engine.transport;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.flashgate.protocol.IdleChoice;
import org.agrona.IoUtil;

import java.io.File;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A media driver inside this JVM, for one process (edge and engine together) or for tests: one
 * SHARED duty-cycle thread and no other (conductor, sender, receiver and the asynchronous tasks in one), with the
 * default backoff idle strategy ({@link IdleChoice#BACKOFF}: parks, no busy-spin on 2 cores), a unique folder
 * deleted on start and on close, and a shutdown hook so a SIGTERM does not leave the folder in /dev/shm.
 */
public final class EmbeddedDriver implements AutoCloseable
{
    /** Term length for IPC and UDP publications: 4 MB (Aeron's defaults, 64 MB / 16 MB, are large for a laptop). */
    public static final int TERM_LENGTH = 4 * 1024 * 1024;
    private static final long STALE_AFTER_MS = TimeUnit.MINUTES.toMillis(1);

    private final MediaDriver driver;
    private final String directory;
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedDriver(final MediaDriver.Context context)
    {
        this.directory = context.aeronDirectoryName();
        this.driver = MediaDriver.launch(context);
        this.shutdownHook = new Thread(this::stop, "flashgate-aeron-driver-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a driver (its threads) in a fresh unique folder next to Aeron's default one (/dev/shm on Linux). */
    public static EmbeddedDriver start()
    {
        return start(uniqueDirectory(), context -> { });
    }

    /**
     * Starts a driver in {@code directory} (deleted first if present). Factories are named {@code start} when
     * they start threads and {@code open} when they only open resources.
     *
     * @param customise last say on the context (timeouts, term lengths) before launch.
     */
    public static EmbeddedDriver start(final String directory, final Consumer<MediaDriver.Context> customise)
    {
        removeStaleDirectories();
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(directory)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(IdleChoice.DEFAULT.newStrategy())
            // No thread of its own for the driver's asynchronous tasks (name resolution): the one duty-cycle thread
            // runs them, as drivers did before that executor existed. Its own thread woke every millisecond.
            .asyncExecutorEnabled(false)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .ipcTermBufferLength(TERM_LENGTH)
            .publicationTermBufferLength(TERM_LENGTH);
        customise.accept(context);
        return new EmbeddedDriver(context);
    }

    /**
     * Deletes the folders of embedded drivers that died without cleaning up (kill -9 of a process, say): named like
     * {@link #uniqueDirectory()}, older than a minute (so not one being created right now) and without a live
     * driver heartbeat in their CnC file. Otherwise every crash would leave its term buffers in /dev/shm.
     *
     * @return how many folders were removed.
     */
    public static int removeStaleDirectories()
    {
        final File sample = new File(uniqueDirectory());
        final File parent = sample.getParentFile();
        final String prefix = sample.getName().substring(0, sample.getName().indexOf("-flashgate-") + "-flashgate-".length());
        final File[] candidates = parent == null ? null : parent.listFiles(
            file -> file.isDirectory() && file.getName().startsWith(prefix));
        if (candidates == null)
        {
            return 0;
        }
        int removed = 0;
        final long now = System.currentTimeMillis();
        for (final File folder : candidates)
        {
            if (now - folder.lastModified() > STALE_AFTER_MS && !isLive(folder))
            {
                IoUtil.delete(folder, true);
                removed++;
            }
        }
        return removed;
    }

    private static boolean isLive(final File folder)
    {
        try
        {
            return CommonContext.isDriverActive(folder, STALE_AFTER_MS, message -> { });
        }
        catch (final RuntimeException unreadable)
        {
            return false; // no or a half-written CnC file, older than a minute: nobody is using it
        }
    }

    /** A folder name no other driver uses: Aeron's default folder plus "-flashgate-" and a random id. */
    public static String uniqueDirectory()
    {
        return CommonContext.getAeronDirectoryName() + "-flashgate-" + UUID.randomUUID();
    }

    public String aeronDirectory()
    {
        return directory;
    }

    /** A new client of this driver; the caller closes it (before closing the driver). */
    public Aeron connect()
    {
        return Aeron.connect(new Aeron.Context().aeronDirectoryName(directory));
    }

    /** Stops the driver and removes its folder. */
    @Override
    public void close()
    {
        stop();
        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException ex)
        {
            // Already shutting down: the hook runs stop(), which is idempotent.
        }
    }

    private synchronized void stop()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        driver.close();
        IoUtil.delete(new File(directory), true);
    }
}
