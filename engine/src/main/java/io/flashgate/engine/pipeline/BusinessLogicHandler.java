package io.flashgate.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.MessageHeader;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.WireFormat;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;


/**
 * The only thread that touches sale state: runs business logic on each command, in parallel with
 * the journaller, and leaves the events in the slot for the egress. On a SNAPSHOT command it also
 * serializes the whole state at exactly that sequence and hands it to the {@link SnapshotWriter}, which writes the
 * file on a thread of its own (the business logic itself does no I/O, and neither does this thread).
 */
final class BusinessLogicHandler implements EventHandler<CommandSlot>, EventSink
{
    private final BusinessLogic logic;
    private final SnapshotWriter snapshots;
    private CommandSlot slot;

    private final PairView pair;

    BusinessLogicHandler(final BusinessLogic logic, final SnapshotWriter snapshots, final PairView pair)
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
            // A snapshot no one awaits (correlation 0: the clock's periodic one) holds no result back: only an
            // acknowledgement someone waits for must mean "written". While an earlier one is still being written it
            // is skipped (the next interval takes one), so a stalled disk does not queue a copy of the state per
            // interval.
            final boolean awaited = slot.commandLength < WireFormat.HEADER_LENGTH ||
                MessageHeader.correlationIdOf(slot.command, 0) != 0;
            if (!awaited && snapshots.writing())
            {
                return;
            }
            final ExpandableDirectByteBuffer state = snapshots.buffer();
            final int length;
            try
            {
                length = StateSnapshot.write(logic, state);
            }
            catch (final RuntimeException ex)
            {
                // Caught here: an exception escaping this handler would end the stage and stall the engine.
                snapshots.serializeFailed(slot.sequence, state, ex);
                return;
            }
            snapshots.write(slot.sequence, state, length, awaited);
        }
    }

    @Override
    public void onEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        slot.appendEvent(buffer, offset, length);
    }
}
