package io.flashgate.engine.logic;

import org.agrona.DirectBuffer;

/**
 * Where business logic puts the events a command causes: exactly one reply (correlated with the
 * command) and any number of broadcasts (see {@code MessageTypes.isBroadcast}). The bytes are only
 * valid during the call: copy them to keep them.
 */
@FunctionalInterface
public interface EventSink
{
    void onEvent(DirectBuffer buffer, int offset, int length);

    /**
     * Called by the engine's egress after the last event of one ring batch: a sink that gathers events to send
     * them together sends them now. Business logic never calls it.
     */
    default void onBatchEnd()
    {
    }

    /**
     * Asked by the engine's egress before each command's events when it runs as an agent of a duty cycle, which must
     * never block: false means the sink could not send {@code eventBytes} of events (and the message before them)
     * without waiting for room (an Aeron publication's window), and the egress comes back in a later cycle. Business
     * logic never calls it.
     */
    default boolean hasRoomFor(final int eventBytes)
    {
        return true;
    }
}
