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
import java.util.List;

/** diff compares a primary's journal with its standby's and names the first record where they part. */
@Timeout(60)
class DiffTest
{
    @TempDir
    Path temp;

    @Test
    void copiesAreIdentical() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path a = Journals.copyTo(temp.resolve("a"));
        final Path b = Journals.copyTo(temp.resolve("b"));

        final Fixture.Result r = Fixture.tool("diff", a.toString(), Fixture.journalDir(b).toString());

        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("identical: " + w.lastSequence() + " records (1.." + w.lastSequence() + ")"),
            r.describe());
        assertTrue(r.err().contains("replay-tool: diff: " + w.lastSequence() + " records compared in "), r.describe());
    }

    @Test
    void aLaggingStandbyIsAPrefix() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path a = Journals.copyTo(temp.resolve("a"));
        final Path b = Journals.copyTo(temp.resolve("b"));
        final List<Path> segments = Fixture.segments(b);
        final Path last = segments.get(segments.size() - 1);
        final long lagFrom = Fixture.firstSequenceInName(last);
        Files.delete(last);

        final Fixture.Result r = Fixture.tool("diff", a.toString(), b.toString());
        final Fixture.Result reversed = Fixture.tool("diff", b.toString(), a.toString());

        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("B is a prefix of A: A has " + (w.lastSequence() - lagFrom + 1) + " more records ("
            + lagFrom + ".." + w.lastSequence() + ")"), r.describe());
        assertEquals(0, reversed.exit(), reversed.describe());
        assertTrue(reversed.out().contains("A is a prefix of B"), reversed.describe());
    }

    @Test
    void theFirstDivergentRecordIsShownFromBothSides() throws IOException
    {
        final Path a = Journals.copyTo(temp.resolve("a"));
        final Path b = Journals.copyTo(temp.resolve("b"));
        final Path segment = Fixture.segments(b).get(2);
        final long offset = Fixture.recordOffsets(segment).get(3);
        final long sequence = Fixture.sequenceAt(segment, offset);
        Damage.rewriteRecord(segment, offset);
        // A later one too: only the first is reported.
        final Path later = Fixture.segments(b).get(4);
        Damage.rewriteRecord(later, Fixture.recordOffsets(later).get(0));

        final Fixture.Result r = Fixture.tool("diff", a.toString(), b.toString());

        assertEquals(ExitCodes.FAILED, r.exit(), r.describe());
        final List<String> lines = r.lines();
        final int at = lines.indexOf("first divergence at sequence " + sequence + ":");
        assertTrue(at > 0, r.describe());
        assertTrue(lines.get(at + 1).startsWith("  A: {\"type\":\"PURCHASE\",\"sequence\":" + sequence), r.describe());
        assertTrue(lines.get(at + 2).startsWith("  B: {\"type\":\"PURCHASE\",\"sequence\":" + sequence), r.describe());
        assertTrue(!lines.get(at + 1).substring(5).equals(lines.get(at + 2).substring(5)), r.describe());
        assertTrue(r.err().contains("replay-tool: diff: the journals diverge at sequence " + sequence), r.describe());
    }

    @Test
    void needsTwoFolders() throws IOException
    {
        final Path a = Journals.copyTo(temp);
        final Fixture.Result one = Fixture.tool("diff", a.toString());
        final Fixture.Result missing = Fixture.tool("diff", a.toString(), temp.resolve("nowhere").toString());

        assertEquals(ExitCodes.USAGE, one.exit(), one.describe());
        assertTrue(one.err().contains("missing argument B"), one.describe());
        assertEquals(ExitCodes.ENVIRONMENT, missing.exit(), missing.describe());
        assertTrue(missing.err().contains("no such folder: " + temp.resolve("nowhere")), missing.describe());
    }
}
