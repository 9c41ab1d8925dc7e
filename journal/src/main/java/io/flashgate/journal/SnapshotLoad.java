package io.flashgate.journal;

import java.util.List;
import java.util.Optional;

/**
 * Outcome of {@link SnapshotStore#loadNewest}.
 *
 * @param snapshot the newest snapshot that verified, if any.
 * @param skipped  newer snapshots that failed verification, each as {@code "file: reason"}, newest first.
 */
public record SnapshotLoad(Optional<Snapshot> snapshot, List<String> skipped)
{
    /**
     * Copies the skipped list, so the result cannot change.
     *
     * @param snapshot the snapshot loaded, if any.
     * @param skipped  snapshots that failed verification, as {@code "file: reason"}.
     */
    public SnapshotLoad
    {
        skipped = List.copyOf(skipped);
    }
}
