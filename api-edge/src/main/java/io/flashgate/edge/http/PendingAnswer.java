package io.flashgate.edge.http;

import io.flashgate.protocol.Reply;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;

/**
 * One request waiting for the engine, as one object: what the gateway's future calls back ({@link #accept}, on the
 * gateway's own thread), what the deadline sweeper calls when no reply came in time ({@link #expire}), the task that
 * writes the answer ({@link #run}, on the executor given: the deciding thread itself in the edge), and the future Javalin waits on (completed once the answer
 * is written). It replaced a chain of a copied future, a timer task per request, a timer cancellation on the
 * gateway's thread and an async stage: four objects and two locks per purchase.
 *
 * <p>Exactly one of reply and deadline wins ({@link #STATE}); only the winner hands the answer to the executor, so
 * the release of the request's slots runs exactly once.
 */
final class PendingAnswer extends CompletableFuture<Void> implements BiConsumer<Reply, Throwable>, Runnable
{
    /** Answers a request from its outcome; runs on the executor given. */
    interface Outcome
    {
        void answer(PendingAnswer call, Reply reply, Throwable failure);
    }

    private static final int WAITING = 0;
    private static final int DECIDED = 1;
    private static final AtomicIntegerFieldUpdater<PendingAnswer> STATE =
        AtomicIntegerFieldUpdater.newUpdater(PendingAnswer.class, "state");
    private static final TimeoutException TIMED_OUT = new TimeoutException("no engine reply within the timeout");

    final long startNanos;
    final long deadlineNanos;
    private final Executor replyExecutor;
    private final Outcome outcome;
    private volatile int state;
    private Reply reply;
    private Throwable failure;

    PendingAnswer(final long startNanos, final long deadlineNanos, final Executor replyExecutor, final Outcome outcome)
    {
        this.startNanos = startNanos;
        this.deadlineNanos = deadlineNanos;
        this.replyExecutor = replyExecutor;
        this.outcome = outcome;
    }

    /** The gateway's callback: the engine answered (or the transport failed). */
    @Override
    public void accept(final Reply reply, final Throwable failure)
    {
        if (STATE.compareAndSet(this, WAITING, DECIDED))
        {
            this.reply = reply;
            this.failure = failure;
            replyExecutor.execute(this);
        }
    }

    /** The sweeper's call once the deadline passed: a 504 unless the reply got here first. */
    void expire()
    {
        if (STATE.compareAndSet(this, WAITING, DECIDED))
        {
            this.failure = TIMED_OUT;
            replyExecutor.execute(this);
        }
    }

    boolean decided()
    {
        return state != WAITING;
    }

    /** Writes the answer, then lets Javalin finish the request on this same thread. */
    @Override
    public void run()
    {
        try
        {
            outcome.answer(this, reply, failure);
        }
        finally
        {
            complete(null);
        }
    }
}
