package io.flashgate.client.aeron;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * The default idle strategy of the threads that poll Aeron (the engine's ingress, the edge's reply poller) and of
 * the embedded media driver: nothing can signal them, so they must look for work, and the question is only how
 * often. After work: a few spins (about a microsecond), then parks that double from 1 µs to {@code busyMaxPark}
 * (1 ms), so a poller at a moderate rate sleeps between messages instead of spinning or yielding. After
 * {@code deepAfterParks} parks at that length with still nothing to do (about 20 ms of silence), the parks go on
 * doubling up to {@code idleMaxPark} (16 ms): an idle process wakes each poller about 60 times a second instead of
 * 1,000 (what that saves: docs/PERFORMANCE.md), and the first message after a silence waits at most that long on
 * each hop. At any rate above about 50 messages a second a poller
 * never parks longer than 1 ms.
 *
 * <p>On Linux a park is never shorter than the timer slack (about 50 µs), which bounds the wake-ups under load too.
 */
public final class DeepeningBackoffIdleStrategy implements IdleStrategy
{
    private final int spins;
    private final long minParkNanos;
    private final long busyMaxParkNanos;
    private final long idleMaxParkNanos;
    private final int deepAfterParks;
    private int spun;
    private long parkNanos;
    private int parksAtBusyMax;

    /**
     * @param spins            {@link Thread#onSpinWait()} calls after work before the first park.
     * @param minParkNanos     the first park.
     * @param busyMaxParkNanos parks double up to this while work came recently.
     * @param deepAfterParks   parks at {@code busyMaxParkNanos} before they may grow further.
     * @param idleMaxParkNanos the longest park, once idle.
     */
    public DeepeningBackoffIdleStrategy(final int spins, final long minParkNanos, final long busyMaxParkNanos,
        final int deepAfterParks, final long idleMaxParkNanos)
    {
        if (minParkNanos <= 0 || busyMaxParkNanos < minParkNanos || idleMaxParkNanos < busyMaxParkNanos)
        {
            throw new IllegalArgumentException("need 0 < minPark <= busyMaxPark <= idleMaxPark");
        }
        this.spins = spins;
        this.minParkNanos = minParkNanos;
        this.busyMaxParkNanos = busyMaxParkNanos;
        this.idleMaxParkNanos = idleMaxParkNanos;
        this.deepAfterParks = deepAfterParks;
        reset();
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        if (spun < spins)
        {
            spun++;
            Thread.onSpinWait();
            return;
        }
        LockSupport.parkNanos(parkNanos);
        if (parkNanos < busyMaxParkNanos)
        {
            parkNanos = parkNanos >= busyMaxParkNanos >> 1 ? busyMaxParkNanos : parkNanos << 1;
        }
        else if (parksAtBusyMax < deepAfterParks)
        {
            parksAtBusyMax++;
        }
        else
        {
            parkNanos = parkNanos >= idleMaxParkNanos >> 1 ? idleMaxParkNanos : parkNanos << 1;
        }
    }

    @Override
    public void reset()
    {
        spun = 0;
        parkNanos = minParkNanos;
        parksAtBusyMax = 0;
    }

    /** The current park length (for tests). */
    long parkNanos()
    {
        return parkNanos;
    }

    @Override
    public String alias()
    {
        return "deepening-backoff";
    }

    @Override
    public String toString()
    {
        return "DeepeningBackoffIdleStrategy{spins=" + spins + ", minParkNanos=" + minParkNanos +
            ", busyMaxParkNanos=" + busyMaxParkNanos + ", deepAfterParks=" + deepAfterParks +
            ", idleMaxParkNanos=" + idleMaxParkNanos + '}';
    }
}
