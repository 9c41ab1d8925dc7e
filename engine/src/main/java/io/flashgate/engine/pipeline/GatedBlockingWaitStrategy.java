package io.flashgate.engine.pipeline;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Spins, yields, naps for about a millisecond (as the Disruptor's SLEEPING strategy does), then parks: both while
 * the ring is empty and while an earlier stage is behind. Idle, every stage is parked (no CPU); busy, stages hand
 * the 2 cores to each other instead of paying a futex wake-up per batch.
 *
 * <p>The Disruptor's {@code BlockingWaitStrategy} blocks only on the ring's cursor; a stage gated on other stages
 * (our egress waits for journaller, replicator and business logic) busy-spins until they catch up. On 2 cores
 * that spin took a whole core from the stages it waits for (JFR: 76 % of the engine's samples at 13 k commands/s).
 *
 * <p>Wake-ups: publishers call {@link #signalAllWhenBlocking()} after each publish, and a stage calling
 * {@link #waitFor} has just published its progress for everything before (the processor sets its sequence after
 * each batch, then asks for more), so every call first wakes parked stages. Either takes the lock only when a
 * stage is parked. A wake-up that races with a stage going to sleep is bounded by the park's timeout.
 */
public final class GatedBlockingWaitStrategy implements WaitStrategy
{
    /** As the Disruptor's SLEEPING strategy: 100 spins, 100 yields, then naps. */
    private static final int SPINS = 100;
    private static final int YIELDS = 100;
    /**
     * Naps ({@code parkNanos(1)}: about 50-60 µs each on Linux) before a stage parks until signalled: under load a
     * stage naps between batches, as SLEEPING does, and no futex wake-up is paid per batch; after about a
     * millisecond without work it parks and costs nothing.
     */
    private static final int NAPS = 20;
    /** Backstop only (a publisher claims with a CAS on the cursor, then reads the flag: it sees a parked stage). */
    private static final long CURSOR_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Backstop for a gated stage (an earlier stage's sequence store is a release, not a full fence). */
    private static final long GATED_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    private volatile boolean parked;

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException, InterruptedException
    {
        signalAllWhenBlocking();
        if (cursor.get() < sequence)
        {
            waitUntil(sequence, cursor, barrier, CURSOR_PARK_NANOS);
        }
        long available;
        while ((available = dependentSequence.get()) < sequence)
        {
            waitUntil(sequence, dependentSequence, barrier, GATED_PARK_NANOS);
        }
        return available;
    }

    private void waitUntil(final long sequence, final Sequence watched, final SequenceBarrier barrier,
        final long parkNanos) throws AlertException, InterruptedException
    {
        int counter = SPINS + YIELDS + NAPS;
        while (watched.get() < sequence)
        {
            barrier.checkAlert();
            if (counter > YIELDS + NAPS)
            {
                Thread.onSpinWait();
            }
            else if (counter > NAPS)
            {
                Thread.yield();
            }
            else if (counter > 0)
            {
                LockSupport.parkNanos(1);
            }
            else
            {
                park(sequence, watched, parkNanos); // and stay in this phase: work arriving now signals
                continue;
            }
            counter--;
        }
    }

    private void park(final long sequence, final Sequence watched, final long parkNanos) throws InterruptedException
    {
        lock.lock();
        try
        {
            parked = true; // set before the re-check, so a publisher that this check misses sees it and signals
            if (watched.get() < sequence)
            {
                progress.awaitNanos(parkNanos);
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Called by publishers after each publish and by every stage asking for more; locks only if a stage is parked. */
    @Override
    public void signalAllWhenBlocking()
    {
        if (parked)
        {
            lock.lock();
            try
            {
                parked = false;
                progress.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    @Override
    public String toString()
    {
        return "GatedBlockingWaitStrategy";
    }
}
