package io.flashgate.edge.http;

import io.flashgate.client.EngineGateway;
import io.flashgate.protocol.Reply;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Test wrapper around a real gateway: counts every command that reaches it (by name) and lets a test
 * replace the answer of a command with {@link #intercept}. Does not close the gateway it wraps.
 */
class ForwardingGateway implements EngineGateway
{
    /** Decides the answer for one command; return null to let it through to the engine. */
    @FunctionalInterface
    interface Interceptor
    {
        CompletableFuture<Reply> apply(String command, java.util.function.Supplier<CompletableFuture<Reply>> real);
    }

    final EngineGateway delegate;
    private final ConcurrentHashMap<String, LongAdder> calls = new ConcurrentHashMap<>();
    private volatile Interceptor interceptor = (command, real) -> null;
    /** null: ask the wrapped gateway. */
    volatile Boolean reachable;
    /** true: the edge hears no broadcasts (as if it had started after them). */
    volatile boolean dropBroadcasts;

    ForwardingGateway(final EngineGateway delegate)
    {
        this.delegate = delegate;
    }

    void intercept(final Interceptor interceptor)
    {
        this.interceptor = interceptor;
    }

    long calls(final String command)
    {
        final LongAdder adder = calls.get(command);
        return adder == null ? 0 : adder.sum();
    }

    long totalCalls()
    {
        return calls.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private CompletableFuture<Reply> call(final String command, final java.util.function.Supplier<CompletableFuture<Reply>> real)
    {
        calls.computeIfAbsent(command, k -> new LongAdder()).increment();
        final CompletableFuture<Reply> replaced = interceptor.apply(command, real);
        return replaced != null ? replaced : real.get();
    }

    @Override
    public CompletableFuture<Reply> createSale(final String saleId, final int stock, final int limitPerUser,
        final long startsAtMs, final long endsAtMs, final int reservationTtlSeconds)
    {
        return call("createSale", () -> delegate.createSale(saleId, stock, limitPerUser, startsAtMs, endsAtMs,
            reservationTtlSeconds));
    }

    @Override
    public CompletableFuture<Reply> request(final io.flashgate.client.SaleRequest request)
    {
        // A purchase that carries the client's address is still a purchase to the tests that count or hold them.
        final String name = request instanceof io.flashgate.client.SaleRequest.Purchase ? "purchase" :
            request.getClass().getSimpleName();
        return call(name, () -> delegate.request(request));
    }

    @Override
    public CompletableFuture<Reply> adjustStock(final String saleId, final long delta)
    {
        return call("adjustStock", () -> delegate.adjustStock(saleId, delta));
    }

    @Override
    public CompletableFuture<Reply> pause(final String saleId)
    {
        return call("pause", () -> delegate.pause(saleId));
    }

    @Override
    public CompletableFuture<Reply> resume(final String saleId)
    {
        return call("resume", () -> delegate.resume(saleId));
    }

    @Override
    public CompletableFuture<Reply> end(final String saleId)
    {
        return call("end", () -> delegate.end(saleId));
    }

    @Override
    public CompletableFuture<Reply> querySale(final String saleId)
    {
        return call("querySale", () -> delegate.querySale(saleId));
    }

    @Override
    public CompletableFuture<Reply> querySaleAt(final int index)
    {
        return call("querySaleAt", () -> delegate.querySaleAt(index));
    }

    @Override
    public CompletableFuture<Reply> purchase(final String saleId, final String userId, final String idempotencyKey,
        final long quantity)
    {
        return call("purchase", () -> delegate.purchase(saleId, userId, idempotencyKey, quantity));
    }

    @Override
    public CompletableFuture<Reply> cancel(final long orderId, final String userId)
    {
        return call("cancel", () -> delegate.cancel(orderId, userId));
    }

    @Override
    public CompletableFuture<Reply> confirm(final long orderId)
    {
        return call("confirm", () -> delegate.confirm(orderId));
    }

    @Override
    public CompletableFuture<Reply> queryOrder(final long orderId, final String userId)
    {
        return call("queryOrder", () -> delegate.queryOrder(orderId, userId));
    }

    @Override
    public CompletableFuture<Reply> queryEngine()
    {
        return call("queryEngine", delegate::queryEngine);
    }

    @Override
    public void onBroadcast(final Consumer<Reply> listener)
    {
        delegate.onBroadcast(reply ->
        {
            if (!dropBroadcasts)
            {
                listener.accept(reply);
            }
        });
    }

    @Override
    public void onOrderAccepted(final Consumer<Reply.Order> listener)
    {
        delegate.onOrderAccepted(listener);
    }

    @Override
    public boolean isEngineReachable()
    {
        final Boolean forced = reachable;
        return forced != null ? forced : delegate.isEngineReachable();
    }

    @Override
    public void abandonWaiting()
    {
        delegate.abandonWaiting();
    }

    @Override
    public void close()
    {
    }
}
