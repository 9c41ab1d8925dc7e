package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import io.flashgate.cli.Args;
import io.flashgate.cli.UsageException;
import io.flashgate.cli.Option;
import io.flashgate.journal.JournalLock;
import io.flashgate.journal.JournalReader;
import io.flashgate.journal.ScanProblem;
import io.flashgate.journal.ScanResult;
import io.flashgate.journal.SegmentScan;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code repair}: with the engine stopped (it takes the journal's lock), moves a torn or corrupt tail and every
 * segment after it to quarantine files, and the snapshots {@code verify} finds bad (damaged, past the journal's
 * new end, or disagreeing with it). Never deletes; reports every move. Afterwards the journal is its valid prefix
 * and the engine starts from it.
 */
final class Repair implements Verb
{
    @Override
    public String name()
    {
        return "repair";
    }

    @Override
    public String summary()
    {
        return "move a torn/corrupt tail and bad snapshots to quarantine files (engine stopped)";
    }

    @Override
    public String synopsis()
    {
        return "repair --data-dir DIR [--dry-run]";
    }

    @Override
    public String description()
    {
        return """
            With the engine stopped (refuses while the journal is locked), moves aside, never deleting:
              - the bytes from the first bad offset to the end of that segment -> <segment>.quarantine-<n>
                (the whole segment if nothing valid precedes the damage), and every later segment;
              - every snapshot verify finds bad: damaged, undecodable, past the journal's new end, or
                disagreeing with the journal -> <snapshot>.quarantine-<n>.
            The journal is then its valid prefix, which the engine starts from. Damage that is not a torn tail
            means the quarantined bytes hold records that were acknowledged: get them from the standby first
            (diff) if there is one. Run verify afterwards. --dry-run prints the plan and moves nothing.""";
    }

    @Override
    public List<Option> options()
    {
        return List.of(DataLayout.DATA_DIR_OPTION, Option.flag("dry-run", "print what would be moved, move nothing"));
    }

    @Override
    public int run(final Args args, final Terminal terminal) throws ToolException, UsageException, IOException
    {
        args.positionals();
        final DataLayout layout = DataLayout.fromArgs(args);
        final PrintStream out = terminal.out();
        try (JournalLock lock = JournalLock.acquire(layout.journal()))
        {
            final JournalReader reader = layout.scan(terminal);
            DataLayout.refuseUnreadable(reader);
            final ScanResult scan = reader.scan();
            final Progress progress = new Progress(terminal, name(), reader.records());
            final List<Quarantine> plan = new ArrayList<>(journalPlan(scan, reader.lastSequence()));
            for (final SnapshotAudit.Finding finding
                : SnapshotAudit.audit(reader, layout.snapshotStore(), true, progress))
            {
                if (finding.status().problem())
                {
                    plan.add(new Quarantine.Whole(finding.file(), "snapshot " + finding.detail()));
                }
            }
            if (reader.firstSequence() > 1)
            {
                terminal.note("the journal starts at sequence " + reader.firstSequence()
                    + "; repair cannot restore earlier records (only a backup or the standby can)");
            }
            if (plan.isEmpty())
            {
                out.println("nothing to repair: the journal holds " + DataLayout.describeRange(reader)
                    + ", and every snapshot is sound");
                progress.finish(progress.count(), "records replayed to check snapshots");
                return ExitCodes.OK;
            }
            out.println((args.flag("dry-run") ? "would move" : "moving") + " " + plan.size() + " item(s):");
            for (final Quarantine move : plan)
            {
                out.println("  " + (args.flag("dry-run") ? move.plan() : move.execute() + ": " + move.why()));
            }
            final ScanProblem problem = scan.firstProblem();
            if (problem != null && !problem.tornTail())
            {
                out.println("WARNING: that was corruption, not a torn tail: the quarantined bytes hold records that "
                    + "were acknowledged (after sequence " + reader.lastSequence() + "). Recover them from the standby "
                    + "(see diff) before serving traffic again if you can.");
            }
            out.println((args.flag("dry-run") ? "dry run, nothing moved; the journal would hold " : "the journal now holds ")
                + DataLayout.describeRange(reader) + ". Next: replay-tool verify --data-dir " + layout.given()
                + ", then start the engine.");
            progress.finish(progress.count(), "records replayed to check snapshots");
            return ExitCodes.OK;
        }
    }

    /** The damaged tail of the first bad segment and every segment after it. */
    private static List<Quarantine> journalPlan(final ScanResult scan, final long lastGood)
    {
        final ScanProblem problem = scan.firstProblem();
        if (problem == null)
        {
            return List.of();
        }
        final List<Quarantine> plan = new ArrayList<>();
        final List<SegmentScan> segments = scan.segments();
        int bad = 0;
        while (!segments.get(bad).path().equals(problem.segment()))
        {
            bad++;
        }
        final SegmentScan damaged = segments.get(bad);
        final String kind = (damaged.tornTail() ? "torn tail" : "corruption") + " at offset " + damaged.firstBadOffset()
            + ": " + damaged.problem();
        if (damaged.firstBadOffset() > 0 && damaged.records() > 0)
        {
            plan.add(new Quarantine.Tail(damaged.path(), damaged.firstBadOffset(),
                damaged.fileLength() - damaged.firstBadOffset(), kind));
        }
        else
        {
            plan.add(new Quarantine.Whole(damaged.path(), kind));
        }
        for (int i = bad + 1; i < segments.size(); i++)
        {
            plan.add(new Quarantine.Whole(segments.get(i).path(), "follows the damage (the journal must end at "
                + "sequence " + lastGood + ")"));
        }
        return plan;
    }
}
