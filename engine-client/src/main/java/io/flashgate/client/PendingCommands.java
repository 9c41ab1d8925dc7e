package io.flashgate.client;

import io.flashgate.protocol.Reply;
import org.agrona.DirectBuffer;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Commands sent and waiting for their reply, keyed by correlation id. A refused offer completes the future at
 * once with {@link OverloadedException}; {@link #expire} completes those past the reply timeout with
 * {@link ResultUnknownException}. Any thread sends; one thread (the one reading replies) completes and expires.
 */
public final class PendingCommands
{
    private static final ResultUnknownException TIMED_OUT = new ResultUnknownException("no reply within the timeout");
    private static final ResultUnknownException CLOSED =
        new ResultUnknownException("client closed before the reply came");

    private final long timeoutNanos;
    private final Map<Long, Pending> waiting = new ConcurrentHashMap<>();
    /** Deadlines in (nearly) send order: the timeout is constant, so the head is always the next to expire. */
    private final Queue<Pending> deadlines = new ConcurrentLinkedQueue<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong replies = new AtomicLong();

    /** @param replyTimeout null or zero: wait for ever (the engine in this JVM answers every command). */
    public PendingCommands(final Duration replyTimeout)
    {
        this.timeoutNanos = replyTimeout == null ? 0 : replyTimeout.toNanos();
    }

    /** Registers the command, then offers it; registering first means a fast reply always finds its future. */
    public CompletableFuture<Reply> send(final long correlationId, final CommandChannel channel,
        final DirectBuffer bytes, final int offset, final int length)
    {
        final Pending future = new Pending(correlationId, System.nanoTime() + timeoutNanos);
        waiting.put(correlationId, future);
        final OverloadedException refusal = channel.offer(bytes, offset, length);
        if (refusal != null)
        {
            waiting.remove(correlationId, future);
            refused.incrementAndGet();
            future.completeExceptionally(refusal);
            return future;
        }
        if (timeoutNanos > 0)
        {
            deadlines.offer(future);
        }
        return future;
    }

    /** Whether a command with this correlation id waits for a reply (the reply is decoded only then). */
    public boolean isWaiting(final long correlationId)
    {
        return waiting.containsKey(correlationId);
    }

    /** @return true if a command waited for this reply. */
    public boolean complete(final long correlationId, final Reply reply)
    {
        final Pending future = waiting.remove(correlationId);
        if (future == null)
        {
            return false;
        }
        replies.incrementAndGet();
        future.complete(reply);
        return true;
    }

    /** Completes every command past its deadline with {@link ResultUnknownException}; @return how many expired. */
    public int expire(final long nowNanos)
    {
        int expired = 0;
        Pending head;
        while ((head = deadlines.peek()) != null && nowNanos - head.deadlineNanos >= 0)
        {
            deadlines.poll();
            if (waiting.remove(head.correlationId, head))
            {
                timedOut.incrementAndGet();
                head.completeExceptionally(TIMED_OUT);
            }
            expired++;
        }
        return expired;
    }

    /** On close: every command still waiting completes with {@link ResultUnknownException}. */
    public void failAll()
    {
        for (final Pending future : waiting.values())
        {
            if (waiting.remove(future.correlationId, future))
            {
                future.completeExceptionally(CLOSED);
            }
        }
        deadlines.clear();
    }

    /** Commands refused at once with {@link OverloadedException}. */
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
    public int size()
    {
        return waiting.size();
    }

    /** The future itself, with what {@link #expire} needs. */
    private static final class Pending extends CompletableFuture<Reply>
    {
        final long correlationId;
        final long deadlineNanos;

        Pending(final long correlationId, final long deadlineNanos)
        {
            this.correlationId = correlationId;
            this.deadlineNanos = deadlineNanos;
        }
    }
}
