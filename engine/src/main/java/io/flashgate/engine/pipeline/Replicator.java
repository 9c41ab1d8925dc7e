package io.flashgate.engine.pipeline;

import com.lmax.disruptor.EventHandler;

/**
 * The replication stage's place in the pipeline, in parallel with the journaller. With no standby
 * configured it has nothing to do; the egress still waits for it, so that adding a standby (which
 * acknowledges before this handler's sequence advances) changes no other stage.
 */
final class Replicator implements EventHandler<CommandSlot>
{
    @Override
    public void onEvent(final CommandSlot slot, final long ringSequence, final boolean endOfBatch)
    {
        // No standby configured: nothing to send.
    }
}
