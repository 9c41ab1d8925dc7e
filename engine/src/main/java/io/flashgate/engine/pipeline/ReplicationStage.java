package io.flashgate.engine.pipeline;

import org.agrona.DirectBuffer;

/**
 * The pair's replicator as the pipeline sees it (docs/ARCHITECTURE.md, "Hot standby and failover"): a stage beside
 * the journaller and business logic that sends every command to the standby, and a release limit that the egress
 * also waits for. Sending never waits for an acknowledgement, so batches stream to the standby back to back; only the
 * release of results waits, for {@link #releasableUpTo()}, which in synchronous mode is the standby's acknowledged
 * sequence. The engine must be told when that limit moves ({@link Engine#releaseLimitMoved()}).
 */
public interface ReplicationStage
{
    /**
     * The replicator's thread (or its duty cycle). {@code command} holds the journaled bytes (header stamped with this
     * sequence and time) and is valid only during the call.
     */
    void onCommand(DirectBuffer command, int length, long sequence, boolean endOfBatch);

    /**
     * The last command sequence whose results may be released now: the standby's acknowledgement in synchronous
     * mode, {@link Long#MAX_VALUE} when results need no acknowledgement (a standby, or an engine releasing alone).
     * Read by the egress (any thread); never goes down.
     */
    long releasableUpTo();

    /**
     * Asked before each command when the replicator runs as an agent of a duty cycle, which must never block: false
     * while the link to the standby could not take a message without waiting for room; the replicator then comes
     * back in a later cycle.
     */
    default boolean hasRoom()
    {
        return true;
    }
}
