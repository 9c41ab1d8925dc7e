package io.flashgate.edge.http;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Gives every request waiting for the engine its 504 when no reply came within the reply timeout. The timeout is
 * the same for all, so the requests are in deadline order as they arrive: one queue and one thread that sleeps until
 * the oldest deadline, drops the answered requests at the head every {@code tick}, and parks for good (no work, no
 * CPU) while nothing waits. A timer task per request would cost a lock and a heap insert, and its cancellation a
 * lock and a heap removal on the gateway's thread, for every purchase.
 */
final class ReplyDeadlines implements AutoCloseable
{
    private final long tickNanos;
    private final ConcurrentLinkedQueue<PendingAnswer> waiting = new ConcurrentLinkedQueue<>();
    private final Thread sweeper;
    private volatile boolean sleeping;
    private volatile boolean closed;

    /** @param tickNanos how often answered requests are dropped from the head while some still wait. */
    ReplyDeadlines(final long tickNanos)
    {
        this.tickNanos = tickNanos;
        this.sweeper = new Thread(this::sweep, "flashgate-edge-deadlines");
        this.sweeper.setDaemon(true);
        this.sweeper.start();
    }

    /** For a reply timeout: a tenth of it, between 1 ms and 50 ms. */
    static long tickFor(final long replyTimeoutNanos)
    {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(TimeUnit.MILLISECONDS.toNanos(50),
            replyTimeoutNanos / 10));
    }

    void add(final PendingAnswer call)
    {
        waiting.offer(call);
        if (sleeping)
        {
            LockSupport.unpark(sweeper);
        }
    }

    private void sweep()
    {
        while (!closed)
        {
            PendingAnswer head;
            while ((head = waiting.peek()) != null)
            {
                if (head.decided())
                {
                    waiting.poll();
                }
                else if (head.deadlineNanos - System.nanoTime() <= 0)
                {
                    waiting.poll();
                    head.expire();
                }
                else
                {
                    break;
                }
            }
            if (head == null)
            {
                sleeping = true;
                if (waiting.isEmpty() && !closed)
                {
                    LockSupport.park(this);
                }
                sleeping = false;
                continue;
            }
            LockSupport.parkNanos(this, Math.min(head.deadlineNanos - System.nanoTime(), tickNanos));
            // answered requests queued behind a slow one leave now, not at its deadline (they hold their context)
            waiting.removeIf(PendingAnswer::decided);
        }
    }

    /** Stops the sweeper; requests still waiting are answered by the gateway's close (it fails what it waits for). */
    @Override
    public void close()
    {
        closed = true;
        LockSupport.unpark(sweeper);
        try
        {
            sweeper.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
