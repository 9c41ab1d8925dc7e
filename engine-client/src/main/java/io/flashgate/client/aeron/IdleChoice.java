package io.flashgate.client.aeron;

import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * How a transport duty-cycle thread (an Aeron poller, the embedded media driver) waits when it found no work
 * (docs/CONFIG.md, "Threads and waiting"). The 2-core default is {@link #BACKOFF}: the thread that runs the embedded
 * driver waits in the kernel on the driver's sockets, other pollers park for times that grow, so an idle engine or
 * edge costs almost no CPU and a busy one sleeps between messages. {@link #BUSY_SPIN} and {@link #YIELDING} are the
 * low-latency profile, for machines with cores to spare.
 */
public enum IdleChoice
{
    /**
     * The default. On a duty cycle that runs the embedded media driver over UDP: wait in the kernel on the driver's
     * sockets ({@link SocketWaitIdleStrategy}), so a datagram or a signal ends the wait the moment it comes, and
     * otherwise after 1 ms while busy, 16 ms after a silence (the driver's timers). Elsewhere (a client of a driver in
     * another process, a poller on a thread of its own) as {@link #TIMED_BACKOFF}.
     */
    BACKOFF,
    /**
     * Park at once, 1 µs doubling up to 1 ms; after about 20 ms without work, up to 16 ms
     * ({@link DeepeningBackoffIdleStrategy}), whether or not sockets could end the park: the default before the
     * socket wait, kept for comparison. A datagram waits for the park it arrived in to end. No spinning before the
     * first park: on 2 cores a spin takes the core from the very thread that would produce the next message.
     */
    TIMED_BACKOFF,
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
            case BACKOFF -> SocketWaitIdleStrategy.withBackoff();
            case TIMED_BACKOFF -> new DeepeningBackoffIdleStrategy(0, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1), 20, TimeUnit.MILLISECONDS.toNanos(16));
            case SLEEPING -> new SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(1));
            case YIELDING -> new YieldingIdleStrategy();
            case BUSY_SPIN -> new BusySpinIdleStrategy();
        };
    }
}
