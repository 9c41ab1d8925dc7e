package io.flashgate.protocol;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * How a transport duty-cycle thread waits when it found no work. The 2-core default is
 * {@link #BACKOFF}: spin a little, yield a little, then park up to 1 ms, so an idle engine or edge costs
 * almost no CPU. {@link #BUSY_SPIN} and {@link #YIELDING} are for machines with cores to spare.
 */
public enum IdleChoice
{
    /** Spin, yield, then park 1 µs doubling up to 1 ms. Low idle CPU; latency ≤ 1 ms when idle. */
    BACKOFF,
    /** Sleep 1 ms whenever idle. Lowest idle CPU. */
    SLEEPING,
    /** Thread.yield(): low latency, a full core when idle. */
    YIELDING,
    /** Never sleeps: lowest latency, a full core always. Never on 2 cores. */
    BUSY_SPIN;

    /** The default for every poller and the embedded driver (the settings tree names it, docs/CONFIG.md). */
    public static final IdleChoice DEFAULT = BACKOFF;

    public IdleStrategy newStrategy()
    {
        return switch (this)
        {
            case BACKOFF -> new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1));
            case SLEEPING -> new SleepingMillisIdleStrategy(1);
            case YIELDING -> new YieldingIdleStrategy();
            case BUSY_SPIN -> new BusySpinIdleStrategy();
        };
    }
}
