package io.flashgate.edge.http;

import io.flashgate.edge.EngineGateway;
import io.flashgate.engine.api.EngineClient;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.protocol.Reply;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Test-only gateway: the real engine (journal, Disruptor pipeline, business logic) in this JVM behind
 * {@link EngineClient}. The Aeron gateway replaces it in production; the edge cannot tell them apart.
 */
final class InProcessGateway implements EngineGateway
{
    private final EngineClient client = new EngineClient(1);
    private final Engine engine;
    private volatile boolean closed;

    InProcessGateway(final Path dataDirectory) throws IOException
    {
        engine = Engine.start(EngineConfig.defaults(dataDirectory).withTickIntervalMillis(0)
            .withSnapshotEveryCommands(0), client.egressListener());
        client.attach(engine);
    }

    /** Time-driven expiry, which the engine does on its tick (disabled here). */
    CompletableFuture<Reply> expireReservations()
    {
        return translate(client.expireReservations());
    }

    @Override
    public CompletableFuture<Reply> createSale(final String saleId, final int stock, final int limitPerUser,
        final long startsAtMs, final long endsAtMs, final int reservationTtlSeconds)
    {
        return translate(client.createSale(saleId, stock, limitPerUser, startsAtMs, endsAtMs, reservationTtlSeconds));
    }

    @Override
    public CompletableFuture<Reply> adjustStock(final String saleId, final long delta)
    {
        return translate(client.adjustStock(saleId, delta));
    }

    @Override
    public CompletableFuture<Reply> pause(final String saleId)
    {
        return translate(client.pause(saleId));
    }

    @Override
    public CompletableFuture<Reply> resume(final String saleId)
    {
        return translate(client.resume(saleId));
    }

    @Override
    public CompletableFuture<Reply> end(final String saleId)
    {
        return translate(client.end(saleId));
    }

    @Override
    public CompletableFuture<Reply> querySale(final String saleId)
    {
        return translate(client.querySale(saleId));
    }

    @Override
    public CompletableFuture<Reply> purchase(final String saleId, final String userId, final String idempotencyKey,
        final long quantity)
    {
        return translate(client.purchase(saleId, userId, idempotencyKey, quantity));
    }

    @Override
    public CompletableFuture<Reply> cancel(final long orderId, final String userId)
    {
        return translate(client.cancel(orderId, userId));
    }

    @Override
    public CompletableFuture<Reply> confirm(final long orderId)
    {
        return translate(client.confirm(orderId));
    }

    @Override
    public CompletableFuture<Reply> queryOrder(final long orderId, final String userId)
    {
        return translate(client.queryOrder(orderId, userId));
    }

    @Override
    public void onBroadcast(final Consumer<Reply> listener)
    {
        client.onBroadcast(listener);
    }

    @Override
    public boolean isEngineReachable()
    {
        return !closed;
    }

    @Override
    public void close()
    {
        closed = true;
        engine.close();
    }

    private static CompletableFuture<Reply> translate(final CompletableFuture<Reply> future)
    {
        final CompletableFuture<Reply> out = new CompletableFuture<>();
        future.whenComplete((reply, failure) ->
        {
            if (failure == null)
            {
                out.complete(reply);
                return;
            }
            final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ?
                failure.getCause() : failure;
            out.completeExceptionally(cause instanceof EngineClient.OverloadedException ?
                new EngineGateway.OverloadedException(cause.getMessage()) : cause);
        });
        return out;
    }
}
