package io.flashgate.replay;

import io.flashgate.engine.pipeline.StateBuilder;
import io.flashgate.cli.ExitCodes;
import io.flashgate.cli.Args;
import io.flashgate.cli.UsageException;
import io.flashgate.cli.Option;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.journal.JournalLock;
import io.flashgate.journal.JournalReader;
import io.flashgate.journal.ScanProblem;
import io.flashgate.journal.Snapshot;
import io.flashgate.journal.SnapshotStore;
import org.agrona.ExpandableDirectByteBuffer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code snapshot}: with the engine stopped (it takes the journal's lock), writes a snapshot of the state at the
 * journal's end, so the next start-up loads it and replays nothing. The journal itself is not touched.
 */
final class WriteSnapshot implements Verb
{
    @Override
    public String name()
    {
        return "snapshot";
    }

    @Override
    public String summary()
    {
        return "write a snapshot at the journal's end offline, for a fast start-up (engine stopped)";
    }

    @Override
    public String synopsis()
    {
        return "snapshot --data-dir DIR [--from-zero]";
    }

    @Override
    public String description()
    {
        return """
            With the engine stopped (refuses while the journal is locked), rebuilds the state at the journal's
            end (from the newest usable snapshot, or from zero with --from-zero) and writes it to
            snapshots/snapshot-<sequence>.snap, the way the engine does: to a temporary file, forced, renamed.
            Refuses a corrupt journal (run verify and repair first); with a torn tail the snapshot covers the
            valid prefix, which is what the engine keeps. Prints the file, the sequence and the state hash.""";
    }

    @Override
    public List<Option> options()
    {
        return List.of(DataLayout.DATA_DIR_OPTION,
            Option.flag("from-zero", "rebuild from zero, and rewrite a snapshot already at the journal's end"));
    }

    @Override
    public int run(final Args args, final Terminal terminal) throws ToolException, UsageException, IOException
    {
        args.positionals();
        final DataLayout layout = DataLayout.fromArgs(args);
        final SnapshotStore store = layout.snapshotStore();
        if (store == null)
        {
            throw ToolException.failure(layout.given() + " is a bare journal folder: give the engine's data folder "
                + "(with journal/ and snapshots/ inside) so the engine finds the snapshot");
        }
        try (JournalLock lock = JournalLock.acquire(layout.journal()))
        {
            final JournalReader reader = layout.openReader(terminal);
            final ScanProblem problem = reader.scan().firstProblem();
            if (problem != null && !problem.tornTail())
            {
                throw ToolException.failure("the journal is corrupt, the engine would not start from it ("
                    + problem.describe() + "): run verify, then repair");
            }
            if (reader.records() == 0)
            {
                throw ToolException.failure("the journal is empty: nothing to snapshot");
            }
            final long sequence = reader.lastSequence();
            final Optional<Snapshot> newest = store.loadNewest(sequence).snapshot();
            if (!args.flag("from-zero") && newest.isPresent() && newest.get().sequence() == sequence)
            {
                terminal.out().println("up to date: " + newest.get().file() + " already holds the state at sequence "
                    + sequence + " (use --from-zero to rewrite it)");
                return ExitCodes.OK;
            }
            final Progress progress = new Progress(terminal, name(), reader.records());
            final StateBuilder.Built built = DataLayout.build(reader, store, sequence, args.flag("from-zero"),
                progress);
            final ExpandableDirectByteBuffer state = new ExpandableDirectByteBuffer(1 << 16);
            final int length = StateSnapshot.write(built.logic(), state);
            final Path file = store.write(sequence, state, 0, length);
            terminal.out().println("wrote " + file + ": state at sequence " + sequence + " (" + built.origin() + "), "
                + length + " bytes, state hash " + SnapshotAudit.hex(StateSnapshot.hash(state, 0, length)));
            progress.finish();
            for (final Path later : store.list())
            {
                if (SnapshotAudit.sequenceOf(later) > sequence)
                {
                    terminal.note(later + " lies past the journal's end (" + sequence + "): the engine would load it "
                        + "once new records reach its sequence; run repair to quarantine it");
                }
            }
            return ExitCodes.OK;
        }
    }
}
