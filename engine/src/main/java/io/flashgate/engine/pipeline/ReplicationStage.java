package io.flashgate.engine.pipeline;

import org.agrona.DirectBuffer;

/**
 * The pair's replicator as the pipeline sees it: a stage beside the journaller and business logic that the egress
 * waits for (docs/ARCHITECTURE.md, "Hot standby and failover"). It is handed every command in sequence; by returning
 * from the end of a batch it lets the egress release that batch, so in synchronous mode it returns only once the
 * standby has acknowledged the batch. It must never return for a batch it may not release: to give up (the engine
 * closes while it waits) it throws {@link Stopped}, and its sequence then never moves.
 */
public interface ReplicationStage
{
    /**
     * The replicator's thread. {@code command} holds the journaled bytes (header stamped with this sequence and time)
     * and is valid only during the call.
     */
    void onCommand(DirectBuffer command, int length, long sequence, boolean endOfBatch);

    /** True while it holds a batch back (waits for the standby): the engine then cannot drain on close. */
    boolean isHolding();

    /** The engine closes: a held batch is never released; the waiting call ends by throwing {@link Stopped}. */
    void close();

    /** Ends the replicator's thread without releasing the batch it held. */
    final class Stopped extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        public static final Stopped INSTANCE = new Stopped();

        private Stopped()
        {
            super("replicator stopped while it held a batch for the standby", null, false, false);
        }
    }
}
