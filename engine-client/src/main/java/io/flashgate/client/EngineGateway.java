package io.flashgate.client;

import io.flashgate.protocol.Reply;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A client's view of the engine: send a command, get its reply asynchronously once the engine has made
 * it durable. Implementations never block the caller: a channel that cannot take a message completes the
 * future at once with {@link OverloadedException} (HTTP 503 OVERLOADED); a reply that does not come within
 * the client's reply timeout completes it with {@link ResultUnknownException} (HTTP 504).
 *
 * <p>Two implementations share {@link CommandSender}: the engine's in-process client and
 * {@code io.flashgate.client.aeron.AeronEngineGateway}.
 */
public interface EngineGateway extends AutoCloseable
{
    CompletableFuture<Reply> createSale(String saleId, int stock, int limitPerUser, long startsAtMs, long endsAtMs,
        int reservationTtlSeconds);

    CompletableFuture<Reply> adjustStock(String saleId, long delta);

    CompletableFuture<Reply> pause(String saleId);

    CompletableFuture<Reply> resume(String saleId);

    CompletableFuture<Reply> end(String saleId);

    CompletableFuture<Reply> querySale(String saleId);

    /**
     * The sale at {@code index} in the engine's creation order (0 the first created), or UNKNOWN_SALE past the last:
     * {@code GET /admin/sales} asks 0, 1, ... (docs/HTTP-API.md). A query like {@link #querySale}.
     */
    CompletableFuture<Reply> querySaleAt(int index);

    CompletableFuture<Reply> purchase(String saleId, String userId, String idempotencyKey, long quantity);

    CompletableFuture<Reply> cancel(long orderId, String userId);

    CompletableFuture<Reply> confirm(long orderId);

    /** @param userId the owner, or "" for an operator. */
    CompletableFuture<Reply> queryOrder(long orderId, String userId);

    /**
     * The engine's figures ({@link Reply.EngineStatus}): role, epoch, sequence, durable sequence, standby; for
     * {@code GET /admin/engine} (docs/HTTP-API.md). Travels through the pipeline like any query; changes no state.
     */
    CompletableFuture<Reply> queryEngine();

    /** Draw mode and the sales, entries and purchases of the cap of accounts per address: see {@link SaleRequest}. */
    CompletableFuture<Reply> request(SaleRequest request);

    /** Broadcast events (sale status changes, expiries), for the edge's status cache. */
    void onBroadcast(Consumer<Reply> listener);

    /**
     * Every new order the engine accepts, whichever client sent the purchase, in the engine's order: the edge keeps
     * who bought what so that a retry of an old purchase is never answered from the sale-status cache.
     */
    void onOrderAccepted(Consumer<Reply.Order> listener);

    /** True while the engine answers. */
    boolean isEngineReachable();

    /**
     * Runs {@code listener} each time the gateway starts following another engine's history (a failover: see
     * {@code io.flashgate.client.follow.FollowingGateway}): whatever the caller learnt from the old engine's stream
     * (a sale-status cache, who bought what) must be dropped and learnt again from the new one. It runs before any
     * broadcast of the new engine reaches the listeners. A gateway of one engine never switches.
     */
    default void onEngineSwitch(final Runnable listener)
    {
    }

    /**
     * Every engine this gateway can send to, with what it last said of itself, for {@code GET /admin/engine}
     * (docs/HTTP-API.md); empty for a gateway of one engine.
     */
    default List<FollowedEngine> engines()
    {
        return List.of();
    }

    /**
     * The engine this gateway talks to is known dead or fenced (a follower switched away from it): every command
     * still waiting completes at once with {@link ResultUnknownException} ({@link PendingCommands#ENGINE_LEFT})
     * instead of waiting out the reply timeout: the edge resends a purchase once to the new primary, and answers
     * anything else 504 RESULT_UNKNOWN for the shopper to retry with the same key.
     */
    default void abandonWaiting()
    {
    }

    /** Commands still waiting complete with {@link ResultUnknownException}. */
    @Override
    void close();
}
