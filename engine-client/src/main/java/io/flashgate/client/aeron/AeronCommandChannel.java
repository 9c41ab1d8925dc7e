package io.flashgate.client.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.flashgate.client.CommandChannel;
import io.flashgate.client.OverloadedException;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Commands to the engine's ingress over one exclusive publication, several to a message when several threads send
 * at once. A thread that finds nobody sending sends at once (with whatever others gathered meanwhile), so a lone
 * command waits for nothing. A thread that finds another sending adds its command to the next message and
 * returns; the sender sends that message as soon as its own offer returns. Under load this turns many offers,
 * fragments and ingress polls into one, and threads gather instead of queueing on a lock.
 *
 * <p>Never waits on the engine: ADMIN_ACTION (a term rotation) is retried a few times at once; any other refusal
 * is answered at once, named after Aeron's result code: to the sending thread as its offer's result, and to the
 * commands gathered into the same message through {@link LateRefusals} (their futures fail at once with it).
 */
final class AeronCommandChannel implements CommandChannel, AutoCloseable
{
    /** Gathered messages one caller sends for others before it returns (see {@link #sendGathered}). */
    private static final int MAX_ROUNDS = 4;

    /** Where a gathered command goes when the message carrying it is refused. */
    @FunctionalInterface
    interface LateRefusals
    {
        void refuse(long correlationId, OverloadedException why);
    }

    private static final int ADMIN_ACTION_RETRIES = 3;
    private static final OverloadedException NOT_CONNECTED =
        new OverloadedException("engine not connected (NOT_CONNECTED)");
    private static final OverloadedException BACK_PRESSURED =
        new OverloadedException("engine back-pressured (BACK_PRESSURED)");
    private static final OverloadedException ADMIN_ACTION =
        new OverloadedException("transport busy (ADMIN_ACTION)");
    private static final OverloadedException CLOSED = new OverloadedException("gateway closed (CLOSED)");
    private static final OverloadedException MAX_POSITION_EXCEEDED =
        new OverloadedException("publication full (MAX_POSITION_EXCEEDED)");
    private static final OverloadedException TOO_LONG =
        new OverloadedException("command longer than one message (TOO_LONG)");

    private final ExclusivePublication publication;
    private final LateRefusals lateRefusals;
    /** Run after each message offered (the duty cycle's signal), or null. */
    private final Runnable sent;
    /** Held while offering to the publication (exclusive: one writer at a time); tests hold it to play a sender. */
    final ReentrantLock sending = new ReentrantLock();
    /** Guards {@link #gathering}: held only to copy one command in or to swap the two messages. */
    private final Object gatherLock = new Object();
    private GatheredCommands gathering;
    /** The message the sender fills and sends; only touched while {@link #sending} is held. */
    private GatheredCommands spare;
    /** Commands in {@link #gathering}: read without the lock to know whether a send is due. */
    private volatile int gathered;
    private volatile boolean closed;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong commands = new AtomicLong();

    AeronCommandChannel(final ExclusivePublication publication, final LateRefusals lateRefusals)
    {
        this(publication, lateRefusals, null);
    }

    /** @param sent run after each message offered: wakes the thread whose driver sends it (null: nothing to wake). */
    AeronCommandChannel(final ExclusivePublication publication, final LateRefusals lateRefusals, final Runnable sent)
    {
        this.publication = publication;
        this.lateRefusals = lateRefusals;
        this.sent = sent;
        final int capacity = publication.maxPayloadLength();
        this.gathering = new GatheredCommands(capacity);
        this.spare = new GatheredCommands(capacity);
    }

    @Override
    public OverloadedException offer(final long correlationId, final DirectBuffer buffer, final int offset,
        final int length)
    {
        if (closed)
        {
            return CLOSED;
        }
        if (!spare.batch.fitsAlone(length))
        {
            return TOO_LONG;
        }
        if (!sending.tryLock())
        {
            if (gather(correlationId, buffer, offset, length))
            {
                sendGathered(); // the sender may have finished before we gathered: then nobody else sends it
                return null;
            }
            // The next message is full: wait for the sender, as every offer did before commands were gathered.
            sending.lock();
        }
        final Refused refused;
        try
        {
            refused = sendWith(correlationId, buffer, offset, length);
        }
        finally
        {
            sending.unlock();
        }
        if (refused != null)
        {
            refused.deliver(lateRefusals);
        }
        sendGathered();
        return refused != null && refused.includesCaller ? refused.why : null;
    }

    /** Commands sent (each message carries one or more). */
    long commandsSent()
    {
        return commands.get();
    }

    /** Messages sent to the engine's ingress. */
    long messagesSent()
    {
        return messages.get();
    }

    /** The engine subscribes to our commands (Aeron's status messages say so). */
    boolean isConnected()
    {
        return publication.isConnected();
    }

