package io.flashgate.engine.pipeline;

import com.lmax.disruptor.EventHandler;

/** Runs the pair's {@link ReplicationStage} on the ring, beside the journaller and business logic. */
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
        stage.onCommand(slot.command, slot.commandLength, slot.sequence, endOfBatch);
    }
}
