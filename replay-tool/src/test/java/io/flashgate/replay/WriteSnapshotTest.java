package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** snapshot writes, offline, the snapshot the engine then starts from without replaying anything. */
@Timeout(60)
class WriteSnapshotTest
{
    @TempDir
    Path temp;

    @Test
    void theEngineStartsFromItWithTheSameState() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);
        final Path expected = Fixture.snapshotDir(data).resolve(String.format("snapshot-%020d.snap", w.lastSequence()));

        final Fixture.Result r = Fixture.tool("snapshot", "--data-dir", data.toString());
        final Fixture.Result again = Fixture.tool("snapshot", "--data-dir", data.toString());

        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().startsWith("wrote " + expected + ": state at sequence " + w.lastSequence()
            + " (snapshot at sequence " + w.snapshotSequence() + " + "), r.describe());
        assertTrue(r.out().endsWith(String.format("state hash %016x%n", w.finalHash())), r.describe());
        assertTrue(Files.exists(expected));
        assertEquals(0, again.exit(), again.describe());
        assertTrue(again.out().startsWith("up to date: " + expected), again.describe());
        try (Fixture.Live live = Fixture.Live.start(data, Fixture.SMALL_SEGMENTS, Fixture.T0))
        {
            assertEquals(w.lastSequence(), live.engine.recovered().snapshotSequence());
            assertEquals(0, live.engine.recovered().replayedRecords());
            assertEquals(w.finalHash(), live.stateHash());
        }
    }

    @Test
    void aTornTailIsLeftForTheEngineAndTheSnapshotCoversWhatItKeeps() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Damage.Hit torn = Damage.tearTail(data);

        final Fixture.Result r = Fixture.tool("snapshot", "--data-dir", data.toString());

        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("state at sequence " + (torn.sequence() - 1)), r.describe());
        assertTrue(r.err().contains("replay-tool: note: torn tail in " + torn.segment()), r.describe());
        try (Fixture.Live live = Fixture.Live.start(data, Fixture.SMALL_SEGMENTS, Fixture.T0))
        {
            assertEquals(torn.sequence() - 1, live.engine.recovered().snapshotSequence());
            assertEquals(0, live.engine.recovered().replayedRecords());
        }
    }

    @Test
    void warnsOfASnapshotPastTheJournalsEnd() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);
        // The journal loses its last segments (say, to repair): the engine's snapshot now lies past its end.
        final java.util.List<Path> segments = Fixture.segments(data);
        for (final Path segment : segments.subList(2, segments.size()))
        {
            Files.delete(segment);
        }
        final long end = Fixture.firstSequenceInName(segments.get(2)) - 1;
        final Path stale = Fixture.snapshots(data).get(0);

        final Fixture.Result r = Fixture.tool("snapshot", "--data-dir", data.toString());

        assertTrue(w.snapshotSequence() > end);
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("state at sequence " + end + " (replayed from zero: " + end + " records)"),
            r.describe());
        assertTrue(r.err().contains("replay-tool: note: " + stale + " lies past the journal's end (" + end + ")"),
            r.describe());
    }

    @Test
    void refusesACorruptJournalAndARunningEngine() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Path corrupt = Journals.copyTo(temp.resolve("corrupt"));
        Damage.flipBitInMiddle(corrupt);
        final Map<Path, byte[]> before = Fixture.contents(corrupt);

        final Fixture.Result refused = Fixture.tool("snapshot", "--data-dir", corrupt.toString());
        final Fixture.Result locked;
        try (Fixture.Live live = Fixture.Live.start(data, Fixture.SMALL_SEGMENTS, Fixture.T0))
        {
            locked = Fixture.tool("snapshot", "--data-dir", data.toString());
        }

        assertEquals(ExitCodes.ENVIRONMENT, refused.exit(), refused.describe());
        assertTrue(refused.err().contains("the journal is corrupt, the engine would not start from it"),
            refused.describe());
        Fixture.assertUnchanged(before, corrupt);
        assertEquals(ExitCodes.ENVIRONMENT, locked.exit(), locked.describe());
        assertTrue(locked.err().contains("is locked by another process (a running engine?); stop the engine first"),
            locked.describe());
    }
}
