package io.flashgate.client;

import io.flashgate.protocol.Reply;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Commands sent and waiting for their reply, keyed by correlation id. A refused offer completes the future at
 * once with {@link OverloadedException}; {@link #expire} completes those past the reply timeout with
 * {@link ResultUnknownException}. Any thread sends; one thread (the one reading replies) completes and expires.
 *
 * <p>Allocation per command is the future alone: the table is an open-addressing map of primitive keys (no boxed
 * id, no node), and the deadlines are a list threaded through the futures themselves, unlinked when the reply
 * comes (so an answered future is garbage at once instead of living until its deadline). One lock guards both:
 * every step under it is a few field writes, and futures complete outside it.
 */
public final class PendingCommands
{
    /** The engine was left for another (dead, or fenced): its answer will not come through this client. */
    public static final ResultUnknownException ENGINE_LEFT =
        new ResultUnknownException("the engine was left for another (dead or fenced): retry with the same key");
    private static final ResultUnknownException TIMED_OUT = new ResultUnknownException("no reply within the timeout");
    private static final ResultUnknownException CLOSED =
        new ResultUnknownException("client closed before the reply came");

    private final long timeoutNanos;
    private final Long2ObjectHashMap<Pending> waiting = new Long2ObjectHashMap<>();
    /** Deadlines in (nearly) send order: the timeout is constant, so the oldest is always the next to expire. */
    private Pending oldest;
    private Pending newest;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong replies = new AtomicLong();

    /** @param replyTimeout null or zero: wait for ever (the engine in this JVM answers every command). */
    public PendingCommands(final Duration replyTimeout)
    {
        this.timeoutNanos = replyTimeout == null ? 0 : replyTimeout.toNanos();
    }

    /**
     * The failure a command's future completed with, out of the {@link CompletionException} a
     * dependent stage wraps it in: what callers test ({@link #ENGINE_LEFT}, {@link OverloadedException}, ...).
     */
    public static Throwable causeOf(final Throwable failure)
    {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Registers the command, then offers it; registering first means a fast reply always finds its future. */
    public CompletableFuture<Reply> send(final long correlationId, final CommandChannel channel,
        final DirectBuffer bytes, final int offset, final int length)
    {
        final Pending future = new Pending(correlationId, System.nanoTime() + timeoutNanos);
        synchronized (this)
        {
            if (waiting.containsKey(correlationId))
            {
                // A caller-chosen id (submitRaw) already waiting: replacing it would strand the first future and
                // hand its reply to this one.
                future.completeExceptionally(new IllegalArgumentException(
                    "correlation id " + correlationId + " is already waiting for a reply"));
                return future;
            }
            waiting.put(correlationId, future);
            if (timeoutNanos > 0)
            {
                append(future);
            }
        }
        final OverloadedException refusal = channel.offer(correlationId, bytes, offset, length);
        if (refusal != null)
        {
            refuse(correlationId, refusal);
        }
        return future;
    }

    /**
     * The channel could not send a command it had taken (a batch it gathered was refused): its future completes
     * with {@code why}, as a refused offer's does. Any thread; an id no longer waiting is ignored.
     */
    public void refuse(final long correlationId, final OverloadedException why)
    {
        final Pending future;
        synchronized (this)
        {
            future = waiting.remove(correlationId);
            if (future == null)
            {
                return;
            }
            unlink(future);
        }
        refused.incrementAndGet();
        future.completeExceptionally(why);
    }

    /** Whether a command with this correlation id waits for a reply. */
    public synchronized boolean isWaiting(final long correlationId)
    {
        return waiting.containsKey(correlationId);
    }

    /**
     * Takes the future waiting for this reply (counted as a reply), for the caller to complete; null if none waits.
     * Lets the reader decode a reply only when someone waits for it.
     */
    public CompletableFuture<Reply> claim(final long correlationId)
    {
        final Pending future;
        synchronized (this)
        {
            future = waiting.remove(correlationId);
            if (future == null)
            {
                return null;
            }
            unlink(future);
        }
        replies.incrementAndGet();
        return future;
    }

    /** @return true if a command waited for this reply. */
    public boolean complete(final long correlationId, final Reply reply)
    {
        final CompletableFuture<Reply> future = claim(correlationId);
        return future != null && future.complete(reply);
    }

    /** Completes every command past its deadline with {@link ResultUnknownException}; @return how many expired. */
    public int expire(final long nowNanos)
    {
        Pending expired = null;
        int count = 0;
        synchronized (this)
        {
            Pending head;
            while ((head = oldest) != null && nowNanos - head.deadlineNanos >= 0)
            {
                unlink(head);
                if (waiting.get(head.correlationId) == head)
                {
                    waiting.remove(head.correlationId);
                    head.next = expired; // a chain of the expired, completed once the lock is released
                    expired = head;
                    count++;
                }
            }
        }
        while (expired != null)
        {
            final Pending future = expired;
            expired = future.next;
            future.next = null;
            timedOut.incrementAndGet();
            future.completeExceptionally(TIMED_OUT);
        }
        return count;
    }

    /** On close: every command still waiting completes with {@link ResultUnknownException}. */
    public void failAll()
    {
        failAll(CLOSED);
    }

    /** Every command still waiting completes with {@code why}. */
    public void failAll(final ResultUnknownException why)
    {
        final List<Pending> all;
        synchronized (this)
        {
            all = new ArrayList<>(waiting.values());
            waiting.clear();
            oldest = null;
            newest = null;
        }
        for (final Pending future : all)
        {
            future.completeExceptionally(why);
        }
    }

    /** Commands refused with {@link OverloadedException}. */
    public long refusedCount()
    {
        return refused.get();
    }

    /** Commands completed with {@link ResultUnknownException} after the timeout. */
    public long timedOutCount()
    {
        return timedOut.get();
    }

    /** Replies matched to a waiting command. */
    public long replyCount()
    {
        return replies.get();
    }

    /** Commands sent and still waiting. */
    public synchronized int size()
    {
        return waiting.size();
    }

    private void append(final Pending future)
    {
        future.previous = newest;
        if (newest == null)
        {
            oldest = future;
        }
        else
        {
            newest.next = future;
        }
        newest = future;
        future.linked = true;
    }

    private void unlink(final Pending future)
    {
        if (!future.linked)
        {
            return;
        }
        if (future.previous == null)
        {
            oldest = future.next;
        }
        else
        {
            future.previous.next = future.next;
        }
        if (future.next == null)
        {
            newest = future.previous;
        }
        else
        {
            future.next.previous = future.previous;
        }
        future.previous = null;
        future.next = null;
        future.linked = false;
    }

    /** The future itself, with what {@link #expire} needs: its id, its deadline and its place among the deadlines. */
    private static final class Pending extends CompletableFuture<Reply>
    {
        final long correlationId;
        final long deadlineNanos;
        Pending previous;
        Pending next;
        boolean linked;

        Pending(final long correlationId, final long deadlineNanos)
        {
            this.correlationId = correlationId;
            this.deadlineNanos = deadlineNanos;
        }
    }
}