    /** @return false if already closed: the first caller closes everything else too. */
    synchronized boolean markClosed()
    {
        if (closed)
        {
            return false;
        }
        closed = true;
        return true;
    }

    boolean isClosed()
    {
        return closed;
    }

    @Override
    public void close()
    {
        markClosed();
        sending.lock();
        try
        {
            CloseHelper.quietClose(publication);
        }
        finally
        {
            sending.unlock();
        }
        sendGathered(); // refused as CLOSED: nothing gathered is left without an answer
    }

    private boolean gather(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        synchronized (gatherLock)
        {
            if (!gathering.add(correlationId, buffer, offset, length))
            {
                return false;
            }
            gathered = gathering.count();
            return true;
        }
    }

    /**
     * Holding {@link #sending}: the gathered commands, then this one, in one message (two if it does not fit).
     * @return null if sent, else what was refused (this command last): delivered once the lock is released, so
     *         that no future's callback runs while a message is being built.
     */
    private Refused sendWith(final long correlationId, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final GatheredCommands message = takeGathered();
        Refused earlier = null;
        if (!message.add(correlationId, buffer, offset, length))
        {
            earlier = publish(message, null, false);
            message.add(correlationId, buffer, offset, length); // fits alone: checked on entry
        }
        return publish(message, earlier, true);
    }

    /** Sends what others gathered, for as long as some is left and nobody else is sending. */
    /**
     * Sends what other threads gathered while this one sent. A few rounds at most, so that no caller (an HTTP thread,
     * or the poller's probe) is kept sending other threads' commands for as long as load lasts; whatever is still
     * gathered then is sent by the next caller or by the reply poller's {@link #flushGathered} on its next duty cycle.
     *
     * @return messages sent.
     */
    private int sendGathered()
    {
        // Whoever holds the lock when a thread gathers reads `gathered` after releasing it, so nothing is stranded.
        int rounds = 0;
        while (rounds < MAX_ROUNDS && gathered > 0 && sending.tryLock())
        {
            rounds++;
            final Refused refused;
            try
            {
                refused = publish(takeGathered(), null, false);
            }
            finally
            {
                sending.unlock();
            }
            if (refused != null)
            {
                refused.deliver(lateRefusals);
            }
        }
        return rounds;
    }

    /** The reply poller's backstop: sends commands left gathered when their senders stopped after a few rounds. */
    int flushGathered()
    {
        return gathered > 0 ? sendGathered() : 0;
    }

    /** Holding {@link #sending}: swaps the gathered message with the empty spare; @return the gathered one. */
    private GatheredCommands takeGathered()
    {
        synchronized (gatherLock)
        {
            final GatheredCommands full = gathering;
            gathering = spare;
            spare = full;
            gathered = 0;
            return full;
        }
    }

    /**
     * Holding {@link #sending}: offers the message and clears it. @return {@code earlier} if sent (or empty), else its
     * commands with the reason, to refuse once the lock is released (allocates only then).
     */
    private Refused publish(final GatheredCommands message, final Refused earlier, final boolean withCaller)
    {
        final int count = message.count();
        if (count == 0)
        {
            return earlier;
        }
        long result = closed ? Publication.CLOSED :
            publication.offer(message.batch.buffer(), 0, message.batch.length());
        for (int i = 0; i < ADMIN_ACTION_RETRIES && result == Publication.ADMIN_ACTION; i++)
        {
            result = publication.offer(message.batch.buffer(), 0, message.batch.length());
        }
        final Refused refused = result >= 0 ? earlier :
            new Refused(refusal(result), Arrays.copyOf(message.correlationIds, count), earlier, withCaller);
        if (result >= 0)
        {
            if (sent != null)
            {
                sent.run();
            }
            messages.lazySet(messages.get() + 1);
            commands.lazySet(commands.get() + count);
        }
        message.clear();
        return refused;
    }

    /**
     * The commands of a refused message, and why; {@code earlier}: another refused before it in the same send;
     * {@code includesCaller}: the sending thread's own command was in this one (its offer answers with {@code why}).
     */
    private record Refused(OverloadedException why, long[] correlationIds, Refused earlier, boolean includesCaller)
    {
        void deliver(final LateRefusals to)
        {
            if (earlier != null)
            {
                earlier.deliver(to);
            }
            for (final long correlationId : correlationIds)
            {
                to.refuse(correlationId, why);
            }
        }
    }

    private static OverloadedException refusal(final long result)
    {
        if (result == Publication.NOT_CONNECTED)
        {
            return NOT_CONNECTED;
        }
        if (result == Publication.BACK_PRESSURED)
        {
            return BACK_PRESSURED;
        }
        if (result == Publication.ADMIN_ACTION)
        {
            return ADMIN_ACTION;
        }
        if (result == Publication.MAX_POSITION_EXCEEDED)
        {
            return MAX_POSITION_EXCEEDED;
        }
        return CLOSED;
    }
}
