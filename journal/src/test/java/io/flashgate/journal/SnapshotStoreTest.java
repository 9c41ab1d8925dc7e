package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.flipBit;
import static io.flashgate.journal.JournalTestSupport.truncate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest
{
    private static final long OLDER = 1_000;
    private static final long NEWER = 2_000;

    @TempDir
    Path dir;

    private SnapshotStore store;
    private byte[] olderState;
    private byte[] newerState;
    private Path olderFile;
    private Path newerFile;

    @BeforeEach
    void writeTwoSnapshots() throws IOException
    {
        store = new SnapshotStore(dir.resolve("snapshots"));
        olderState = randomBytes(300, 1);
        newerState = randomBytes(500, 2);
        olderFile = write(OLDER, olderState);
        newerFile = write(NEWER, newerState);
    }

    @Test
    void newestSnapshotLoadsWithItsExactState() throws IOException
    {
        assertEquals("snapshot-00000000000000002000.snap", newerFile.getFileName().toString());
        assertEquals(List.of(olderFile, newerFile), store.list());

        final SnapshotLoad load = store.loadNewest(Long.MAX_VALUE);
        assertEquals(List.of(), load.skipped());
        assertLoaded(load, NEWER, newerFile, newerState);
    }

    @Test
    void newerSnapshotWithAFlippedByteIsSkippedWithAReason() throws IOException
    {
        flipBit(newerFile, 24 + 100, 4);

        final SnapshotLoad load = store.loadNewest(Long.MAX_VALUE);
        assertLoaded(load, OLDER, olderFile, olderState);
        assertSkipped(load, newerFile, "CRC mismatch");
    }

    @Test
    void truncatedNewerSnapshotIsSkippedWithAReason() throws IOException
    {
        truncate(newerFile, 24 + 200);

        final SnapshotLoad load = store.loadNewest(Long.MAX_VALUE);
        assertLoaded(load, OLDER, olderFile, olderState);
        assertSkipped(load, newerFile, "payload bytes");
    }

    @Test
    void snapshotTruncatedInsideItsHeaderIsSkipped() throws IOException
    {
        truncate(newerFile, 10);

        final SnapshotLoad load = store.loadNewest(Long.MAX_VALUE);
        assertLoaded(load, OLDER, olderFile, olderState);
        assertSkipped(load, newerFile, "too short");
    }

    @Test
    void snapshotWithAForeignMagicIsSkipped() throws IOException
    {
        flipBit(newerFile, 0, 0);

        final SnapshotLoad load = store.loadNewest(Long.MAX_VALUE);
        assertLoaded(load, OLDER, olderFile, olderState);
        assertSkipped(load, newerFile, "not a Flashgate snapshot");
    }

    @Test
    void maxSequenceExcludesLaterSnapshotsWithoutCallingThemBad() throws IOException
    {
        final SnapshotLoad atOlder = store.loadNewest(NEWER - 1);
        assertLoaded(atOlder, OLDER, olderFile, olderState);
        assertEquals(List.of(), atOlder.skipped());

        assertLoaded(store.loadNewest(NEWER), NEWER, newerFile, newerState);

        final SnapshotLoad none = store.loadNewest(OLDER - 1);
        assertTrue(none.snapshot().isEmpty());
        assertEquals(List.of(), none.skipped());
    }

    @Test
    void leftoverTempFileIsIgnored() throws IOException
    {
        final Path temp = dir.resolve("snapshots/snapshot-00000000000000003000.snap.tmp");
        Files.write(temp, randomBytes(50, 3));

        assertEquals(List.of(olderFile, newerFile), store.list());
        final SnapshotLoad load = store.loadNewest(Long.MAX_VALUE);
        assertLoaded(load, NEWER, newerFile, newerState);
        assertEquals(List.of(), load.skipped());
    }

    @Test
    void rewritingASequenceReplacesItAndLeavesNoTempFile() throws IOException
    {
        final byte[] replacement = randomBytes(10, 4);
        write(NEWER, replacement);

        assertLoaded(store.loadNewest(Long.MAX_VALUE), NEWER, newerFile, replacement);
        try (var files = Files.list(dir.resolve("snapshots")))
        {
            assertEquals(2, files.count(), "only the two snapshot files");
        }
    }

    @Test
    void emptyOrMissingFolderHasNoSnapshot() throws IOException
    {
        final SnapshotStore missing = new SnapshotStore(dir.resolve("nowhere"));
        assertEquals(List.of(), missing.list());
        assertTrue(missing.loadNewest(Long.MAX_VALUE).snapshot().isEmpty());
    }

    private Path write(final long sequence, final byte[] state) throws IOException
    {
        final byte[] padded = new byte[state.length + 9];
        System.arraycopy(state, 0, padded, 5, state.length);
        return store.write(sequence, new UnsafeBuffer(padded), 5, state.length);
    }

    private static void assertLoaded(final SnapshotLoad load, final long sequence, final Path file, final byte[] state)
    {
        assertTrue(load.snapshot().isPresent(), "a snapshot loads; skipped " + load.skipped());
        final Snapshot snapshot = load.snapshot().get();
        assertEquals(sequence, snapshot.sequence());
        assertEquals(file, snapshot.file());
        assertEquals(state.length, snapshot.length());
        final byte[] copy = new byte[snapshot.length()];
        snapshot.state().getBytes(0, copy);
        assertArrayEquals(state, copy);
    }

    private static void assertSkipped(final SnapshotLoad load, final Path file, final String reason)
    {
        assertEquals(1, load.skipped().size(), load.skipped().toString());
        final String skipped = load.skipped().get(0);
        assertTrue(skipped.startsWith(file + ": "), skipped);
        assertTrue(skipped.contains(reason), skipped);
    }

    private static byte[] randomBytes(final int length, final long seed)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
