package io.flashgate.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock on a journal folder: an OS file lock on {@code <journal folder>/.lock}, so that two engines
 * (or an engine and an operator tool that changes files, such as a repair) can never write the same journal.
 * {@link Journal#open} takes it and {@link Journal#close} releases it; the OS releases it too when the process dies,
 * so a crash never leaves a stale lock. The file itself stays; it is never deleted (deleting a lock file races).
 *
 * <p>Read-only tools ({@link JournalReader}, {@link JournalScanner}) do not take it: they work beside a running
 * engine.
 *
 * <p>File locks belong to the whole JVM, and on POSIX systems closing <em>any</em> channel on the file drops the
 * process's lock. So a second attempt in the same JVM is refused from an in-process registry before a channel is
 * opened, rather than by opening the file and getting {@link OverlappingFileLockException}.
 */
public final class JournalLock implements AutoCloseable
{
    /** Name of the lock file inside the journal folder. */
    public static final String FILE_NAME = ".lock";

    /** Journal folders (real paths) locked by this JVM. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private JournalLock(final Path key, final FileChannel channel, final FileLock lock)
    {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock on an existing journal folder without waiting.
     *
     * @param directory the journal folder; must exist.
     * @return the lock, to be closed when done.
     * @throws JournalLockedException if another process, or another holder in this JVM, has it.
     * @throws IOException            if the lock file cannot be created or locked.
     */
    public static JournalLock acquire(final Path directory) throws IOException
    {
        final Path key = directory.toRealPath();
        if (!HELD.add(key))
        {
            throw new JournalLockedException(directory);
        }
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(key.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock = channel.tryLock();
            if (lock == null)
            {
                throw new JournalLockedException(directory);
            }
            return new JournalLock(key, channel, lock);
        }
        catch (final OverlappingFileLockException ex)
        {
            // Someone in this JVM locked the file without going through this class.
            closeQuietly(channel);
            HELD.remove(key);
            throw new JournalLockedException(directory);
        }
        catch (final IOException | RuntimeException ex)
        {
            closeQuietly(channel);
            HELD.remove(key);
            throw ex;
        }
    }

    /** Releases the lock. Closing twice does nothing. */
    @Override
    public void close() throws IOException
    {
        if (released)
        {
            return;
        }
        released = true;
        try
        {
            lock.release();
        }
        finally
        {
            channel.close();
            HELD.remove(key);
        }
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // Nothing more to release.
            }
        }
    }
}
