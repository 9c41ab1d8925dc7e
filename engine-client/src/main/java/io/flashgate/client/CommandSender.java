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
 * The one implementation of the {@link EngineGateway} commands: encode (no lambda, no copy of the ids) into a
 * per-thread buffer of {@link WireFormat#MAX_COMMAND_LENGTH} bytes, give the command the next correlation id, register it with
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
    private final ThreadLocal<Scratch> scratches = ThreadLocal.withInitial(Scratch::new);

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
        final Scratch scratch = scratch();
        final long c = nextCorrelationId();
        return send(scratch, c, scratch.encoder.createSale(sourceId, c, saleId, stock, limitPerUser, startsAtMs,
            endsAtMs, reservationTtlSeconds));
    }

    @Override
    public final CompletableFuture<Reply> adjustStock(final String saleId, final long delta)
    {
        final Scratch scratch = scratch();
        final long c = nextCorrelationId();
        return send(scratch, c, scratch.encoder.adjustStock(sourceId, c, saleId, delta));
    }

    @Override
    public final CompletableFuture<Reply> pause(final String saleId)
    {
        return saleCommand(MessageTypes.PAUSE_SALE, saleId);
    }

    @Override
    public final CompletableFuture<Reply> resume(final String saleId)
    {
        return saleCommand(MessageTypes.RESUME_SALE, saleId);
    }

    @Override
    public final CompletableFuture<Reply> end(final String saleId)
    {
        return saleCommand(MessageTypes.END_SALE, saleId);
    }

    @Override
    public final CompletableFuture<Reply> querySale(final String saleId)
    {
        return saleCommand(MessageTypes.QUERY_SALE, saleId);
    }

    @Override
    public final CompletableFuture<Reply> querySaleAt(final int index)
    {
        final Scratch scratch = scratch();
        final long c = nextCorrelationId();
        return send(scratch, c, scratch.encoder.querySaleAt(sourceId, c, index));
    }

    @Override
    public final CompletableFuture<Reply> purchase(final String saleId, final String userId,
        final String idempotencyKey, final long quantity)
    {
        final Scratch scratch = scratch();
        final long c = nextCorrelationId();
        return send(scratch, c, scratch.encoder.purchase(sourceId, c, saleId, userId, idempotencyKey, quantity));
    }

    @Override
    public final CompletableFuture<Reply> cancel(final long orderId, final String userId)
    {
        final Scratch scratch = scratch();
        final long c = nextCorrelationId();
        return send(scratch, c, scratch.encoder.cancelOrder(sourceId, c, orderId, userId));
    }

    @Override
    public final CompletableFuture<Reply> confirm(final long orderId)
    {
        final Scratch scratch = scratch();
        final long c = nextCorrelationId();
        return send(scratch, c, scratch.encoder.confirmOrder(sourceId, c, orderId));
    }

    @Override
    public final CompletableFuture<Reply> queryOrder(final long orderId, final String userId)
    {
        final Scratch scratch = scratch();
        final long c = nextCorrelationId();
        return send(scratch, c, scratch.encoder.queryOrder(sourceId, c, orderId, userId));
    }

    @Override
    public final CompletableFuture<Reply> request(final SaleRequest request)
    {
        final Scratch scratch = scratch();
        final long c = nextCorrelationId();
        final CommandEncoder e = scratch.encoder;
        final int length;
        if (request instanceof SaleRequest.CreateSale r)
        {
            length = e.createSale(sourceId, c, r.saleId(), r.stock(), r.limitPerUser(), r.startsAtMs(), r.endsAtMs(),
                r.reservationTtlSeconds(), r.mode(), r.accountsPerAddress(), r.seedHash());
        }
        else if (request instanceof SaleRequest.Purchase r)
        {
            length = e.purchase(sourceId, c, r.saleId(), r.userId(), r.idempotencyKey(), r.quantity(), r.address());
        }
        else if (request instanceof SaleRequest.Enter r)
        {
            length = e.enterDraw(sourceId, c, r.saleId(), r.userId(), r.quantity(), r.address());
        }
        else if (request instanceof SaleRequest.Withdraw r)
        {
            length = e.entryCommand(MessageTypes.WITHDRAW_ENTRY, sourceId, c, r.saleId(), r.userId());
        }
        else if (request instanceof SaleRequest.QueryEntry r)
        {
            length = e.entryCommand(MessageTypes.QUERY_ENTRY, sourceId, c, r.saleId(), r.userId());
        }
        else if (request instanceof SaleRequest.RunDraw r)
        {
            length = e.runDraw(sourceId, c, r.saleId(), r.seed());
        }
        else if (request instanceof SaleRequest.QueryDraw r)
        {
            length = e.saleCommand(MessageTypes.QUERY_DRAW, sourceId, c, r.saleId());
        }
        else
        {
            final SaleRequest.QueryWinners r = (SaleRequest.QueryWinners)request;
            length = e.queryDrawWinners(sourceId, c, r.saleId(), r.from());
        }
        return send(scratch, c, length);
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
        return pending.send(correlationId, channelNow(), bytes, offset, length);
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
        final Scratch scratch = scratch();
        final long c = nextCorrelationId();
        return send(scratch, c, scratch.encoder.control(type, sourceId, c));
    }

    protected final PendingCommands pending()
    {
        return pending;
    }

    protected final ReplyRouter router()
    {
        return router;
    }

    private CompletableFuture<Reply> saleCommand(final short type, final String saleId)
    {
        final Scratch scratch = scratch();
        final long c = nextCorrelationId();
        return send(scratch, c, scratch.encoder.saleCommand(type, sourceId, c, saleId));
    }

    private long nextCorrelationId()
    {
        return correlationIds.incrementAndGet();
    }

    /** The calling thread's buffer and encoder, the encoder wrapped at the buffer's start. */
    private Scratch scratch()
    {
        final Scratch scratch = scratches.get();
        scratch.encoder.wrap(scratch.buffer, 0);
        return scratch;
    }

    private CompletableFuture<Reply> send(final Scratch scratch, final long correlationId, final int length)
    {
        return pending.send(correlationId, channelNow(), scratch.buffer, 0, length);
    }

    /**
     * The channel, or none while the engine has answered ENGINE_FAULT (docs/ARCHITECTURE.md, "Faults"): it takes
     * no commands, so they are refused here at once (503) instead of making a round trip to be refused there.
     */
    private CommandChannel channelNow()
    {
        return router.isEngineFaulted() ? FaultedEngine.CHANNEL : channel;
    }

    /** Refuses every command: the engine stopped after a journal fault. */
    private static final class FaultedEngine
    {
        private static final OverloadedException FAULTED =
            new OverloadedException("engine stopped after a journal fault");
        static final CommandChannel CHANNEL = (correlationId, buffer, offset, length) -> FAULTED;
    }

    /** One per sending thread: commands are encoded here, then copied by the channel, so it is free on return. */
    private static final class Scratch
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
        final CommandEncoder encoder = new CommandEncoder();
    }
}
