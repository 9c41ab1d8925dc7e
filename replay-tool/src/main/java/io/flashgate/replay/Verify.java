package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.journal.JournalReader;
import io.flashgate.journal.ScanProblem;
import io.flashgate.journal.ScanResult;
import io.flashgate.journal.SegmentScan;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code verify}: checks every segment (header, each record's CRC32C, sequence continuity within and between
 * segments) and every snapshot (checksum, decoding, and agreement with the journal), read-only. Prints one line
 * per file, the first bad offset and a verdict; exit 0 only when everything is clean.
 */
final class Verify implements Verb
{
    @Override
    public String name()
    {
        return "verify";
    }

    @Override
    public String summary()
    {
        return "check every segment and snapshot; exit 0 only if all is clean";
    }

    @Override
    public String synopsis()
    {
        return "verify --data-dir DIR [--quick]";
    }

    @Override
    public String description()
    {
        return """
            Checks every journal segment (header, CRC32C of each record, sequence continuity) and every snapshot
            (checksum, decoding, and agreement with the journal: the journal is replayed from zero and, at each
            snapshot's sequence, the replayed state's hash must equal the snapshot's). Read-only, takes no lock:
            it can run beside an engine (a torn tail at the very end may then be a write in flight).
            Prints one line per file, 'first bad offset: <segment> offset <n>' and a verdict.
            Exit 0: clean. Exit 1: a problem was found (the verdict says whether the engine would start).""";
    }

    @Override
    public List<Option> options()
    {
        return List.of(DataLayout.DATA_DIR_OPTION,
            Option.flag("quick", "checksums, continuity and snapshot decoding only: do not replay the journal "
                + "to compare snapshots with it"));
    }

    @Override
    public int run(final Args args, final Terminal terminal) throws ToolException, UsageException, IOException
    {
        args.positionals();
        final DataLayout layout = DataLayout.fromArgs(args);
        final PrintStream out = terminal.out();
        final Progress progress = new Progress(terminal, name(), 0);
        final JournalReader reader = layout.scan(terminal);
        final ScanResult scan = reader.scan();
        int problems = 0;

        out.println("journal " + layout.journal() + ": " + scan.segments().size() + " segment(s)");
        for (final SegmentScan segment : scan.segments())
        {
            out.println("  " + segment.path().getFileName() + "  " + describe(segment));
            problems += segment.ok() ? 0 : 1;
        }
        final String missingStart = missingStart(reader, layout);
        if (missingStart != null)
        {
            out.println("  " + missingStart);
            problems++;
        }

        final List<SnapshotAudit.Finding> findings =
            SnapshotAudit.audit(reader, layout.snapshotStore(), !args.flag("quick"), progress);
        out.println("snapshots " + (layout.snapshots() == null ? "(none: a bare journal folder)" : layout.snapshots())
            + ": " + findings.size() + " file(s)");
        for (final SnapshotAudit.Finding finding : findings)
        {
            out.println("  " + finding.file().getFileName() + "  " + (finding.status().problem() ? "BAD: " : "ok: ")
                + finding.detail());
            problems += finding.status().problem() ? 1 : 0;
        }

        final ScanProblem first = scan.firstProblem();
        out.println("valid prefix: " + DataLayout.describeRange(reader));
        out.println("first bad offset: " + (first == null ? "none"
            : first.segment() + " offset " + first.offset() + " (" + (first.tornTail() ? "torn tail" : "corruption")
            + "; last good sequence " + reader.lastSequence() + ")"));
        out.println("verdict: " + verdict(first, problems));
        out.println("problems: " + problems);
        progress.finish(reader.records(), "journal records checked");
        if (problems > 0)
        {
            terminal.err().println("replay-tool: verify: " + problems + " problem(s)"
                + (first == null ? " in snapshots or the journal's start" : "; first: " + first.describe()));
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    private static String describe(final SegmentScan segment)
    {
        final String range = segment.records() == 0 ? "no valid records"
            : "records " + segment.firstSequence() + ".." + segment.lastSequence();
        if (segment.ok())
        {
            return range + ", " + segment.fileLength() + " bytes: ok";
        }
        return range + ": " + (segment.tornTail() ? "TORN TAIL" : "CORRUPT") + " at offset " + segment.firstBadOffset()
            + " of " + segment.fileLength() + ": " + segment.problem();
    }

    /** A journal that does not start at sequence 1 has lost its first records, unless a snapshot covers them. */
    private static String missingStart(final JournalReader reader, final DataLayout layout) throws IOException
    {
        final long first = reader.firstSequence();
        if (first <= 1)
        {
            return null;
        }
        final var store = layout.snapshotStore();
        final boolean covered = store != null
            && store.loadNewest(reader.lastSequence()).snapshot().filter(s -> s.sequence() >= first - 1).isPresent();
        return covered ? null : "MISSING START: the first segment starts at sequence " + first + ": records 1.."
            + (first - 1) + " are missing and no snapshot covers them";
    }

    private static String verdict(final ScanProblem first, final int problems)
    {
        if (problems == 0)
        {
            return "clean";
        }
        if (first == null)
        {
            return "journal sound, snapshot problem(s): the engine skips a bad snapshot (slower start-up); one past "
                + "the journal's end or disagreeing with it is dangerous: run repair to quarantine it";
        }
        if (first.reason().contains("format version") || first.reason().startsWith("not a Flashgate journal"))
        {
            return "UNREADABLE: " + first.reason() + "; the engine will refuse to start. If every segment says so, "
                + "this journal was written by another build: use that build's replay tool; do not repair";
        }
        if (first.tornTail())
        {
            return "torn tail (a write cut short by a crash): the engine cuts it at start-up; repair moves it to a "
                + "quarantine file instead";
        }
        return "CORRUPT: the engine will refuse to start; see ops/RUNBOOK.md (dump around the bad offset, diff with "
            + "the standby, then repair)";
    }
}
