package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flashgate.protocol.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** rebuild prints what the live engine said: each sale's figures and the state hash, now and at past moments. */
@Timeout(60)
class RebuildTest
{
    @TempDir
    Path temp;

    @Test
    void agreesWithTheLiveEngineAtTheEndFromTheSnapshot() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);

        final Fixture.Result r = Fixture.tool("rebuild", "--data-dir", data.toString());

        assertEquals(0, r.exit(), r.describe());
        assertEquals(List.of("state: at the journal's end: sequence " + w.lastSequence() + ", snapshot at sequence "
            + w.snapshotSequence() + " + " + (w.lastSequence() - w.snapshotSequence()) + " records"),
            r.linesStartingWith("state: "), r.describe());
        assertEquals(List.of(figures(w.finalSales().get("flash")), figures(w.finalSales().get("other"))),
            r.linesStartingWith("sale "), r.describe());
        assertEquals(List.of("orders: " + w.keys().size()), r.linesStartingWith("orders: "));
        assertEquals(List.of(hashLine(w.finalHash())), r.linesStartingWith("state hash: "), r.describe());
        assertTrue(r.err().matches("(?s).*replay-tool: rebuild: " + (w.lastSequence() - w.snapshotSequence())
            + " records replayed after the snapshot at " + w.snapshotSequence()
            + " in [0-9.]+ s \\([0-9,]+ records/s\\)\\n"), r.describe());
    }

    @Test
    void fromZeroGivesTheSameState() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);

        final Fixture.Result r = Fixture.tool("rebuild", "--from-zero", "--data-dir", data.toString());

        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("replayed from zero: " + w.lastSequence() + " records"), r.describe());
        assertEquals(List.of(hashLine(w.finalHash())), r.linesStartingWith("state hash: "), r.describe());
    }

    @Test
    void atASequenceShowsTheStateThen() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);
        final Reply.Sale then = (Reply.Sale)w.midQuery().reply();

        final Fixture.Result r = Fixture.tool("rebuild", "--data-dir", data.toString(), "--at-seq",
            String.valueOf(w.midQuery().sequence()));

        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.linesStartingWith("sale ").contains(figures(then)), r.describe());
        assertEquals(List.of(hashLine(w.midHash())), r.linesStartingWith("state hash: "), r.describe());
    }

    @Test
    void atATimeShowsTheStateWhileTheClockReadThatTime() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);

        // The mid query is the last command stamped at midTime; the next one is stamped 61 s later.
        final Fixture.Result mid = Fixture.tool("rebuild", "--data-dir", data.toString(), "--at-time",
            Instant.ofEpochMilli(w.midTime() + 60_000).toString());
        final Fixture.Result before = Fixture.tool("rebuild", "--data-dir", data.toString(), "--at-time",
            Instant.ofEpochMilli(Fixture.T0 - 1).toString());

        assertEquals(0, mid.exit(), mid.describe());
        assertTrue(mid.out().contains("sequence " + w.midQuery().sequence() + " (the next command is stamped later)"),
            mid.describe());
        assertEquals(List.of(hashLine(w.midHash())), mid.linesStartingWith("state hash: "), mid.describe());
        assertEquals(0, before.exit(), before.describe());
        assertEquals(List.of(), before.linesStartingWith("sale "), before.describe());
        assertEquals(List.of("orders: 0"), before.linesStartingWith("orders: "), before.describe());
    }

    @Test
    void aDamagedSnapshotIsSkippedAsTheEngineSkipsIt() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);
        final Path snapshot = Damage.corruptSnapshot(data);

        final Fixture.Result r = Fixture.tool("rebuild", "--data-dir", data.toString());

        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.err().contains("replay-tool: note: skipped snapshot " + snapshot + ": CRC mismatch"),
            r.describe());
        assertTrue(r.out().contains("replayed from zero: " + w.lastSequence() + " records"), r.describe());
        assertEquals(List.of(hashLine(w.finalHash())), r.linesStartingWith("state hash: "), r.describe());
    }

    @Test
    void aTornTailGivesTheStateTheRestartedEngineRecovers() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);
        final Damage.Hit torn = Damage.tearTail(data);

        final Fixture.Result r = Fixture.tool("rebuild", "--data-dir", data.toString());

        assertEquals(ExitCodes.FAILED, r.exit(), r.describe());
        assertTrue(r.err().contains("replay-tool: note: torn tail in " + torn.segment() + " at offset " + torn.offset()),
            r.describe());
        assertTrue(r.err().contains("the journal is damaged after sequence " + (torn.sequence() - 1)), r.describe());
        assertTrue(r.out().contains("state: at the journal's end: sequence " + (torn.sequence() - 1)), r.describe());
        final long restarted;
        try (Fixture.Live live = Fixture.Live.start(data, Fixture.SMALL_SEGMENTS, Fixture.T0))
        {
            assertEquals(torn.sequence() - 1, live.engine.recovered().lastSequence());
            restarted = live.stateHash();
        }
        assertEquals(List.of(hashLine(restarted)), r.linesStartingWith("state hash: "), r.describe());
        // Before the damage, the state is whole: exit 0.
        final Fixture.Result earlier = Fixture.tool("rebuild", "--data-dir", data.toString(), "--at-seq",
            String.valueOf(w.midQuery().sequence()));
        assertEquals(0, earlier.exit(), earlier.describe());
        assertEquals(List.of(hashLine(w.midHash())), earlier.linesStartingWith("state hash: "), earlier.describe());
    }

    @Test
    void aPointPastTheEndIsRefused() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);

        final Fixture.Result r = Fixture.tool("rebuild", "--data-dir", data.toString(), "--at-seq",
            String.valueOf(w.lastSequence() + 1));
        final Fixture.Result both = Fixture.tool("rebuild", "--data-dir", data.toString(), "--at-seq", "3",
            "--at-time", "2027-01-15T08:00:00Z");

        assertEquals(ExitCodes.ENVIRONMENT, r.exit(), r.describe());
        assertTrue(r.err().contains("replay-tool: rebuild: --at-seq " + (w.lastSequence() + 1)
            + " is past the end of the journal (" + w.lastSequence() + ")"), r.describe());
        assertEquals(ExitCodes.USAGE, both.exit(), both.describe());
        assertTrue(both.err().contains("--at-seq and --at-time cannot be used together"), both.describe());
    }

    static String figures(final Reply.Sale sale)
    {
        return "sale " + sale.saleId() + ": stock=" + sale.stock() + " reserved=" + sale.reserved() + " confirmed="
            + sale.confirmed() + " remaining=" + sale.remaining() + " buyers=" + sale.buyers() + " limitPerUser="
            + sale.limitPerUser() + " status=" + sale.status();
    }

    static String hashLine(final long hash)
    {
        return String.format("state hash: %016x", hash);
    }
}
