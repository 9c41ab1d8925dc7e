package io.flashgate.edge.http;

import java.util.concurrent.atomic.AtomicInteger;

/** The last protection before the engine: at most {@code max} shopper commands wait for it at once (else 503). */
final class InFlightBound
{
    private final int max;
    private final AtomicInteger inFlight = new AtomicInteger();

    InFlightBound(final int max)
    {
        this.max = max;
    }

    /** @return false (and nothing taken) when the bound is reached. */
    boolean tryAcquire()
    {
        if (inFlight.incrementAndGet() > max)
        {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Commands waiting for the engine now. */
    int current()
    {
        return Math.max(0, inFlight.get());
    }

    void release()
    {
        inFlight.decrementAndGet();
    }
}
