package io.flashgate.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Another process (or another {@link Journal} in this JVM) holds the journal folder's lock: most likely a running
 * engine. Only one writer may own a journal at a time; see {@link JournalLock}.
 */
public final class JournalLockedException extends IOException
{
    private static final long serialVersionUID = 1L;

    /** Transient: Path is not serializable; the message still names it. */
    private final transient Path directory;

    /**
     * @param directory the journal folder whose lock is taken.
     */
    public JournalLockedException(final Path directory)
    {
        super("journal " + directory + " is locked by another process (a running engine?)");
        this.directory = directory;
    }

    /** @return the journal folder whose lock is taken. */
    public Path directory()
    {
        return directory;
    }
}
