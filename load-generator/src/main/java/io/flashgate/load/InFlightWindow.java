package io.flashgate.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The bound on requests in flight, refilled in batches at capacity: when a large window is full, the pacer sleeps
 * until a batch of slots is free, not until one is. With a semaphore every answer woke the pacer to send one more
 * request, so at capacity each purchase cost a wake-up, paid by the thread that delivered the answer, which for the
 * engine-direct run is the engine's own Aeron thread (docs/PERFORMANCE.md, "The JIT between legs, and the
 * generator's wake-ups"). A small window (a connection per request in flight, {@code bench http}) and a fixed rate
 * refill one slot at a time, as before: there a batch would lower the load or delay due requests. One pacer thread
 * waits; any thread releases.
 */
final class InFlightWindow
{
    private final int size;
    private final int batch;
    private final AtomicInteger free;
    /** How many free slots the waiting pacer wants. */
    private volatile int wanted;
    private volatile Thread waiter;

    /** The smallest window refilled in batches. */
    static final int BATCHED_FROM = 1024;

    /** @param size the most requests in flight; the pacer refills in batches of a sixteenth of it. */
    InFlightWindow(final int size)
    {
        this(size, Math.max(1, size / 16));
    }

    /** A sixteenth of a large window at capacity; one slot otherwise. */
    static int batchFor(final OpenLoop.Phase phase)
    {
        return phase.isCapacity() && phase.maxInFlight() >= BATCHED_FROM ? phase.maxInFlight() / 16 : 1;
    }

    InFlightWindow(final int size, final int batch)
    {
        if (size < 1 || batch < 1 || batch > size)
        {
            throw new IllegalArgumentException("size " + size + ", batch " + batch);
        }
        this.size = size;
        this.batch = batch;
        this.free = new AtomicInteger(size);
    }

    /** Takes a slot if one is free. */
    boolean tryAcquire()
    {
        while (true)
        {
            final int now = free.get();
            if (now == 0)
            {
                return false;
            }
            if (free.compareAndSet(now, now - 1))
            {
                return true;
            }
        }
    }

    /** Frees a slot (an answer came); wakes the pacer once as many are free as it waits for. */
    void release()
    {
        final int now = free.incrementAndGet();
        final Thread pacer = waiter;
        if (pacer != null && now >= wanted)
        {
            LockSupport.unpark(pacer);
        }
    }

    /** Waits until a batch of slots is free; false if the timeout passed first. */
    boolean awaitBatch(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return awaitFree(batch, unit.toNanos(timeout));
    }

    /** Waits until every slot is free (every request answered); false if the timeout passed first. */
    boolean awaitAll(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return awaitFree(size, unit.toNanos(timeout));
    }

    int inFlight()
    {
        return size - free.get();
    }

    private boolean awaitFree(final int slots, final long timeoutNanos) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        wanted = slots;
        waiter = Thread.currentThread();
        try
        {
            // The waiter is published before free is read, and a release writes free before it reads the waiter:
            // one of the two sees the other, so no wake-up is lost.
            while (free.get() < slots)
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    return false;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted())
                {
                    throw new InterruptedException();
                }
            }
            return true;
        }
        finally
        {
            waiter = null;
        }
    }
}
