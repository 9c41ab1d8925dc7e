package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The command line itself: usage, clear errors, exit codes, and no verb crashing on any damage. */
@Timeout(60)
class ReplayToolTest
{
    private static final List<String> VERBS = List.of("verify", "dump", "rebuild", "export", "repair", "snapshot",
        "diff", "draw-audit");

    @TempDir
    Path temp;

    @Test
    void usageAndHelp()
    {
        final Fixture.Result none = Fixture.tool();
        final Fixture.Result help = Fixture.tool("--help");
        final Fixture.Result unknown = Fixture.tool("fix", "--data-dir", "x");

        assertEquals(ExitCodes.USAGE, none.exit());
        assertTrue(none.err().startsWith("usage: replay-tool <verb> [options]"), none.describe());
        assertEquals(ExitCodes.OK, help.exit());
        for (final String verb : VERBS)
        {
            assertTrue(help.out().contains("\n  " + verb + " "), verb + " listed: " + help.describe());
            final Fixture.Result verbHelp = Fixture.tool(verb, "--help");
            assertEquals(ExitCodes.OK, verbHelp.exit(), verbHelp.describe());
            assertTrue(verbHelp.out().startsWith("usage: replay-tool " + verb), verbHelp.describe());
        }
        assertEquals(ExitCodes.USAGE, unknown.exit());
        assertEquals("replay-tool: unknown verb 'fix' (verbs: " + String.join(", ", VERBS)
            + "; see replay-tool --help)\n", unknown.err());
    }

    @Test
    void aMissingOrWrongFolderIsOneClearLine() throws IOException
    {
        final Path empty = Files.createDirectories(temp.resolve("empty"));
        final Path file = Files.writeString(temp.resolve("file"), "x");

        final Fixture.Result noOption = Fixture.tool("rebuild");
        final Fixture.Result missing = Fixture.tool("verify", "--data-dir", temp.resolve("nowhere").toString());
        final Fixture.Result notData = Fixture.tool("dump", "--data-dir", empty.toString());
        final Fixture.Result notFolder = Fixture.tool("rebuild", "--data-dir", file.toString());

        assertEquals(ExitCodes.USAGE, noOption.exit());
        assertEquals("replay-tool: rebuild: missing --data-dir (see: replay-tool rebuild --help)\n", noOption.err());
        assertEquals(ExitCodes.ENVIRONMENT, missing.exit());
        assertEquals("replay-tool: verify: no such folder: " + temp.resolve("nowhere") + "\n", missing.err());
        assertEquals(ExitCodes.ENVIRONMENT, notData.exit());
        assertEquals("replay-tool: dump: " + empty + " is not a Flashgate data folder: it has no journal/ folder and no "
            + "journal-*.seg files\n", notData.err());
        assertEquals(ExitCodes.ENVIRONMENT, notFolder.exit());
        assertEquals("replay-tool: rebuild: " + file + " is a file, not a folder\n", notFolder.err());
    }

