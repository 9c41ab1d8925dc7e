package io.flashgate.ops;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * How a serving process ends: a stop request (SIGTERM, Ctrl-C) or the first {@link ProcessFault} a part raises,
 * whichever comes first; later ones are ignored, so the first cause is the one reported. Any thread may raise (the
 * Aeron client's conductor does); the launcher's main thread waits in {@link #await}.
 */
final class FaultSignal
{
    private final CompletableFuture<Optional<ProcessFault>> outcome = new CompletableFuture<>();

    /** Reports a fault; false if the process was already stopping or faulted. */
    boolean raise(final ProcessFault fault)
    {
        return outcome.complete(Optional.of(fault));
    }

    /** The process is asked to stop: faults seen while it shuts down are its own doing, not causes. */
    void stopRequested()
    {
        outcome.complete(Optional.empty());
    }

    /** True once a fault was raised: the process is not ready, whatever its parts say. */
    boolean isFaulted()
    {
        return outcome.getNow(Optional.empty()).isPresent();
    }

    /** Blocks until a stop request (empty) or the first fault. */
    Optional<ProcessFault> await() throws InterruptedException
    {
        try
        {
            return outcome.get();
        }
        catch (final ExecutionException impossible)
        {
            throw new IllegalStateException(impossible);
        }
    }
}
