package io.flashgate.engine.pipeline;

/**
 * The egress's limit while a snapshot someone awaits is being written ({@link SnapshotWriter}): the command before
 * the oldest such snapshot not yet written, or no limit (the periodic snapshot sets none). Put it after the business
 * logic's sequence among the egress's gates: the logic marks the snapshot pending before its own sequence passes the
 * snapshot's command, and a group of sequences is read in order, so an egress that sees the logic past that command
 * also sees the mark.
 */
final class SnapshotGate extends CommandSequenceGate
{
    private final SnapshotWriter writer;

    SnapshotGate(final SnapshotWriter writer, final long baseSequence)
    {
        super(baseSequence);
        this.writer = writer;
    }

    @Override
    long commandSequence()
    {
        final long pending = writer.oldestPending();
        return pending == Long.MAX_VALUE ? Long.MAX_VALUE : pending - 1;
    }
}
