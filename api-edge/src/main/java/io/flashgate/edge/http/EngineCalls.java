package io.flashgate.edge.http;

import io.flashgate.protocol.Reply;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends one command to the engine and completes the request with its reply. No request thread waits: the reply
 * (or the failure: refused, 503; no reply within {@code replyTimeout}, 504, from {@link ReplyDeadlines}) is written
 * by the thread that brings it ({@link PendingAnswer}), which finishes the request itself (Jetty completes it on that
 * same thread). For a reply that is the gateway's thread: the process's Aeron duty cycle, which has just read the
 * reply from the engine's stream. So an answer goes from the engine's message to the shopper's socket without a
 * thread hand-off: a hop to a pool of reply threads cost each purchase one more wake-up and, on 2 cores, more CPU
 * than the answer itself. The answer is small and written once per request on a keep-alive connection with at most
 * one request in flight, so the write lands in the socket's buffer and does not hold the thread.
 */
final class EngineCalls implements AutoCloseable
{
    private final long replyTimeoutNanos;
    private final InFlightBound inFlight;
    private final SaleStatusCache cache;
    private final EdgeMetrics metrics;
    private final JsonResponses responses;
    /** Runs each answer on the thread that decided it (the gateway's, or the deadline sweeper's). */
    private final Executor replyExecutor = Runnable::run;
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
    }

    /** A shopper's command: counts against the global in-flight bound (503 OVERLOADED when it is reached). */
    void bounded(final Context ctx, final Supplier<CompletableFuture<Reply>> send, final BiConsumer<Context, Reply> render,
        final Runnable release)
    {
        bounded(ctx, send, render, release, null);
    }

    /**
     * As above; {@code failed} (may be null) is told the answer when the command got no reply (503 refused, 504 not
     * answered in time), on the thread that decided it, before that answer is written.
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
        // the gateway's thread updates the cache (in the engine's order), then writes the answer
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

    /** On the thread that decided the answer: gives back the slots, then writes it. */
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

    /** Stops the deadline sweeper and the overload log. */
    @Override
    public void close()
    {
        overload.close();
        deadlines.close();
    }
}
