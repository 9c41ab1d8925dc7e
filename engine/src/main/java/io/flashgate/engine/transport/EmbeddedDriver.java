package io.flashgate.engine.transport;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.flashgate.client.aeron.DutyCycle;
import io.flashgate.client.aeron.IdleChoice;
import org.agrona.IoUtil;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.File;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A media driver inside this JVM, for one process (edge and engine together) or for tests, in
 * {@code ThreadingMode.INVOKER}: it has no thread of its own, a {@link DutyCycle} runs it (conductor, sender,
 * receiver and the asynchronous tasks in one agent) together with the process's Aeron client conductor and its
 * pollers ({@link #connect}), so a message crosses the driver without a thread hand-off. A unique folder is deleted
 * on start and on close, and a shutdown hook keeps a SIGTERM from leaving the folder in /dev/shm.
 */
public final class EmbeddedDriver implements AutoCloseable
{
    /** Term length for IPC and UDP publications: 4 MB (Aeron's defaults, 64 MB / 16 MB, are large for a laptop). */
    public static final int TERM_LENGTH = 4 * 1024 * 1024;
    private static final long STALE_AFTER_MS = TimeUnit.MINUTES.toMillis(1);
    /** What a burst may put in a socket's buffer before the driver reads it. */
    public static final int BURST_BUFFER_LENGTH = 2 * 1024 * 1024;
    /** Aeron's own default, kept when the OS cannot be asked. */
    private static final int DEFAULT_BUFFER_LENGTH = 128 * 1024;

    /** The name of the duty-cycle thread a driver started without one starts. */
    public static final String THREAD_NAME = "flashgate-aeron";

    private final MediaDriver driver;
    private final String directory;
    private final DutyCycle dutyCycle;
    private final boolean ownsDutyCycle;
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedDriver(final MediaDriver.Context context, final DutyCycle dutyCycle, final boolean ownsDutyCycle)
    {
        this.directory = context.aeronDirectoryName();
        this.dutyCycle = dutyCycle;
        this.ownsDutyCycle = ownsDutyCycle;
        this.driver = MediaDriver.launch(context);
        final AtomicCounter received = context.systemCounters().get(SystemCounterDescriptor.BYTES_RECEIVED);
        dutyCycle.runDriver(driver.sharedAgentInvoker(), received::get, context.mtuLength() / 2);
        this.shutdownHook = new Thread(this::stop, "flashgate-aeron-driver-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a driver in a fresh unique folder next to Aeron's default one (/dev/shm on Linux), run by a duty cycle
     * of its own ({@value #THREAD_NAME}, the default idle strategy), closed with it.
     */
    public static EmbeddedDriver start()
    {
        return start(uniqueDirectory(), context -> { });
    }

    /**
     * Starts a driver in a fresh unique folder, run by a duty cycle of its own named {@code threadName} that waits
     * as {@code idle} says; closed with it.
     */
    public static EmbeddedDriver start(final String threadName, final IdleChoice idle)
    {
        return start(threadName, idle.newStrategy());
    }

    /** As {@link #start(String, IdleChoice)}, with any idle strategy ({@link DutyCycle#signalledIdle()}, say). */
    public static EmbeddedDriver start(final String threadName, final org.agrona.concurrent.IdleStrategy idle)
    {
        final DutyCycle cycle = DutyCycle.start(threadName, idle);
        try
        {
            return start(uniqueDirectory(), cycle, true, context -> { });
        }
        catch (final RuntimeException ex)
        {
            cycle.close();
            throw ex;
        }
    }

    /**
     * Starts a driver in {@code directory} (deleted first if present), run by a duty cycle of its own. Factories
     * are named {@code start} when they start threads and {@code open} when they only open resources.
     *
     * @param customise last say on the context (timeouts, term lengths) before launch.
     */
    public static EmbeddedDriver start(final String directory, final Consumer<MediaDriver.Context> customise)
    {
        final DutyCycle cycle = DutyCycle.start(THREAD_NAME, IdleChoice.DEFAULT.newStrategy());
        try
        {
            return start(directory, cycle, true, customise);
        }
        catch (final RuntimeException ex)
        {
            cycle.close();
            throw ex;
        }
    }

    /**
     * Starts a driver in {@code directory}, run by the caller's duty cycle (which the caller closes after this
     * driver).
     */
    public static EmbeddedDriver start(final String directory, final DutyCycle dutyCycle,
        final Consumer<MediaDriver.Context> customise)
    {
        return start(directory, dutyCycle, false, customise);
    }

    private static EmbeddedDriver start(final String directory, final DutyCycle dutyCycle,
        final boolean ownsDutyCycle, final Consumer<MediaDriver.Context> customise)
    {
        removeStaleDirectories();
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(directory)
            .threadingMode(ThreadingMode.INVOKER)
            // No thread of its own for the driver's asynchronous tasks (name resolution): the duty cycle runs them.
            .asyncExecutorEnabled(false)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .ipcTermBufferLength(TERM_LENGTH)
            .publicationTermBufferLength(TERM_LENGTH);
        final int burst = burstBufferLength();
        // The window half the buffer, as Aeron's defaults have it: the kernel charges a datagram more than its bytes.
        context.socketRcvbufLength(burst).socketSndbufLength(burst).initialWindowLength(burst / 2);
        if (dutyCycle.socketWait() != null)
        {
            WatchedSockets.install(context, dutyCycle.socketWait());
        }
        customise.accept(context);
        return new EmbeddedDriver(context, dutyCycle, ownsDutyCycle);
    }

    /**
     * The UDP sockets' buffers (the receiver's window is half): {@value #BURST_BUFFER_LENGTH} bytes, or as much as the
     * OS allows ({@code net.core.rmem_max}, {@code wmem_max}), measured as Aeron measures it so that it never warns.
     * Aeron's 128 KB let loopback drop datagrams in every burst at capacity (hundreds of NAKs and retransmissions per
     * 3-second leg, docs/PERFORMANCE.md), and each loss holds its stream back until the retransmission comes.
     */
    static int burstBufferLength()
    {
        try (DatagramChannel probe = DatagramChannel.open())
        {
            probe.setOption(StandardSocketOptions.SO_RCVBUF, Integer.MAX_VALUE);
            final int rcvbuf = probe.getOption(StandardSocketOptions.SO_RCVBUF);
            probe.setOption(StandardSocketOptions.SO_SNDBUF, Integer.MAX_VALUE);
            final int sndbuf = probe.getOption(StandardSocketOptions.SO_SNDBUF);
            return Math.min(BURST_BUFFER_LENGTH, Math.min(rcvbuf, sndbuf));
        }
        catch (final IOException ex)
        {
            return DEFAULT_BUFFER_LENGTH;
        }
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

    /** The thread that runs this driver, and the clients and pollers that join it. */
    public DutyCycle dutyCycle()
    {
        return dutyCycle;
    }

    /**
     * A new client of this driver whose conductor runs on the driver's duty cycle; the caller closes it (before
     * closing the driver).
     */
    public Aeron connect()
    {
        return dutyCycle.connect(new Aeron.Context().aeronDirectoryName(directory));
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
        dutyCycle.stopDriver();
        driver.close();
        if (ownsDutyCycle)
        {
            dutyCycle.close();
        }
        IoUtil.delete(new File(directory), true);
    }
}
