package io.flashgate.edge.http;

import io.flashgate.protocol.Reply;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends one command to the engine and completes the request with its reply. No request thread waits: the reply
 * (or the failure: refused, 503; no reply within {@code replyTimeout}, 504, from {@link ReplyDeadlines}) is handed
 * once from the gateway's thread to a small reply executor ({@link PendingAnswer}), which writes the answer and
 * finishes the request itself (Jetty completes it on that same thread): one hop, and never JSON or HTTP work on the
 * gateway's own thread, whose delay would hold back every other reply.
 */
final class EngineCalls implements AutoCloseable
{
    private final long replyTimeoutNanos;
    private final InFlightBound inFlight;
    private final SaleStatusCache cache;
    private final EdgeMetrics metrics;
    private final JsonResponses responses;
    private final ExecutorService replyExecutor;
    private final ReplyDeadlines deadlines;
    private final OverloadEpisodes overload = new OverloadEpisodes();

    EngineCalls(final Duration replyTimeout, final InFlightBound inFlight, final SaleStatusCache cache,
        final EdgeMetrics metrics, final JsonResponses responses)
    {
        this.replyTimeoutNanos = replyTimeout.toNanos();
        this.deadlines = new ReplyDeadlines(ReplyDeadlines.tickFor(replyTimeoutNanos));
        this.inFlight = inFlight;
        this.cache = cache;
        this.metrics = metrics;
        this.responses = responses;
        metrics.watchInFlight(inFlight::current);
        final AtomicInteger threadIds = new AtomicInteger();
        this.replyExecutor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r ->
        {
            final Thread t = new Thread(r, "flashgate-edge-reply-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A shopper's command: counts against the global in-flight bound (503 OVERLOADED when it is reached). */
    void bounded(final Context ctx, final Supplier<CompletableFuture<Reply>> send, final BiConsumer<Context, Reply> render,
        final Runnable release)
    {
        bounded(ctx, send, render, release, null);
    }

    /**
     * As above; {@code failed} (may be null) is told the answer when the command got no reply (503 refused, 504 not
     * answered in time), on the reply executor, before that answer is written.
     */
    void bounded(final Context ctx, final Supplier<CompletableFuture<Reply>> send, final BiConsumer<Context, Reply> render,
        final Runnable release, final Consumer<ApiError> failed)
    {
        if (!inFlight.tryAcquire())
        {
            if (release != null)
            {
                release.run();
            }
            metrics.engineCall("SHED", 0);
            overload.shed("SHED");
            throw ApiError.overloaded("edge admission limit reached");
        }
        call(ctx, true, send, render, release, failed);
    }

    /** An operator's command: never held back by the shoppers' bound. */
    void unbounded(final Context ctx, final Supplier<CompletableFuture<Reply>> send,
        final BiConsumer<Context, Reply> render)
    {
        call(ctx, false, send, render, null, null);
    }

    /**
     * @param bounded holds a slot of the in-flight bound, given back when the command is over.
     * @param release run exactly once when the command is over (answered, failed or timed out), may be null.
     */
    private void call(final Context ctx, final boolean bounded, final Supplier<CompletableFuture<Reply>> send,
        final BiConsumer<Context, Reply> render, final Runnable release, final Consumer<ApiError> failed)
    {
        final long start = System.nanoTime();
        final PendingAnswer answer = new PendingAnswer(start, start + replyTimeoutNanos, replyExecutor,
            (call, reply, failure) -> answer(ctx, bounded, render, release, failed, call.startNanos, reply, failure));
        // async before the command leaves: the reply thread may write the answer before this handler has returned
        // (Javalin would start it only then). No servlet timeout: the deadline above gives the 504.
        if (!ctx.req().isAsyncStarted())
        {
            ctx.req().startAsync().setTimeout(0);
        }
        CompletableFuture<Reply> sent;
        try
        {
            sent = send.get();
        }
        catch (final RuntimeException ex)
        {
            sent = CompletableFuture.failedFuture(ex);
        }
        deadlines.add(answer);
        // the gateway's thread only updates the cache (in the engine's order) and hands over: no JSON, no HTTP
        sent.whenComplete(cacheThen(answer));
        ctx.future(() -> answer);
    }

    private BiConsumer<Reply, Throwable> cacheThen(final PendingAnswer answer)
    {
        return (reply, failure) ->
        {
            try
            {
                if (reply instanceof Reply.Sale sale)
                {
                    cache.update(sale);
                }
            }
            finally
            {
                // the shopper gets the engine's answer even if the cache update failed, never a late 504
                answer.accept(reply, failure);
            }
        };
    }

    /** On the reply executor: gives back the slots, then writes the answer. */
    private void answer(final Context ctx, final boolean bounded, final BiConsumer<Context, Reply> render,
        final Runnable release, final Consumer<ApiError> failed, final long start, final Reply reply,
        final Throwable failure)
    {
        if (bounded)
        {
            inFlight.release();
        }
        if (release != null)
        {
            release.run();
        }
        try
        {
            if (failure != null)
            {
                final ApiError error = ErrorAnswers.engineFailure(failure);
                metrics.engineCall(error.code(), System.nanoTime() - start);
                if (failed != null)
                {
                    failed.accept(error);
                }
                if (bounded && error.status() == 503)
                {
                    overload.shed(error.code());
                }
                responses.error(ctx, error);
            }
            else
            {
                metrics.engineCall("REPLY", System.nanoTime() - start);
                render.accept(ctx, reply);
            }
        }
        catch (final ApiError error)
        {
            responses.error(ctx, error);
        }
        catch (final RuntimeException ex)
        {
            responses.internalError(ctx, ex);
        }
    }

    /** Stops the reply threads, letting answers already under way finish (up to 5 s). */
    @Override
    public void close()
    {
        overload.close();
        deadlines.close();
        replyExecutor.shutdown();
        try
        {
            replyExecutor.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
