package io.flashgate.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.journal.SnapshotStore;
import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.MessageTypes;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The only thread that touches sale state: runs business logic on each command, in parallel with
 * the journaller, and leaves the events in the slot for the egress. On a SNAPSHOT command it also
 * writes the whole state at exactly that sequence (the business logic itself does no I/O).
 */
final class BusinessLogicHandler implements EventHandler<CommandSlot>, EventSink
{
    private final BusinessLogic logic;
    private final SnapshotStore snapshots;
    private final ExpandableDirectByteBuffer snapshotBuffer = new ExpandableDirectByteBuffer(1 << 16);
    private CommandSlot slot;
    /** Snapshot writes that failed; each is retried at the next snapshot interval. Read by any thread. */
    final AtomicLong snapshotFailures = new AtomicLong();

    private final PairView pair;

    BusinessLogicHandler(final BusinessLogic logic, final SnapshotStore snapshots, final PairView pair)
    {
        this.pair = pair;
        this.logic = logic;
        this.snapshots = snapshots;
    }

    @Override
    public void onEvent(final CommandSlot slot, final long ringSequence, final boolean endOfBatch)
    {
        this.slot = slot;
        slot.eventsLength = 0;
        logic.onCommand(slot.command, 0, slot.commandLength, this);
        if (slot.commandLength >= 2 && CommandDecoder.typeOf(slot.command, 0) == MessageTypes.SNAPSHOT &&
            pair.writesSnapshots())
        {
            writeSnapshot(slot.sequence);
        }
    }

    @Override
    public void onEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        slot.appendEvent(buffer, offset, length);
    }

    private void writeSnapshot(final long sequence)
    {
        try
        {
            final int length = StateSnapshot.write(logic, snapshotBuffer);
            snapshots.write(sequence, snapshotBuffer, 0, length);
        }
        catch (final IOException | RuntimeException ex)
        {
            // A failed snapshot loses nothing (the journal has every command and the store leaves no file recovery
            // would trust): report, count and go on; the next interval's snapshot is the retry. Caught here, on the
            // logic thread, because an exception escaping this handler would end the thread and stall the engine.
            snapshotFailures.lazySet(snapshotFailures.get() + 1);
            System.getLogger("flashgate.engine").log(System.Logger.Level.WARNING, "snapshot at sequence " + sequence
                + " in " + snapshots.directory() + " failed: " + ex + "; the engine goes on and tries again at the "
                + "next snapshot interval (free disk space if this repeats)");
        }
    }
}
