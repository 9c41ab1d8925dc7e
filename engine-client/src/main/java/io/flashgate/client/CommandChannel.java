package io.flashgate.client;

import org.agrona.DirectBuffer;

/** How encoded commands reach the engine: its ring in the same JVM, or an Aeron publication. */
@FunctionalInterface
public interface CommandChannel
{
    /**
     * Hands one encoded command over without waiting.
     *
     * @return null if the channel took it, else why not (a shared, stack-less constant).
     */
    OverloadedException offer(DirectBuffer buffer, int offset, int length);
}
