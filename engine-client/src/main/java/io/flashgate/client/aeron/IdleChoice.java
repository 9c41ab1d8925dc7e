package io.flashgate.client.aeron;

import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * How a transport duty-cycle thread (an Aeron poller, the embedded media driver) waits when it found no work; no
 * one can signal it, so it must look again (docs/CONFIG.md, "Threads and waiting"). The 2-core default is
 * {@link #BACKOFF}: a microsecond of spinning, then parks that grow, so an idle engine or edge costs almost no CPU
 * and a busy one sleeps between messages. {@link #BUSY_SPIN} and {@link #YIELDING} are the low-latency profile,
 * for machines with cores to spare.
 */
public enum IdleChoice
{
    /**
     * Park at once, 1 µs doubling up to 1 ms; after about 20 ms without work, up to 16 ms
     * ({@link DeepeningBackoffIdleStrategy}). Almost no idle CPU; the first message after a silence waits up to
     * 16 ms per poller, later ones up to 1 ms, unless a thread that published it signals the poller. No spinning
     * before the first park: on 2 cores a spin takes the core from the very thread that would produce the next
     * message, and a duty cycle that runs the media driver costs a system call per empty look.
     */
    BACKOFF,
    /**
     * Park 1 ms whenever idle: a steady 1,000 wake-ups a second, idle or not. A park, not a sleep, so that a signal
     * (a thread that published a message) still ends it.
     */
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
            case BACKOFF -> new DeepeningBackoffIdleStrategy(0, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1), 20, TimeUnit.MILLISECONDS.toNanos(16));
            case SLEEPING -> new SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(1));
            case YIELDING -> new YieldingIdleStrategy();
            case BUSY_SPIN -> new BusySpinIdleStrategy();
        };
    }
}
