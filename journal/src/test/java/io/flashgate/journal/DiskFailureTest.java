package io.flashgate.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes and fsyncs that fail ({@link JournalIo}): the journal stops for good, a snapshot leaves no file behind. */
class DiskFailureTest
{
    @TempDir
    Path dir;

    /** Fails what it is told to, for files whose name starts with the prefix. */
    private static final class Failing implements JournalIo
    {
        volatile String failWritesOf = "none";
        volatile String failForcesOf = "none";

        @Override
        public void beforeWrite(final Path file) throws IOException
        {
            if (file.getFileName().toString().startsWith(failWritesOf))
            {
                throw new IOException("No space left on device (injected)");
            }
        }

        @Override
        public void beforeForce(final Path file) throws IOException
        {
            if (file.getFileName().toString().startsWith(failForcesOf))
            {
                throw new IOException("Input/output error (injected)");
            }
        }
    }

    @Test
    void aFailedFsyncStopsTheJournalAndKeepsTheDurableSequenceWhereItWas() throws IOException
    {
        final Failing io = new Failing();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
        try (Journal journal = Journal.open(new JournalConfig(dir, 1 << 20, JournalConfig.DEFAULT_BATCH_BUFFER_BYTES,
            FlushPolicy.FSYNC), io))
        {
            journal.append(1, payload, 0, 16);
            journal.flush();
            journal.append(2, payload, 0, 16);
            io.failForcesOf = "journal-";
            assertThrows(UncheckedIOException.class, journal::flush);
            assertEquals(1, journal.durableSequence(), "the failed batch is not durable");
            io.failForcesOf = "none";
            // A retry is not a fix: after a failed fsync the page cache cannot be trusted.
            assertThrows(IllegalStateException.class, journal::flush);
            assertThrows(IllegalStateException.class, () -> journal.append(3, payload, 0, 16));
            assertTrue(journal.activeFile().getFileName().toString().startsWith("journal-"));
        }
    }

    @Test
    void aFailedSnapshotWriteOrFsyncLeavesNoFileAndTheOlderSnapshotStillLoads() throws IOException
    {
        final Failing io = new Failing();
        final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), io);
        final UnsafeBuffer state = new UnsafeBuffer(new byte[100]);
        final Path older = store.write(10, state, 0, 100);

        io.failWritesOf = "snapshot-";
        assertThrows(IOException.class, () -> store.write(20, state, 0, 100));
        io.failWritesOf = "none";
        io.failForcesOf = "snapshot-";
        assertThrows(IOException.class, () -> store.write(30, state, 0, 100));

        assertEquals(List.of(older.getFileName().toString()), filesIn(dir.resolve("snapshots")),
            "no snapshot or temporary file of the failed writes");
        assertEquals(10, store.loadNewest(Long.MAX_VALUE).snapshot().orElseThrow().sequence());
    }

    private static List<String> filesIn(final Path folder) throws IOException
    {
        try (Stream<Path> files = Files.list(folder))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
