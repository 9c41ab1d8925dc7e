package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** repair moves damage aside, never deletes a byte, and leaves a journal the engine starts from. */
@Timeout(60)
class RepairTest
{
    @TempDir
    Path temp;

    @Test
    void aTornTailIsMovedToAQuarantineFileAndTheEngineStarts() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Damage.Hit torn = Damage.tearTail(data);
        final byte[] original = Files.readAllBytes(torn.segment());

        final Fixture.Result r = Fixture.tool("repair", "--data-dir", data.toString());

        assertEquals(0, r.exit(), r.describe());
        final Path quarantine = quarantineOf(torn.segment());
        assertTrue(r.out().contains("moved bytes " + torn.offset() + ".." + (torn.offset() + 20) + " (20 bytes) of "
            + torn.segment().getFileName() + " to " + quarantine.getFileName()), r.describe());
        assertTrue(r.out().contains("the journal now holds records 1.." + (torn.sequence() - 1)), r.describe());
        assertFalse(r.out().contains("WARNING"), r.describe());
        assertArrayEquals(Arrays.copyOfRange(original, (int)torn.offset(), original.length),
            Files.readAllBytes(quarantine));
        assertEquals(torn.offset(), Files.size(torn.segment()));
        assertEquals(0, Fixture.tool("verify", "--data-dir", data.toString()).exit());
        try (Fixture.Live live = Fixture.Live.start(data, Fixture.SMALL_SEGMENTS, Fixture.T0))
        {
            assertEquals(torn.sequence() - 1, live.engine.recovered().lastSequence());
            assertFalse(live.engine.recovered().describe().contains("skipped"));
        }
    }

    @Test
    void corruptionMovesTheRestOfTheJournalAndTheSnapshotsPastItWithAWarning() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);
        final Damage.Hit flipped = Damage.flipBitInMiddle(data);
        final List<Path> segments = Fixture.segments(data);
        final Map<Path, byte[]> before = Fixture.contents(data);
        final Path snapshot = Fixture.snapshots(data).get(0);

        final Fixture.Result r = Fixture.tool("repair", "--data-dir", data.toString());

        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("moving " + (segments.size() - 1 + 1) + " item(s):"), r.describe());
        assertTrue(r.out().contains("WARNING: that was corruption, not a torn tail: the quarantined bytes hold "
            + "records that were acknowledged (after sequence " + (flipped.sequence() - 1) + ")"), r.describe());
        // Not a byte lost: the damaged segment's head plus its quarantine is the old file; later ones are renamed.
        final byte[] head = Files.readAllBytes(flipped.segment());
        final byte[] tail = Files.readAllBytes(quarantineOf(flipped.segment()));
        assertEquals(flipped.offset(), head.length);
        final byte[] joined = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, joined, head.length, tail.length);
        assertArrayEquals(before.get(data.relativize(flipped.segment())), joined);
        for (final Path later : segments.subList(2, segments.size()))
        {
            assertFalse(Files.exists(later), later + " moved");
            assertArrayEquals(before.get(data.relativize(later)), Files.readAllBytes(quarantineOf(later)));
        }
        // The snapshot is past the journal's new end: the engine would load it once new records reached it.
        assertTrue(w.snapshotSequence() > flipped.sequence());
        assertFalse(Files.exists(snapshot));
        assertArrayEquals(before.get(data.relativize(snapshot)), Files.readAllBytes(quarantineOf(snapshot)));

        assertEquals(0, Fixture.tool("verify", "--data-dir", data.toString()).exit());
        try (Fixture.Live live = Fixture.Live.start(data, Fixture.SMALL_SEGMENTS, Fixture.T0))
        {
            assertEquals(flipped.sequence() - 1, live.engine.recovered().lastSequence());
        }
    }

    @Test
    void aMissingSegmentQuarantinesWhatFollowsTheGap() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Damage.Hit gone = Damage.removeSegment(data);
        final List<Path> after = Fixture.segments(data).subList(2, Fixture.segments(data).size());

        final Fixture.Result r = Fixture.tool("repair", "--data-dir", data.toString());

        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("sequence gap: records " + gone.sequence() + ".."), r.describe());
        assertTrue(r.out().contains("WARNING"), r.describe());
        after.forEach(segment -> assertTrue(Files.exists(quarantineOf(segment)), segment + " quarantined"));
        assertEquals(2, Fixture.segments(data).size());
        final Fixture.Result verify = Fixture.tool("verify", "--data-dir", data.toString());
        assertEquals(0, verify.exit(), verify.describe());
        assertTrue(verify.out().contains("valid prefix: records 1.." + (gone.sequence() - 1)), verify.describe());
    }

    @Test
    void aDamagedSnapshotIsQuarantinedAndTheJournalLeftAlone() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Path snapshot = Damage.corruptSnapshot(data);
        final byte[] damaged = Files.readAllBytes(snapshot);
        final Map<Path, byte[]> journal = Fixture.contents(Fixture.journalDir(data));

        final Fixture.Result r = Fixture.tool("repair", "--data-dir", data.toString());

        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("moved " + snapshot.getFileName() + " to " + quarantineOf(snapshot).getFileName()),
            r.describe());
        assertArrayEquals(damaged, Files.readAllBytes(quarantineOf(snapshot)));
        Fixture.assertUnchanged(journal, Fixture.journalDir(data));
        assertEquals(0, Fixture.tool("verify", "--data-dir", data.toString()).exit());
    }

    @Test
    void refusesWhileTheEngineRunsAndChangesNothing() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        Damage.tearTail(data);
        try (Fixture.Live live = Fixture.Live.start(data, Fixture.SMALL_SEGMENTS, Fixture.T0))
        {
            final Map<Path, byte[]> before = Fixture.contents(data);
            final Fixture.Result r = Fixture.tool("repair", "--data-dir", data.toString());
            assertEquals(ExitCodes.ENVIRONMENT, r.exit(), r.describe());
            assertEquals("replay-tool: repair: journal " + Fixture.journalDir(data) + " is locked by another process "
                + "(a running engine?); stop the engine first\n", r.err());
            Fixture.assertUnchanged(before, data);
        }
    }

    @Test
    void dryRunAndACleanJournalChangeNothing() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Fixture.Result clean = Fixture.tool("repair", "--data-dir", data.toString());
        final Damage.Hit torn = Damage.tearTail(data);
        final Map<Path, byte[]> before = Fixture.contents(data);

        final Fixture.Result dry = Fixture.tool("repair", "--dry-run", "--data-dir", data.toString());

        assertEquals(0, clean.exit(), clean.describe());
        assertTrue(clean.out().startsWith("nothing to repair: the journal holds records 1.."), clean.describe());
        assertEquals(0, dry.exit(), dry.describe());
        assertTrue(dry.out().contains("would move 1 item(s):\n  move bytes " + torn.offset()), dry.describe());
        assertTrue(dry.out().contains("dry run, nothing moved"), dry.describe());
        Fixture.assertUnchanged(before, data);
    }

    @Test
    void refusesAJournalOfAnotherFormatVersion() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        for (final Path segment : Fixture.segments(data))
        {
            Damage.setFormatVersion(segment, 2);
        }
        final Map<Path, byte[]> before = Fixture.contents(data);

        final Fixture.Result r = Fixture.tool("repair", "--data-dir", data.toString());

        assertEquals(ExitCodes.ENVIRONMENT, r.exit(), r.describe());
        assertTrue(r.err().contains("unsupported format version 2 (this build reads version 1); use the replay tool "
            + "of the build that wrote it"), r.describe());
        Fixture.assertUnchanged(before, data);
    }

    static Path quarantineOf(final Path file)
    {
        return file.resolveSibling(file.getFileName() + ".quarantine-1");
    }
}
