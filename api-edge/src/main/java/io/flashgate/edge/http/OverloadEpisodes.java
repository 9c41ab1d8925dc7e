package io.flashgate.edge.http;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Overload as the operator reads it in the log: one {@code overload.start} line when this edge first sheds a
 * shopper's command (the in-flight bound, or the engine's 503), one {@code overload.end} line with the count shed
 * once a second has passed without any. Between them, nothing per request: a rush of refusals is two lines.
 *
 * <p>The end is noticed by a timer thread that exists only while an episode is open (it times out after).
 */
final class OverloadEpisodes implements AutoCloseable
{
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final System.Logger LOG = System.getLogger("flashgate.edge");

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r ->
    {
        final Thread t = new Thread(r, "flashgate-edge-overload");
        t.setDaemon(true);
        return t;
    });
    private boolean open;
    private long shed;
    private long startedNanos;
    private long lastNanos;
    private String firstReason;

    OverloadEpisodes()
    {
        timer.setKeepAliveTime(2, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    /** A shopper's command was refused for overload; {@code reason} is why (SHED, OVERLOADED). */
    void shed(final String reason)
    {
        final long now = System.nanoTime();
        synchronized (this)
        {
            lastNanos = now;
            shed++;
            if (open)
            {
                return;
            }
            open = true;
            startedNanos = now;
            firstReason = reason;
        }
        LOG.log(System.Logger.Level.WARNING, "overload.start reason=" + reason);
        schedule(QUIET_NANOS);
    }

    private void schedule(final long delayNanos)
    {
        try
        {
            timer.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
        }
        catch (final java.util.concurrent.RejectedExecutionException ex)
        {
            // closing: the episode ends with the process
        }
    }

    private void check()
    {
        final long now = System.nanoTime();
        final long count;
        final long seconds;
        final String reason;
        synchronized (this)
        {
            final long quietFor = now - lastNanos;
            if (quietFor < QUIET_NANOS)
            {
                schedule(QUIET_NANOS - quietFor);
                return;
            }
            count = shed;
            seconds = TimeUnit.NANOSECONDS.toMillis(lastNanos - startedNanos);
            reason = firstReason;
            open = false;
            shed = 0;
        }
        LOG.log(System.Logger.Level.WARNING, String.format(java.util.Locale.ROOT,
            "overload.end shed=%d lasted_ms=%d first_reason=%s", count, seconds, reason));
    }

    @Override
    public void close()
    {
        timer.shutdownNow();
    }
}
