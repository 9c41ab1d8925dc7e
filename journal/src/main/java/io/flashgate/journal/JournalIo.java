package io.flashgate.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A seam before each write and fsync of the journal and the snapshot store, so tests can make the disk fail or
 * stall on demand ({@link #REAL} does nothing). Called on the writing thread; an implementation must not allocate
 * on the hot path. Production code always uses {@link #REAL}.
 */
public interface JournalIo
{
    /** The real disk: no hook. */
    JournalIo REAL = new JournalIo()
    {
    };

    /** Before bytes are written to {@code file}; throwing makes that write fail. */
    default void beforeWrite(final Path file) throws IOException
    {
    }

    /** Before {@code file} is forced to disk; throwing makes that fsync fail. */
    default void beforeForce(final Path file) throws IOException
    {
    }
}
