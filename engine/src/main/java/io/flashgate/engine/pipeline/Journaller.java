package io.flashgate.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import io.flashgate.journal.Journal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends every command to the journal and makes the batch durable at its end (group commit): one
 * write (and fsync, if configured) per Disruptor batch, however many commands it holds. The
 * Disruptor publishes this handler's progress only after the whole batch, flush included, so the
 * egress can never see a command as journaled before it is.
 */
final class Journaller implements EventHandler<CommandSlot>
{
    private final Journal journal;
    /** The last command made durable (written, and fsynced under FSYNC); once per batch, read by any thread. */
    final AtomicLong durableSequence = new AtomicLong();
    final AtomicLong batches = new AtomicLong();

    Journaller(final Journal journal)
    {
        this.journal = journal;
    }

    @Override
    public void onEvent(final CommandSlot slot, final long ringSequence, final boolean endOfBatch)
    {
        journal.append(slot.sequence, slot.command, 0, slot.commandLength);
        if (endOfBatch)
        {
            journal.flush();
            durableSequence.lazySet(slot.sequence);
            batches.lazySet(batches.get() + 1);
        }
    }
}