    @Test
    void anotherFormatVersionStopsEveryVerbThatReadsRecords() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        for (final Path segment : Fixture.segments(data))
        {
            Damage.setFormatVersion(segment, 7);
        }
        final String reason = "unsupported format version 7 (this build reads version 1); use the replay tool of the "
            + "build that wrote it";
        for (final String[] args : List.of(new String[] {"dump", "--data-dir", data.toString()},
            new String[] {"rebuild", "--data-dir", data.toString()},
            new String[] {"export", "--sale", "flash", "--data-dir", data.toString()},
            new String[] {"snapshot", "--data-dir", data.toString()},
            new String[] {"diff", data.toString(), data.toString()}))
        {
            final Fixture.Result r = Fixture.tool(args);
            assertEquals(ExitCodes.ENVIRONMENT, r.exit(), r.describe());
            assertTrue(r.err().contains("cannot read " + Fixture.segments(data).get(0) + ": " + reason), r.describe());
        }
    }

    /** Every verb on every kind of damage: an answer and an exit code, never a crash or an "unexpected error". */
    @Test
    void noDamageCrashesAnyVerb() throws IOException
    {
        final Map<String, Breakage> damages = new LinkedHashMap<>();
        damages.put("torn tail", data -> Damage.tearTail(data));
        damages.put("flipped bit", data -> Damage.flipBitInMiddle(data));
        damages.put("flipped length", data ->
        {
            final Path segment = Fixture.segments(data).get(1);
            Fixture.flipBit(segment, Fixture.recordOffsets(segment).get(1) + 3, 6);
        });
        damages.put("missing segment", data -> Damage.removeSegment(data));
        damages.put("missing first segment, no snapshot", data ->
        {
            Files.delete(Fixture.segments(data).get(0));
            Files.delete(Fixture.snapshots(data).get(0));
        });
        damages.put("bad snapshot", data -> Damage.corruptSnapshot(data));
        damages.put("truncated snapshot", data -> Fixture.truncate(Fixture.snapshots(data).get(0), 10));
        damages.put("empty last segment", data -> Fixture.truncate(last(data), 0));
        damages.put("garbage segment", data -> Files.write(Fixture.journalDir(data).resolve(
            "journal-00000000000000099999.seg"), new byte[100]));
        damages.put("no segments", data ->
        {
            for (final Path segment : Fixture.segments(data))
            {
                Files.delete(segment);
            }
        });

        final List<String> report = new ArrayList<>();
        for (final Map.Entry<String, Breakage> damage : damages.entrySet())
        {
            for (final String verb : VERBS)
            {
                final Path data = Journals.copyTo(temp.resolve(damage.getKey().replaceAll("[ ,]+", "-") + "-" + verb));
                final Path pristine = Journals.copyTo(temp.resolve(damage.getKey().replaceAll("[ ,]+", "-") + "-" + verb
                    + "-pristine"));
                damage.getValue().apply(data);
                final Fixture.Result r = switch (verb)
                {
                    case "export" -> Fixture.tool(verb, "--sale", "flash", "--data-dir", data.toString());
                    case "diff" -> Fixture.tool(verb, pristine.toString(), data.toString());
                    case "draw-audit" -> Fixture.tool(verb, "--sale", "flash", "--data-dir", data.toString());
                    default -> Fixture.tool(verb, "--data-dir", data.toString());
                };
                final String what = damage.getKey() + " / " + verb + ": " + r.describe();
                assertTrue(Set.of(ExitCodes.OK, ExitCodes.FAILED, ExitCodes.ENVIRONMENT).contains(r.exit()), what);
                assertFalse(r.err().contains("unexpected error"), what);
                if (r.exit() != ExitCodes.OK)
                {
                    assertTrue(r.err().contains("replay-tool: " + verb + ": "), "says why: " + what);
                }
                if (verb.equals("verify"))
                {
                    assertEquals(ExitCodes.FAILED, r.exit(), "verify finds it: " + what);
                }
                report.add(damage.getKey() + " / " + verb + " -> " + r.exit());
            }
        }
        assertEquals(damages.size() * VERBS.size(), report.size());
    }

    @Test
    void aProgressBarOnlyForAPersonAndAlwaysTheRate()
    {
        final ByteArrayOutputStream drawn = new ByteArrayOutputStream();
        final ByteArrayOutputStream plain = new ByteArrayOutputStream();
        final Progress bar = new Progress(new Terminal(System.out, new PrintStream(drawn, true, StandardCharsets.UTF_8),
            true), "verify", 1 << 17);
        final Progress quiet = new Progress(new Terminal(System.out, new PrintStream(plain, true,
            StandardCharsets.UTF_8), false), "verify", 1 << 17);
        for (int i = 0; i < 1 << 17; i++)
        {
            bar.step();
            quiet.step();
        }
        bar.finish();
        quiet.finish();

        final String withBar = drawn.toString(StandardCharsets.UTF_8);
        final String withoutBar = plain.toString(StandardCharsets.UTF_8);
        assertTrue(withBar.startsWith("\rverify [###############---------------]  50% 65,536/131,072  "), withBar);
        assertTrue(withoutBar.matches("replay-tool: verify: 131,072 records in [0-9.]+ s \\([0-9,]+ records/s\\)\\n"),
            withoutBar);
        assertTrue(withBar.contains("\rreplay-tool: verify: 131,072 records in "), "bar cleared, then the rate: "
            + withBar);
        assertFalse(withoutBar.contains("\r"), withoutBar);
    }

    private static Path last(final Path data) throws IOException
    {
        final List<Path> segments = Fixture.segments(data);
        return segments.get(segments.size() - 1);
    }

    @FunctionalInterface
    private interface Breakage
    {
        void apply(Path dataDir) throws IOException;
    }
}
