package io.flashgate.client;

import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.WireFormat;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one implementation of the {@link EngineGateway} commands: encode into a per-thread buffer of
 * {@link WireFormat#MAX_COMMAND_LENGTH} bytes, give the command the next correlation id, register it with
 * {@link PendingCommands} and offer it to a {@link CommandChannel}. Replies come back through the
 * {@link ReplyRouter}, which the subclass feeds from wherever its events arrive. Subclasses add how the channel
 * is reached, how liveness is judged and how the client closes.
 */
public abstract class CommandSender implements EngineGateway
{
    private final int sourceId;
    private final CommandChannel channel;
    private final PendingCommands pending;
    private final ReplyRouter router;
    private final AtomicLong correlationIds;
    private final ThreadLocal<UnsafeBuffer> buffers =
        ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]));
    private final ThreadLocal<CommandEncoder> encoders = ThreadLocal.withInitial(CommandEncoder::new);

    /**
     * @param correlationIds shared with anything else that sends as this source (a liveness probe), so that no
     *                       two commands in flight carry the same id.
     */
    protected CommandSender(final int sourceId, final CommandChannel channel, final PendingCommands pending,
        final ReplyRouter router, final AtomicLong correlationIds)
    {
        this.sourceId = sourceId;
        this.channel = channel;
        this.pending = pending;
        this.router = router;
        this.correlationIds = correlationIds;
    }

    /** The id the engine copies into each reply to this client. */
    public final int sourceId()
    {
        return sourceId;
    }

    @Override
    public final CompletableFuture<Reply> createSale(final String saleId, final int stock, final int limitPerUser,
        final long startsAtMs, final long endsAtMs, final int reservationTtlSeconds)
    {
        return submit((e, c) -> e.createSale(sourceId, c, saleId, stock, limitPerUser, startsAtMs, endsAtMs,
            reservationTtlSeconds));
    }

    @Override
    public final CompletableFuture<Reply> adjustStock(final String saleId, final long delta)
    {
        return submit((e, c) -> e.adjustStock(sourceId, c, saleId, delta));
    }

    @Override
    public final CompletableFuture<Reply> pause(final String saleId)
    {
        return submit((e, c) -> e.saleCommand(MessageTypes.PAUSE_SALE, sourceId, c, saleId));
    }

    @Override
    public final CompletableFuture<Reply> resume(final String saleId)
    {
        return submit((e, c) -> e.saleCommand(MessageTypes.RESUME_SALE, sourceId, c, saleId));
    }

    @Override
    public final CompletableFuture<Reply> end(final String saleId)
    {
        return submit((e, c) -> e.saleCommand(MessageTypes.END_SALE, sourceId, c, saleId));
    }

    @Override
    public final CompletableFuture<Reply> querySale(final String saleId)
    {
        return submit((e, c) -> e.saleCommand(MessageTypes.QUERY_SALE, sourceId, c, saleId));
    }

    @Override
    public final CompletableFuture<Reply> purchase(final String saleId, final String userId,
        final String idempotencyKey, final long quantity)
    {
        return submit((e, c) -> e.purchase(sourceId, c, saleId, userId, idempotencyKey, quantity));
    }

    @Override
    public final CompletableFuture<Reply> cancel(final long orderId, final String userId)
    {
        return submit((e, c) -> e.cancelOrder(sourceId, c, orderId, userId));
    }

    @Override
    public final CompletableFuture<Reply> confirm(final long orderId)
    {
        return submit((e, c) -> e.confirmOrder(sourceId, c, orderId));
    }

    @Override
    public final CompletableFuture<Reply> queryOrder(final long orderId, final String userId)
    {
        return submit((e, c) -> e.queryOrder(sourceId, c, orderId, userId));
    }

    @Override
    public final CompletableFuture<Reply> queryEngine()
    {
        return submitControl(MessageTypes.QUERY_ENGINE);
    }

    @Override
    public final void onBroadcast(final Consumer<Reply> listener)
    {
        router.onBroadcast(listener);
    }

    @Override
    public final void onOrderAccepted(final Consumer<Reply.Order> listener)
    {
        router.onOrderAccepted(listener);
    }

    /**
     * Sends raw bytes as a command (tools and tests of bad input); the reply correlates if the header carries this
     * client's source id and {@code correlationId}. A command longer than {@link WireFormat#MAX_COMMAND_LENGTH} is
     * sent as it is: the engine rejects it as TOO_LONG.
     */
    public final CompletableFuture<Reply> submitRaw(final DirectBuffer bytes, final int offset, final int length,
        final long correlationId)
    {
        return pending.send(correlationId, channel, bytes, offset, length);
    }

    /** Commands refused at once with {@link OverloadedException}. */
    public final long overloadedCount()
    {
        return pending.refusedCount();
    }

    /** Commands completed with {@link ResultUnknownException} after the timeout. */
    public final long timedOutCount()
    {
        return pending.timedOutCount();
    }

    /** Replies matched to a waiting command. */
    public final long replyCount()
    {
        return pending.replyCount();
    }

    /** Commands sent and still waiting for a reply. */
    public final int pendingCount()
    {
        return pending.size();
    }

    /** A header-only command (QUERY_ENGINE, or an in-process client's EXPIRE_RESERVATIONS and SNAPSHOT). */
    protected final CompletableFuture<Reply> submitControl(final short type)
    {
        return submit((e, c) -> e.control(type, sourceId, c));
    }

    protected final PendingCommands pending()
    {
        return pending;
    }

    protected final ReplyRouter router()
    {
        return router;
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
}
