package io.flashgate.edge;

import io.flashgate.protocol.Reply;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The edge's view of the engine: send a command, get its reply asynchronously once the engine has
 * made it durable. Implementations never block the caller: a transport that cannot take a message
 * completes the future at once with {@link OverloadedException} (HTTP 503 OVERLOADED); a reply that
 * does not come within the edge's timeout completes it with {@link ResultUnknownException} (HTTP 504).
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

    CompletableFuture<Reply> purchase(String saleId, String userId, String idempotencyKey, long quantity);

    CompletableFuture<Reply> cancel(long orderId, String userId);

    CompletableFuture<Reply> confirm(long orderId);

    /** @param userId the owner, or "" for an operator. */
    CompletableFuture<Reply> queryOrder(long orderId, String userId);

    /** Broadcast events (sale status changes, expiries), for the edge's status cache. */
    void onBroadcast(Consumer<Reply> listener);

    /**
     * Every new order the engine accepts, whichever edge sent the purchase, in the engine's order: the edge keeps
     * who bought what so that a retry of an old purchase is never answered from the sale-status cache.
     */
    void onOrderAccepted(Consumer<Reply.Order> listener);

    /** True while the engine answers (heartbeats or replies seen recently). */
    boolean isEngineReachable();

    @Override
    void close();

    /** The transport refused the message (back-pressure or not connected): answer 503 now. */
    final class OverloadedException extends RuntimeException
    {
        public OverloadedException(final String why)
        {
            super(why, null, false, false);
        }
    }

    /** No reply within the timeout: the command may or may not have been applied (HTTP 504). */
    final class ResultUnknownException extends RuntimeException
    {
        public ResultUnknownException(final String why)
        {
            super(why, null, false, false);
        }
    }
}
