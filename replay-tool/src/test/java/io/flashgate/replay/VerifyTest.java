package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.journal.JournalReader;
import io.flashgate.journal.SnapshotStore;
import org.agrona.ExpandableDirectByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

@Timeout(60)
class VerifyTest
{
    @TempDir
    Path temp;

    @Test
    void aCleanJournalIsCleanAndVerifyChangesNothing() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);
        final Map<Path, byte[]> before = Fixture.contents(data);

        final Fixture.Result r = Fixture.tool("verify", "--data-dir", data.toString());

        assertEquals(0, r.exit(), r.describe());
        final List<Path> segments = Fixture.segments(data);
        assertEquals(segments.size(), r.lines().stream().filter(l -> l.startsWith("  journal-") && l.endsWith(": ok"))
            .count(), r.describe());
        assertTrue(r.out().contains("snapshot-" + String.format("%020d", w.snapshotSequence()) + ".snap  ok: agrees "
            + "with the journal (state hash "), r.describe());
        assertTrue(r.out().contains("valid prefix: records 1.." + w.lastSequence() + " (" + w.lastSequence() + ")"),
            r.describe());
        assertTrue(r.out().contains("first bad offset: none"), r.describe());
        assertTrue(r.out().contains("verdict: clean"), r.describe());
        assertTrue(r.err().matches("(?s).*replay-tool: verify: " + w.lastSequence()
            + " journal records checked in [0-9.]+ s \\([0-9,]+ records/s\\)\\n"), r.describe());
        Fixture.assertUnchanged(before, data);
    }

    @Test
    void aTornTailIsReportedAtItsOffset() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Damage.Hit torn = Damage.tearTail(data);

        final Fixture.Result r = Fixture.tool("verify", "--data-dir", data.toString());

        assertEquals(ExitCodes.FAILED, r.exit(), r.describe());
        assertTrue(r.out().contains(torn.segment().getFileName() + "  records "), r.describe());
        assertTrue(r.out().contains(": TORN TAIL at offset " + torn.offset() + " of " + (torn.offset() + 20)),
            r.describe());
        assertTrue(r.out().contains("first bad offset: " + torn.segment() + " offset " + torn.offset()
            + " (torn tail; last good sequence " + (torn.sequence() - 1) + ")"), r.describe());
        assertTrue(r.out().contains("verdict: torn tail"), r.describe());
        assertTrue(r.err().contains("replay-tool: verify: 1 problem(s); first: torn tail in " + torn.segment()),
            r.describe());
    }

    @Test
    void aFlippedBitIsCorruptionAtThatRecord() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Damage.Hit flipped = Damage.flipBitInMiddle(data);

        final Fixture.Result r = Fixture.tool("verify", "--data-dir", data.toString());

        assertEquals(ExitCodes.FAILED, r.exit(), r.describe());
        assertTrue(r.out().contains(": CORRUPT at offset " + flipped.offset() + " of "), r.describe());
        assertTrue(r.out().contains("CRC mismatch"), r.describe());
        assertTrue(r.out().contains("not the last segment, so not a torn tail"), r.describe());
        assertTrue(r.out().contains("first bad offset: " + flipped.segment() + " offset " + flipped.offset()
            + " (corruption; last good sequence " + (flipped.sequence() - 1) + ")"), r.describe());
        assertTrue(r.out().contains("verdict: CORRUPT: the engine will refuse to start"), r.describe());
    }

    @Test
    void aMissingSegmentIsAGapNamingTheLostRecords() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Damage.Hit gone = Damage.removeSegment(data);
        final Path next = Fixture.segments(data).get(2);

        final Fixture.Result r = Fixture.tool("verify", "--data-dir", data.toString());

        assertEquals(ExitCodes.FAILED, r.exit(), r.describe());
        assertTrue(r.out().contains("sequence gap: records " + gone.sequence() + ".."
            + (Fixture.firstSequenceInName(next) - 1) + " are missing"), r.describe());
        assertTrue(r.out().contains("first bad offset: " + next + " offset 0 (corruption; last good sequence "
            + (gone.sequence() - 1) + ")"), r.describe());
    }

    @Test
    void aPrunedStartIsFineOnlyWhileASnapshotCoversIt() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);
        final Path first = Fixture.segments(data).get(0);
        final long next = Fixture.firstSequenceInName(Fixture.segments(data).get(1));
        java.nio.file.Files.delete(first);

        final Fixture.Result covered = Fixture.tool("verify", "--data-dir", data.toString());
        java.nio.file.Files.delete(Fixture.snapshots(data).get(0));
        final Fixture.Result uncovered = Fixture.tool("verify", "--data-dir", data.toString());

        assertEquals(0, covered.exit(), covered.describe());
        assertTrue(covered.out().contains("valid prefix: records " + next + ".." + w.lastSequence()), covered.describe());
        assertEquals(ExitCodes.FAILED, uncovered.exit(), uncovered.describe());
        assertTrue(uncovered.out().contains("MISSING START: the first segment starts at sequence " + next
            + ": records 1.." + (next - 1) + " are missing and no snapshot covers them"), uncovered.describe());
    }

    @Test
    void aDamagedSnapshotIsReportedWhileTheJournalIsSound() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Path snapshot = Damage.corruptSnapshot(data);

        final Fixture.Result r = Fixture.tool("verify", "--data-dir", data.toString());

        assertEquals(ExitCodes.FAILED, r.exit(), r.describe());
        assertTrue(r.out().contains(snapshot.getFileName() + "  BAD: CRC mismatch"), r.describe());
        assertTrue(r.out().contains("first bad offset: none"), r.describe());
        assertTrue(r.out().contains("verdict: journal sound, snapshot problem(s)"), r.describe());
    }

    @Test
    void aSnapshotThatDisagreesWithTheJournalIsCaught() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);
        // A well-formed snapshot of the state at the midpoint, filed under a later sequence.
        final BusinessLogic logic = new BusinessLogic();
        JournalReader.open(Fixture.journalDir(data)).replay(0, w.midQuery().sequence(),
            (sequence, buffer, offset, length) -> logic.onCommand(buffer, offset, length, (b, o, l) -> { }));
        final ExpandableDirectByteBuffer state = new ExpandableDirectByteBuffer(1 << 16);
        final int length = StateSnapshot.write(logic, state);
        final long wrongPlace = w.snapshotSequence() + 10;
        new SnapshotStore(Fixture.snapshotDir(data)).write(wrongPlace, state, 0, length);

        final Fixture.Result r = Fixture.tool("verify", "--data-dir", data.toString());

        assertEquals(ExitCodes.FAILED, r.exit(), r.describe());
        assertTrue(r.out().contains(String.format("snapshot-%020d.snap  BAD: disagrees with the journal: its state "
            + "hash is %016x but replaying the journal to sequence %d gives ", wrongPlace, w.midHash(), wrongPlace)),
            r.describe());
        assertTrue(r.out().contains(String.format("snapshot-%020d.snap  ok: agrees", w.snapshotSequence())),
            r.describe());
    }

    @Test
    void aSnapshotPastTheJournalsEndIsDangerous() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);
        // What a crash can leave: business logic wrote the snapshot, the journal never got that far.
        final List<Path> segments = Fixture.segments(data);
        for (final Path segment : segments.subList(2, segments.size()))
        {
            java.nio.file.Files.delete(segment);
        }
        final long end = Fixture.firstSequenceInName(segments.get(2)) - 1;

        final Fixture.Result r = Fixture.tool("verify", "--data-dir", data.toString());

        assertEquals(ExitCodes.FAILED, r.exit(), r.describe());
        assertTrue(r.out().contains(String.format("snapshot-%020d.snap  BAD: past the journal's end (%d): it holds a "
            + "history this journal no longer has", w.snapshotSequence(), end)), r.describe());
        assertTrue(r.out().contains("verdict: journal sound, snapshot problem(s)"), r.describe());
    }

    @Test
    void anotherFormatVersionIsNamed() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        for (final Path segment : Fixture.segments(data))
        {
            Damage.setFormatVersion(segment, 2);
        }

        final Fixture.Result r = Fixture.tool("verify", "--data-dir", data.toString());

        assertEquals(ExitCodes.FAILED, r.exit(), r.describe());
        assertTrue(r.out().contains("unsupported format version 2 (this build reads version 1)"), r.describe());
        assertTrue(r.out().contains("verdict: UNREADABLE"), r.describe());
    }

    @Test
    void runsBesideARunningEngine() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);
        try (Fixture.Live live = Fixture.Live.start(data, Fixture.SMALL_SEGMENTS, Fixture.T0 + 120_000))
        {
            live.sale("flash");
            final Fixture.Result r = Fixture.tool("verify", "--data-dir", data.toString());
            assertEquals(0, r.exit(), r.describe());
            assertTrue(r.out().contains("valid prefix: records 1.." + (w.lastSequence() + 1)), r.describe());
        }
    }

    @Test
    void quickSkipsTheSnapshotComparison() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Fixture.Result r = Fixture.tool("verify", "--quick", "--data-dir", data.toString());
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("ok: checksum and decoding fine; not compared with the journal (--quick)"),
            r.describe());
    }
}
