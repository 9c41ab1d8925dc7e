package io.flashgate.engine.api;

import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageTypes;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The in-process API: submit a command, get its reply asynchronously once it is durable. The HTTP
 * edge puts Aeron in front of exactly this. Install {@link #egressListener()} as the engine's
 * listener, then {@link #attach} the engine. A full ring completes the future at once with
 * {@link OverloadedException}: back-pressure is never hidden.
 *
 * <p>Futures complete on the engine's egress thread: keep callbacks short or hop to another executor.
 */
public final class EngineClient implements EventSink
{
    private final int sourceId;
    private final AtomicLong correlationIds = new AtomicLong();
    private final Map<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final EventDecoder decoder = new EventDecoder();
    private final ThreadLocal<UnsafeBuffer> buffers = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[256]));
    private final ThreadLocal<CommandEncoder> encoders = ThreadLocal.withInitial(CommandEncoder::new);
    private volatile Consumer<Reply> broadcastListener = reply -> { };
    private volatile Engine engine;

    public EngineClient(final int sourceId)
    {
        this.sourceId = sourceId;
    }

    public EventSink egressListener()
    {
        return this;
    }

    public void attach(final Engine engine)
    {
        this.engine = engine;
    }

    /** Broadcasts (sale status changes, expiries) go here, on the egress thread. */
    public void onBroadcast(final Consumer<Reply> listener)
    {
        this.broadcastListener = listener;
    }

    public CompletableFuture<Reply> createSale(final String saleId, final int stock, final int limitPerUser,
        final long startsAtMs, final long endsAtMs, final int reservationTtlSeconds)
    {
        return submit((e, c) -> e.createSale(sourceId, c, saleId, stock, limitPerUser, startsAtMs, endsAtMs,
            reservationTtlSeconds));
    }

    public CompletableFuture<Reply> adjustStock(final String saleId, final long delta)
    {
        return submit((e, c) -> e.adjustStock(sourceId, c, saleId, delta));
    }

    public CompletableFuture<Reply> pause(final String saleId)
    {
        return submit((e, c) -> e.saleCommand(MessageTypes.PAUSE_SALE, sourceId, c, saleId));
    }

    public CompletableFuture<Reply> resume(final String saleId)
    {
        return submit((e, c) -> e.saleCommand(MessageTypes.RESUME_SALE, sourceId, c, saleId));
    }

    public CompletableFuture<Reply> end(final String saleId)
    {
        return submit((e, c) -> e.saleCommand(MessageTypes.END_SALE, sourceId, c, saleId));
    }

    public CompletableFuture<Reply> querySale(final String saleId)
    {
        return submit((e, c) -> e.saleCommand(MessageTypes.QUERY_SALE, sourceId, c, saleId));
    }

    public CompletableFuture<Reply> purchase(final String saleId, final String userId, final String idempotencyKey,
        final long quantity)
    {
        return submit((e, c) -> e.purchase(sourceId, c, saleId, userId, idempotencyKey, quantity));
    }

    public CompletableFuture<Reply> cancel(final long orderId, final String userId)
    {
        return submit((e, c) -> e.cancelOrder(sourceId, c, orderId, userId));
    }

    public CompletableFuture<Reply> confirm(final long orderId)
    {
        return submit((e, c) -> e.confirmOrder(sourceId, c, orderId));
    }

    /** @param userId the owner, or "" for an operator. */
    public CompletableFuture<Reply> queryOrder(final long orderId, final String userId)
    {
        return submit((e, c) -> e.queryOrder(sourceId, c, orderId, userId));
    }

    public CompletableFuture<Reply> expireReservations()
    {
        return submit((e, c) -> e.control(MessageTypes.EXPIRE_RESERVATIONS, sourceId, c));
    }

    public CompletableFuture<Reply> snapshot()
    {
        return submit((e, c) -> e.control(MessageTypes.SNAPSHOT, sourceId, c));
    }

    /** Sends raw bytes as a command (tools and tests of bad input); the reply still correlates if the header is intact. */
    public CompletableFuture<Reply> submitRaw(final DirectBuffer bytes, final int offset, final int length,
        final long correlationId)
    {
        final CompletableFuture<Reply> future = new CompletableFuture<>();
        pending.put(correlationId, future);
        if (!engine.offer(bytes, offset, length))
        {
            pending.remove(correlationId);
            future.completeExceptionally(new OverloadedException());
        }
        return future;
    }

    @FunctionalInterface
    private interface Encoding
    {
        int encode(CommandEncoder encoder, long correlationId);
    }

    private CompletableFuture<Reply> submit(final Encoding encoding)
    {
        final long correlationId = correlationIds.incrementAndGet();
        final UnsafeBuffer buffer = buffers.get();
        final int length = encoding.encode(encoders.get().wrap(buffer, 0), correlationId);
        return submitRaw(buffer, 0, length, correlationId);
    }

    /** Egress thread: route each event to the future waiting for it, or to the broadcast listener. */
    @Override
    public void onEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        if (decoder.wrapAndValidate(buffer, offset, length) != null)
        {
            return;
        }
        final short type = decoder.type();
        if (MessageTypes.isBroadcast(type))
        {
            broadcastListener.accept(Reply.decode(decoder));
            return;
        }
        if (decoder.sourceId() != sourceId && decoder.sourceId() != 0)
        {
            return;
        }
        final CompletableFuture<Reply> future = pending.remove(decoder.correlationId());
        if (future != null)
        {
            future.complete(Reply.decode(decoder));
        }
    }

    /** The engine's ring was full: retry later (HTTP 503 OVERLOADED). */
    public static final class OverloadedException extends RuntimeException
    {
        public OverloadedException()
        {
            super("engine overloaded: input ring full", null, false, false);
        }
    }
}
