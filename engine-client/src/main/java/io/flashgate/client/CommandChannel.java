package io.flashgate.client;

import org.agrona.DirectBuffer;

/** How encoded commands reach the engine: its ring in the same JVM, or an Aeron publication. */
@FunctionalInterface
public interface CommandChannel
{
    /**
     * Hands one encoded command over without waiting. A channel that gathers commands to send them together may
     * take a command and fail to send it later: it then refuses it through {@link PendingCommands#refuse}, by
     * {@code correlationId}, as promptly as it would have refused the offer.
     *
     * @return null if the channel took it, else why not (a shared, stack-less constant).
     */
    OverloadedException offer(long correlationId, DirectBuffer buffer, int offset, int length);
}
