package io.flashgate.client;

import io.flashgate.protocol.BatchReader;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import org.agrona.DirectBuffer;

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
     */
    public void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        events.wrap(buffer, offset, length);
        while (events.next())
        {
            onEvent(buffer, events.frameOffset(), events.frameLength());
        }
        if (events.isTorn())
        {
            tornMessages.incrementAndGet();
        }
    }

    /** Routes one event. */
    public void onEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        if (decoder.wrapAndValidate(buffer, offset, length) != null)
        {
            invalid.incrementAndGet();
            return;
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
            return;
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
            return;
        }
        final long correlationId = decoder.correlationId();
        if (ownReplies.test(correlationId))
        {
            return;
        }
        final CompletableFuture<Reply> waiting = pending.claim(correlationId);
        if (waiting != null)
        {
            waiting.complete(accepted != null ? accepted : Reply.decode(decoder));
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
