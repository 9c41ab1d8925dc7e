package io.flashgate.engine.pipeline;

import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.journal.Journal;
import io.flashgate.journal.Snapshot;
import io.flashgate.journal.SnapshotLoad;
import io.flashgate.journal.SnapshotStore;

import java.io.IOException;

/**
 * Start-up: the newest valid snapshot (one the journal reaches), then every journal record after
 * it, through the same business logic as live traffic. A snapshot that fails its checksum or does
 * not decode is skipped in favour of an older one, or of replay from the start.
 */
public final class Recovery
{
    private Recovery()
    {
    }

    /**
     * @param sink receives the replayed events (replay and live must produce the same bytes); may be a no-op.
     */
    public static Recovered recover(final Journal journal, final SnapshotStore snapshots, final int expectedBuyers,
        final EventSink sink) throws IOException
    {
        final long started = System.nanoTime();
        final java.util.List<String> setAside = new java.util.ArrayList<>();
        for (final java.nio.file.Path file : snapshots.setAsideBeyond(journal.lastSequence()))
        {
            setAside.add(file + ": set aside, past the journal's end at " + journal.lastSequence() +
                " (its commands never became durable)");
        }
        SnapshotLoad load = snapshots.loadNewest(journal.lastSequence());
        BusinessLogic logic = null;
        long fromSequence = 0;
        final java.util.List<String> skipped = new java.util.ArrayList<>(setAside);
        skipped.addAll(load.skipped());
        while (load.snapshot().isPresent())
        {
            final Snapshot snapshot = load.snapshot().get();
            try
            {
                logic = StateSnapshot.read(snapshot.state(), 0, snapshot.length());
                fromSequence = snapshot.sequence();
                break;
            }
            catch (final IllegalArgumentException ex)
            {
                skipped.add(snapshot.file() + ": " + ex.getMessage());
                load = snapshots.loadNewest(snapshot.sequence() - 1);
                skipped.addAll(load.skipped());
            }
        }
        if (logic == null)
        {
            logic = new BusinessLogic(expectedBuyers);
            fromSequence = 0;
        }
        // A journal whose older segments were removed cannot be replayed from before its first record.
        if (journal.lastSequence() > 0 && journal.firstSequence() > fromSequence + 1)
        {
            throw new IllegalStateException("journal starts at sequence " + journal.firstSequence() +
                " but recovery needs every record after " + fromSequence + " (missing segments?)");
        }
        final BusinessLogic target = logic;
        final long replayed = journal.replay(fromSequence, (sequence, buffer, offset, length) ->
            target.onCommand(buffer, offset, length, sink));
        return new Recovered(logic, fromSequence, replayed, journal.lastSequence(), skipped,
            (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * @param snapshotSequence 0 when no snapshot was used.
     * @param replayedRecords  journal records applied after the snapshot.
     */
    public record Recovered(BusinessLogic logic, long snapshotSequence, long replayedRecords, long lastSequence,
        java.util.List<String> skippedSnapshots, long millis)
    {
        public String describe()
        {
            return "recovered to sequence " + lastSequence + " from " +
                (snapshotSequence == 0 ? "the start" : "snapshot " + snapshotSequence) + ", replayed " +
                replayedRecords + " records in " + millis + " ms" +
                (skippedSnapshots.isEmpty() ? "" : "; skipped snapshots " + skippedSnapshots);
        }
    }
}
