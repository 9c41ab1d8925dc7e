package io.flashgate.client;

import io.flashgate.protocol.BatchReader;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import org.agrona.DirectBuffer;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * Routes each event of the engine's stream: broadcasts to the broadcast listener, every new order to the order
 * listener (whoever sent it), and the replies carrying this client's source id to the command waiting for them.
 * Called by one thread (the engine's egress thread in process, the reply poller over Aeron). Listeners run on
 * that thread: keep them short; one that throws is reported and the stream goes on.
 */
public final class ReplyRouter
{
    /** Room for the replies of one message at first; a message with more grows it. */
    private static final int REPLIES_PER_MESSAGE = 64;

    private final int sourceId;
    private final PendingCommands pending;
    private final LongPredicate ownReplies;
    private final EventDecoder decoder = new EventDecoder();
    private final BatchReader events = new BatchReader();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong tornMessages = new AtomicLong();
    /** The engine's last word was ENGINE_FAULT (it takes no commands); any other event clears it. */
    private volatile boolean engineFaulted;
    private volatile Consumer<Reply> broadcastListener = reply -> { };
    private volatile Consumer<Reply.Order> orderListener = order -> { };
    /** What {@link #route} found: the reply's correlation id, and its order (null if none). */
    private long replyId;
    private Reply replyAccepted;
    /** The replies of the message being routed, claimed together once it is read ({@link #completeReplies}). */
    private long[] replyIds = new long[REPLIES_PER_MESSAGE];
    private int[] replyOffsets = new int[REPLIES_PER_MESSAGE];
    private int[] replyLengths = new int[REPLIES_PER_MESSAGE];
    private Reply[] repliesAccepted = new Reply[REPLIES_PER_MESSAGE];
    @SuppressWarnings("unchecked")
    private CompletableFuture<Reply>[] claimed = new CompletableFuture[REPLIES_PER_MESSAGE];

    /**
     * @param ownReplies claims replies the client sent for itself (the liveness probe's) before they are matched
     *                   to a waiting command; {@code id -> false} when there are none.
     */
    public ReplyRouter(final int sourceId, final PendingCommands pending, final LongPredicate ownReplies)
    {
        this.sourceId = sourceId;
        this.pending = pending;
        this.ownReplies = ownReplies;
    }

    public void onBroadcast(final Consumer<Reply> listener)
    {
        this.broadcastListener = listener;
    }

    public void onOrderAccepted(final Consumer<Reply.Order> listener)
    {
        this.orderListener = listener;
    }

    /**
     * Routes every event of one message of the engine's stream ({@code BatchWriter} framing). A torn frame ends the
     * message: the events before it are routed, the rest is counted and skipped; the next message reads afresh.
     * Broadcasts and new orders go to their listeners in the message's order; the replies to this client's commands
     * are then claimed together ({@link PendingCommands#claimAll}) and completed in that order.
     */
    public void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        events.wrap(buffer, offset, length);
        int replies = 0;
        while (events.next())
        {
            if (route(buffer, events.frameOffset(), events.frameLength()))
            {
                replies = keepReply(replies, events.frameOffset(), events.frameLength());
            }
        }
        if (events.isTorn())
        {
            tornMessages.incrementAndGet();
        }
        if (replies > 0)
        {
            completeReplies(buffer, replies);
        }
    }

    /** Routes one event. */
    public void onEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        if (route(buffer, offset, length))
        {
            final CompletableFuture<Reply> waiting = pending.claim(replyId);
            if (waiting != null)
            {
                waiting.complete(replyAccepted != null ? replyAccepted : Reply.decode(decoder));
            }
        }
    }

    /**
     * Routes one event to the listeners; @return true if it is a reply to one of this client's commands, to be
     * claimed: its correlation id is then in {@link #replyId}, and the order it carries (if any, decoded for the
     * order listener already) in {@link #replyAccepted}; the decoder is still on it.
     */
    private boolean route(final DirectBuffer buffer, final int offset, final int length)
    {
        if (decoder.wrapAndValidate(buffer, offset, length) != null)
        {
            invalid.incrementAndGet();
            return false;
        }
        final short type = decoder.type();
        final boolean faultNotice = type == MessageTypes.REJECTED && decoder.reason() == Reason.ENGINE_FAULT;
        if (faultNotice != engineFaulted)
        {
            engineFaulted = faultNotice;
        }
        if (MessageTypes.isBroadcast(type))
        {
            notify(broadcastListener, Reply.decode(decoder));
            return false;
        }
        Reply accepted = null;
        if (type == MessageTypes.ORDER_ACCEPTED)
        {
            // New orders are few (at most the stock): every client learns all of them, not only its own.
            accepted = Reply.decode(decoder);
            notify(orderListener, (Reply.Order)accepted);
        }
        if (decoder.sourceId() != sourceId)
        {
            return false;
        }
        final long correlationId = decoder.correlationId();
        if (ownReplies.test(correlationId))
        {
            return false;
        }
        replyId = correlationId;
        replyAccepted = accepted;
        return true;
    }

    /** Keeps the reply {@link #route} found, as the {@code index}th of the message; @return the count after it. */
    private int keepReply(final int index, final int offset, final int length)
    {
        if (index == replyIds.length)
        {
            // A message carries more replies than any before it (rare: the arrays only grow)
            final int grown = index * 2;
            replyIds = Arrays.copyOf(replyIds, grown);
            replyOffsets = Arrays.copyOf(replyOffsets, grown);
            replyLengths = Arrays.copyOf(replyLengths, grown);
            repliesAccepted = Arrays.copyOf(repliesAccepted, grown);
            claimed = Arrays.copyOf(claimed, grown);
        }
        replyIds[index] = replyId;
        replyOffsets[index] = offset;
        replyLengths[index] = length;
        repliesAccepted[index] = replyAccepted;
        return index + 1;
    }

    /** Claims the message's replies under one lock, then completes each waiting command, in the message's order. */
    private void completeReplies(final DirectBuffer buffer, final int count)
    {
        pending.claimAll(replyIds, count, claimed);
        for (int i = 0; i < count; i++)
        {
            final CompletableFuture<Reply> waiting = claimed[i];
            final Reply accepted = repliesAccepted[i];
            claimed[i] = null;
            repliesAccepted[i] = null;
            if (waiting != null)
            {
                if (accepted != null)
                {
                    waiting.complete(accepted);
                }
                else
                {
                    decoder.wrapAndValidate(buffer, replyOffsets[i], replyLengths[i]); // valid: route() checked it
                    waiting.complete(Reply.decode(decoder));
                }
            }
        }
    }

    /**
     * True after the engine answered ENGINE_FAULT (docs/ARCHITECTURE.md, "Faults") until it sends anything else (a
     * restarted engine answering): the engine is not ready.
     */
    public boolean isEngineFaulted()
    {
        return engineFaulted;
    }

    /** Events that did not decode (a newer engine, a corrupt stream): counted and skipped. */
    public long invalidCount()
    {
        return invalid.get();
    }

    /** Messages whose framing was torn (the events after the tear were skipped). */
    public long tornMessageCount()
    {
        return tornMessages.get();
    }

    private static <T> void notify(final Consumer<T> listener, final T reply)
    {
        try
        {
            listener.accept(reply);
        }
        catch (final RuntimeException ex)
        {
            ex.printStackTrace();
        }
    }
}
