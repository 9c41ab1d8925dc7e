package io.flashgate.engine.pipeline;

import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.journal.JournalReader;
import io.flashgate.journal.Snapshot;
import io.flashgate.journal.SnapshotLoad;
import io.flashgate.journal.SnapshotStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Business-logic state at a given sequence, rebuilt offline the way the engine recovers: the newest snapshot at
 * or before that sequence that verifies and decodes (unless told to start from zero), then the journal records
 * after it through the same business logic. Mirrors {@link Recovery#recover}, which needs an open, locked
 * {@code Journal}; this works from a read-only {@link JournalReader}, for the programs beside the engine: the replay
 * tool, and the order sink, which starts from the state at the sequence its database holds ({@link #at}).
 */
public final class StateBuilder
{
    /**
     * Initial table size. Deliberately small: the tables grow as they fill (a few rehashes, negligible next to the
     * replay), whereas presizing by the journal's record count, which says nothing of the number of buyers, would
     * spread a few buyers over tables sized for millions, and every lookup would miss the cache.
     */
    private static final int INITIAL_BUYERS = 4096;
    private static final EventSink DISCARD = (buffer, offset, length) -> { };

    /**
     * @param logic            the state.
     * @param sequence         the last journal record it includes (0 for the empty state).
     * @param snapshotSequence the snapshot it started from, or -1 for none (replay from zero).
     * @param replayed         journal records applied after the snapshot.
     * @param skippedSnapshots snapshots passed over, each as "file: reason".
     */
    public record Built(BusinessLogic logic, long sequence, long snapshotSequence, long replayed, List<String> skippedSnapshots)
    {
        /** Where the state came from, for a line to the operator. */
        public String origin()
        {
            return snapshotSequence < 0
                ? "replayed from zero: " + replayed + " records"
                : "snapshot at sequence " + snapshotSequence + " + " + replayed + " records";
        }
    }

    private StateBuilder()
    {
    }

    /** Told of the records replayed, for a progress bar; {@link #NONE} draws nothing. */
    public interface Progress
    {
        Progress NONE = new Progress()
        {
            @Override
            public void total(final long records)
            {
            }

            @Override
            public void step()
            {
            }
        };

        /** How many records are to be replayed. */
        void total(long records);

        /** One more replayed. */
        void step();
    }

    /** The journal cannot give the state asked for; the message says why, in one line. */
    public static final class Unbuildable extends Exception
    {
        Unbuildable(final String message)
        {
            super(message, null, false, false);
        }
    }

    /** An empty business logic for a replay; its tables grow with the buyers it meets. */
    public static BusinessLogic freshLogic()
    {
        return new BusinessLogic(INITIAL_BUYERS);
    }

    /**
     * State at {@code target} for a program other than the replay tool: the newest usable snapshot at or before it,
     * then the journal through {@code sink}; no progress is drawn.
     *
     * @throws IllegalStateException with one line saying why, when the journal cannot give that state.
     */
    public static Built at(final JournalReader reader, final SnapshotStore snapshots, final long target,
        final EventSink sink) throws IOException
    {
        try
        {
            return build(reader, snapshots, target, false, sink, Progress.NONE);
        }
        catch (final Unbuildable ex)
        {
            throw new IllegalStateException(ex.getMessage());
        }
    }

    /** State at {@code target} with replayed events discarded. */
    public static Built build(final JournalReader reader, final SnapshotStore snapshots, final long target,
        final boolean fromZero, final Progress progress) throws Unbuildable, IOException
    {
        return build(reader, snapshots, target, fromZero, DISCARD, progress);
    }

    /**
     * @param snapshots may be null (no snapshots).
     * @param target    the sequence the state must include; at most the reader's last sequence.
     * @param fromZero  ignore snapshots.
     * @param sink      receives the events of the replayed records.
     * @param progress  stepped once per replayed record.
     */
    public static Built build(final JournalReader reader, final SnapshotStore snapshots, final long target,
        final boolean fromZero, final EventSink sink, final Progress progress) throws Unbuildable, IOException
    {
        if (target > reader.lastSequence())
        {
            throw new Unbuildable("sequence " + target + " is past the end of the journal ("
                + reader.lastSequence() + ")");
        }
        final List<String> skipped = new ArrayList<>();
        BusinessLogic logic = null;
        long from = 0;
        if (!fromZero && snapshots != null && target > 0)
        {
            SnapshotLoad load = snapshots.loadNewest(target);
            skipped.addAll(load.skipped());
            while (load.snapshot().isPresent())
            {
                final Snapshot snapshot = load.snapshot().get();
                if (reader.firstSequence() > 1 && snapshot.sequence() < reader.firstSequence() - 1)
                {
                    break; // older than the journal: the records after it are gone
                }
                try
                {
                    logic = StateSnapshot.read(snapshot.state(), 0, snapshot.length());
                    from = snapshot.sequence();
                    break;
                }
                catch (final RuntimeException ex)
                {
                    skipped.add(snapshot.file() + ": does not decode: " + ex.getMessage());
                    load = snapshots.loadNewest(snapshot.sequence() - 1);
                    skipped.addAll(load.skipped());
                }
            }
        }
        final boolean fromSnapshot = logic != null;
        if (!fromSnapshot)
        {
            if (reader.firstSequence() > 1 && target > 0)
            {
                throw new Unbuildable("the journal starts at sequence " + reader.firstSequence()
                    + " and no usable snapshot covers 1.." + (reader.firstSequence() - 1) + ": cannot rebuild from zero");
            }
            logic = freshLogic();
        }
        final BusinessLogic state = logic;
        progress.total(target - from);
        final long replayed = reader.replay(from, target, (sequence, buffer, offset, length) ->
        {
            state.onCommand(buffer, offset, length, sink);
            progress.step();
        });
        return new Built(logic, target, fromSnapshot ? from : -1, replayed, skipped);
    }
}
