package io.flashgate.engine.pipeline;

import com.lmax.disruptor.EventHandler;

/** Runs the pair's {@link ReplicationStage} on the ring; a stopped stage ends its thread like a stalled journaller. */
final class ReplicatorHandler implements EventHandler<CommandSlot>
{
    private final ReplicationStage stage;

    ReplicatorHandler(final ReplicationStage stage)
    {
        this.stage = stage;
    }

    @Override
    public void onEvent(final CommandSlot slot, final long ringSequence, final boolean endOfBatch)
    {
        try
        {
            stage.onCommand(slot.command, slot.commandLength, slot.sequence, endOfBatch);
        }
        catch (final ReplicationStage.Stopped ex)
        {
            throw Journaller.Stopped.INSTANCE; // its handler ends the thread quietly and never moves the sequence
        }
    }
}
