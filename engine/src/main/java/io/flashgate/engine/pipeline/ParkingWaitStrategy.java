package io.flashgate.engine.pipeline;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * A stage with nothing to do parks until the one thing it waits for has happened, and is then woken by whoever
 * made it happen: the receiver after publishing a command (a stage waiting on the ring), or the earlier stage
 * that just passed the command (a stage gated on earlier stages, as the egress is on the journaller and the
 * logic). No timed wake-ups, no napping: an idle engine's pipeline threads take no CPU at all, and under load a
 * stage wakes once per batch it has work for, never for a batch it cannot take yet.
 *
 * <p>Why not the Disruptor's own: its {@code BlockingWaitStrategy} and {@code LiteBlockingWaitStrategy} block only
 * on the ring's cursor and busy-spin a stage gated on lagging stages (on 2 cores that spin took a whole core from
 * the stages it waited for), and they wake every waiting stage on every publish.
 *
 * <p>How a wake-up cannot be lost (no lock on the hot path): a waiter records what it waits for, marks itself
 * parked, then re-reads the sequence; a signaller has already stored its sequence, then reads who is parked.
 * A full fence on both sides (between the store and the read) means at least one of them sees the other's store.
 * Signallers are the publishers ({@link #signalAllWhenBlocking}, called by the ring after each publish) and every
 * stage at the start of {@link #waitFor} (the Disruptor's batch processor stores its progress, then asks for
 * more); the barrier's alert (shutdown) signals too, and wakes every waiter. A {@link Watcher} (a stage run as an agent
 * of a duty cycle, {@link StageAgent}) is asked by the same signallers, after the same fence.
 *
 * <p>With several producers the ring's cursor moves when a slot is claimed, before it is published; a stage that
 * waits on the ring therefore waits for its slot to be published ({@link RingBuffer#isAvailable}), once the ring is
 * {@link #bind bound}, and does not spin in the moment between another producer's claim and its publish.
 *
 * <p>{@code spinsBeforePark}: 0 by default; the low-latency choice ({@code SPIN_THEN_PARK}) spins briefly first,
 * for machines with a core to spare per stage, so a burst does not pay a wake-up.
 */
public final class ParkingWaitStrategy implements WaitStrategy
{
    private static final VarHandle PARKED;

    static
    {
        try
        {
            PARKED = MethodHandles.lookup().findVarHandle(Waiter.class, "parked", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** One per stage thread, registered on its first park; read by every signaller. */
    static final class Waiter
    {
        final Thread thread;
        /** What it waits for; written before {@link #parked} is set, so a signaller that sees it parked sees these. */
        Sequence watched;
        long needed;
        SequenceBarrier barrier;
        /** Waiting on the ring itself (no earlier stage): its slot must be published, not only claimed. */
        RingBuffer<?> ring;
        volatile boolean parked;

        Waiter(final Thread thread)
        {
            this.thread = thread;
        }

        boolean mayGoOn()
        {
            return isReady(ring, watched, needed) || barrier.isAlerted();
        }
    }

    /**
     * One that waits on the stages without a thread of its own to park (the egress as an agent of a duty cycle):
     * it marks itself waiting and is asked after every signaller's store and full fence.
     */
    interface Watcher
    {
        /** Wakes whoever runs it if it is marked waiting and its wait is over; cheap otherwise. */
        void signalIfReady();
    }

    private final int spinsBeforePark;
    private volatile Watcher[] watchers = new Watcher[0];
    private final ThreadLocal<Waiter> ownWaiter = ThreadLocal.withInitial(this::register);
    private volatile Waiter[] waiters = new Waiter[0];
    private volatile RingBuffer<?> ring;

    /** Parks at once (the default). */
    public ParkingWaitStrategy()
    {
        this(0);
    }

    /** @param spinsBeforePark busy-spins ({@link Thread#onSpinWait()}) before parking; 0 parks at once. */
    public ParkingWaitStrategy(final int spinsBeforePark)
    {
        this.spinsBeforePark = spinsBeforePark;
    }

    /** Adds a {@link Watcher} (a stage run as an agent), before anything is published. */
    synchronized void watch(final Watcher watcher)
    {
        final Watcher[] grown = Arrays.copyOf(watchers, watchers.length + 1);
        grown[grown.length - 1] = watcher;
        watchers = grown;
    }

    /** The ring this strategy waits on, once the Disruptor has started; before that the cursor alone decides. */
    public void bind(final RingBuffer<?> ring)
    {
        this.ring = ring;
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException, InterruptedException
    {
        signalAllWhenBlocking(); // this stage has just stored its progress: wake a stage gated on it
        // A stage with no earlier stage waits on the cursor itself (then dependentSequence is the cursor, and its
        // slot must also be published); a gated stage waits on the slowest earlier stage, never ahead of the cursor.
        final RingBuffer<?> onRing = dependentSequence == cursor ? ring : null;
        boolean ready = isReady(onRing, dependentSequence, sequence);
        for (int spins = spinsBeforePark; !ready && spins > 0; spins--)
        {
            Thread.onSpinWait();
            ready = isReady(onRing, dependentSequence, sequence);
        }
        if (!ready)
        {
            park(sequence, dependentSequence, onRing, barrier);
        }
        return dependentSequence.get();
    }

    private static boolean isReady(final RingBuffer<?> onRing, final Sequence watched, final long sequence)
    {
        return onRing != null ? onRing.isAvailable(sequence) : watched.get() >= sequence;
    }

    private void park(final long sequence, final Sequence watched, final RingBuffer<?> onRing,
        final SequenceBarrier barrier) throws AlertException, InterruptedException
    {
        final Waiter self = ownWaiter.get();
        self.watched = watched;
        self.needed = sequence;
        self.barrier = barrier;
        self.ring = onRing;
        try
        {
            while (true)
            {
                self.parked = true;
                VarHandle.fullFence(); // our "parked" before our re-read of the sequence (see the class comment)
                if (isReady(onRing, watched, sequence))
                {
                    return;
                }
                barrier.checkAlert();
                LockSupport.park(this);
                if (Thread.interrupted())
                {
                    throw new InterruptedException();
                }
            }
        }
        finally
        {
            self.parked = false;
        }
    }

    /**
     * Wakes each parked stage whose wait is over (or whose barrier was alerted). Called by the ring after each
     * publish and by each stage after its progress; costs a fence and a read per stage unless one is parked.
     */
    @Override
    public void signalAllWhenBlocking()
    {
        VarHandle.fullFence(); // the caller's store (cursor, availability, stage sequence) before our reads of "parked"
        for (final Waiter waiter : waiters)
        {
            // The CAS makes one signaller unpark it; the waiter sets "parked" again before it re-checks, so a wake-up
            // claimed here for an older wait is never a lost one.
            if (waiter.parked && waiter.mayGoOn() && PARKED.compareAndSet(waiter, true, false))
            {
                LockSupport.unpark(waiter.thread);
            }
        }
        for (final Watcher agent : watchers)
        {
            agent.signalIfReady();
        }
    }

    private synchronized Waiter register()
    {
        final Waiter waiter = new Waiter(Thread.currentThread());
        final Waiter[] grown = Arrays.copyOf(waiters, waiters.length + 1);
        grown[grown.length - 1] = waiter;
        waiters = grown;
        return waiter;
    }

    @Override
    public String toString()
    {
        return "ParkingWaitStrategy(spinsBeforePark=" + spinsBeforePark + ")";
    }
}
