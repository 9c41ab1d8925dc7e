package io.flashgate.edge.http;

import io.flashgate.client.PendingCommands;
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
     * As {@link #bounded(Context, Supplier, BiConsumer, Runnable, Consumer)}, for a command the engine answers the
     * same however often it arrives: a purchase (its Idempotency-Key makes a second one the first one's order) or a
     * query. If the edge leaves the engine it went to before that engine answered (a failover: the engine died or
     * was fenced), it is sent once more, to the engine followed now, within the same deadline. The new primary holds
     * every order the old one released, so the answer is the original order or a fresh decision, never a second
     * order; and the shoppers waiting through the failover get that answer at once instead of a 504 they would all
     * retry together over HTTP.
     */
    void boundedResentOnSwitch(final Context ctx, final Supplier<CompletableFuture<Reply>> send,
        final BiConsumer<Context, Reply> render, final Runnable release, final Consumer<ApiError> failed)
    {
        bounded(ctx, send, render, release, failed, true);
    }

    /**
     * As above; {@code failed} (may be null) is told the answer when the command got no reply (503 refused, 504 not
     * answered in time), on the thread that decided it, before that answer is written.
     */
    void bounded(final Context ctx, final Supplier<CompletableFuture<Reply>> send, final BiConsumer<Context, Reply> render,
        final Runnable release, final Consumer<ApiError> failed)
    {
        bounded(ctx, send, render, release, failed, false);
    }

    private void bounded(final Context ctx, final Supplier<CompletableFuture<Reply>> send,
        final BiConsumer<Context, Reply> render, final Runnable release, final Consumer<ApiError> failed,
        final boolean resend)
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
        call(ctx, true, send, render, release, failed, resend);
    }

    /** An operator's command: never held back by the shoppers' bound. */
    void unbounded(final Context ctx, final Supplier<CompletableFuture<Reply>> send,
        final BiConsumer<Context, Reply> render)
    {
        call(ctx, false, send, render, null, null, false);
    }

    /**
     * @param bounded holds a slot of the in-flight bound, given back when the command is over.
     * @param release run exactly once when the command is over (answered, failed or timed out), may be null.
     * @param resend    sent once more if the engine it went to is left before answering (see
     *                  {@link #boundedResentOnSwitch}).
     */
    private void call(final Context ctx, final boolean bounded, final Supplier<CompletableFuture<Reply>> send,
        final BiConsumer<Context, Reply> render, final Runnable release, final Consumer<ApiError> failed,
        final boolean resend)
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
        sent.whenComplete(resend ? resendIfLeft(send, cacheThen(answer)) : cacheThen(answer));
        ctx.future(() -> answer);
    }

    /**
     * Runs on the thread that left the engine (the follower's, under its lock, with the new engine already chosen):
     * the second send only offers the command, so it does not hold that thread. If the second send gets no reply
     * either (no engine followed now, refused, or left again), the answer is the first failure: the result of the
     * first send is still unknown (504), whatever stopped the second.
     */
    private static BiConsumer<Reply, Throwable> resendIfLeft(final Supplier<CompletableFuture<Reply>> send,
        final BiConsumer<Reply, Throwable> then)
    {
        return (reply, failure) ->
        {
            if (failure == null || PendingCommands.causeOf(failure) != PendingCommands.ENGINE_LEFT)
            {
                then.accept(reply, failure);
                return;
            }
            CompletableFuture<Reply> again;
            try
            {
                again = send.get();
            }
            catch (final RuntimeException ex)
            {
                again = CompletableFuture.failedFuture(ex);
            }
            again.whenComplete((secondReply, secondFailure) ->
                then.accept(secondReply, secondFailure == null ? null : failure));
        };
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
