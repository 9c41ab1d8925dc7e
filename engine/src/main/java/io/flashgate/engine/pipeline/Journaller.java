package io.flashgate.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import io.flashgate.journal.Journal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Appends every command to the journal and makes the batch durable at its end (group commit): one
 * write (and fsync, if configured) per Disruptor batch, however many commands it holds. The
 * Disruptor publishes this handler's progress only after the whole batch, flush included, so the
 * egress can never see a command as journaled before it is.
 *
 * <p>A failed write, fsync or roll is a fault (docs/ARCHITECTURE.md, "Faults"): it is reported once and this
 * handler then, on a thread of its own, stalls inside {@code onEvent} until the engine closes, and ends by throwing.
 * It never returns normally after a failure, because the Disruptor would then move its sequence past the failed
 * batch and the egress would release results that are not durable (an exception handler that returns has the same
 * effect). As an agent of a duty cycle ({@link StageAgent}) it throws at once and is never polled again; the egress
 * then waits for the durable point ({@link DurableGate}), which the failed batch never moved.
 */
final class Journaller implements EventHandler<CommandSlot>
{
    /** A flush slower than this is logged once per occurrence: the disk is the bottleneck. */
    static final long SLOW_FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Journal journal;
    private final Consumer<RuntimeException> onFault;
    private final System.Logger log = System.getLogger("flashgate.engine");
    /** The last command made durable (written, and fsynced under FSYNC); once per batch, read by any thread. */
    final AtomicLong durableSequence = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    /** The longest flush since start, in nanoseconds, and the flushes slower than {@link #SLOW_FLUSH_NANOS}. */
    final AtomicLong maxFlushNanos = new AtomicLong();
    final AtomicLong slowFlushes = new AtomicLong();
    private volatile boolean closing;
    /** Told after each batch is durable (the pair's standby acknowledges at once, not at its next poll); may be null. */
    private volatile Runnable afterFlush;

    /**
     * False when it runs as an agent of a duty cycle (StageAgent), which stops polling it after {@link Stopped}: that
     * thread also runs every socket, so it must not park here until the engine closes, as a thread of its own does.
     */
    private final boolean stallsOnFault;

    Journaller(final Journal journal, final Consumer<RuntimeException> onFault, final boolean stallsOnFault)
    {
        this.journal = journal;
        this.onFault = onFault;
        this.stallsOnFault = stallsOnFault;
    }

    @Override
    public void onEvent(final CommandSlot slot, final long ringSequence, final boolean endOfBatch)
    {
        try
        {
            journal.append(slot.sequence, slot.command, 0, slot.commandLength);
            if (endOfBatch)
            {
                final long start = System.nanoTime();
                journal.flush();
                recordFlush(System.nanoTime() - start);
                durableSequence.lazySet(slot.sequence);
                batches.lazySet(batches.get() + 1);
                final Runnable listener = afterFlush;
                if (listener != null)
                {
                    listener.run();
                }
            }
        }
        catch (final RuntimeException ex)
        {
            onFault.accept(ex);
            if (stallsOnFault)
            {
                stallUntilClosed();
            }
            throw Stopped.INSTANCE;
        }
    }

    /**
     * Ends a stalled journaller's thread when the engine closes: thrown through the Disruptor so its sequence never
     * moves past the failed batch; the fault itself was already reported, so nothing logs this.
     */
    static final class Stopped extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        static final Stopped INSTANCE = new Stopped();

        private Stopped()
        {
            super("journaller stopped after a journal fault", null, false, false);
        }
    }

    void afterFlush(final Runnable listener)
    {
        afterFlush = listener;
    }

    /** Asks a stalled journaller to end (by throwing, so its sequence never moves): the engine is closing. */
    void close()
    {
        closing = true;
    }

    private void stallUntilClosed()
    {
        while (!closing)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private void recordFlush(final long nanos)
    {
        if (nanos > maxFlushNanos.get())
        {
            maxFlushNanos.lazySet(nanos);
        }
        if (nanos > SLOW_FLUSH_NANOS)
        {
            slowFlushes.lazySet(slowFlushes.get() + 1);
            log.log(System.Logger.Level.WARNING, "journal: a flush of " + journal.activeFile() + " took "
                + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms (normal is well under 10 ms): the disk is slow; "
                + "the ring fills and edges answer 503 until it catches up");
        }
    }
}
