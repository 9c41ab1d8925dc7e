package io.flashgate.client.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.flashgate.client.CommandChannel;
import io.flashgate.client.OverloadedException;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

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
    /** Held while offering to the publication (exclusive: one writer at a time). */
    private final ReentrantLock sending = new ReentrantLock();
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
        this.publication = publication;
        this.lateRefusals = lateRefusals;
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
        if (sending.tryLock())
        {
            final OverloadedException refusal;
            try
            {
                refusal = sendWith(correlationId, buffer, offset, length);
            }
            finally
            {
                sending.unlock();
            }
            sendGathered();
            return refusal;
        }
        if (gather(correlationId, buffer, offset, length))
        {
            sendGathered(); // the sender may have finished before we gathered: then nobody else sends it
            return null;
        }
        // The next message is full: wait for the sender, as every offer did before commands were gathered.
        final OverloadedException refusal;
        sending.lock();
        try
        {
            refusal = sendWith(correlationId, buffer, offset, length);
        }
        finally
        {
            sending.unlock();
        }
        sendGathered();
        return refusal;
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

    /** Holding {@link #sending}: the gathered commands, then this one, in one message (two if it does not fit). */
    private OverloadedException sendWith(final long correlationId, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final GatheredCommands message = takeGathered();
        if (!message.add(correlationId, buffer, offset, length))
        {
            publish(message);
            message.add(correlationId, buffer, offset, length); // fits alone: checked on entry
        }
        return publish(message);
    }

    /** Sends what others gathered, for as long as some is left and nobody else is sending. */
    private void sendGathered()
    {
        // Whoever holds the lock when a thread gathers reads `gathered` after releasing it, so nothing is stranded.
        while (gathered > 0 && sending.tryLock())
        {
            try
            {
                final GatheredCommands message = takeGathered();
                if (message.count() > 0)
                {
                    publish(message);
                }
            }
            finally
            {
                sending.unlock();
            }
        }
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

    /** Holding {@link #sending}: offers the message; on refusal every command in it is refused. Clears it. */
    private OverloadedException publish(final GatheredCommands message)
    {
        final int count = message.count();
        long result = closed ? Publication.CLOSED :
            publication.offer(message.batch.buffer(), 0, message.batch.length());
        for (int i = 0; i < ADMIN_ACTION_RETRIES && result == Publication.ADMIN_ACTION; i++)
        {
            result = publication.offer(message.batch.buffer(), 0, message.batch.length());
        }
        if (result >= 0)
        {
            messages.lazySet(messages.get() + 1);
            commands.lazySet(commands.get() + count);
            message.clear();
            return null;
        }
        final OverloadedException why = refusal(result);
        for (int i = 0; i < count; i++)
        {
            lateRefusals.refuse(message.correlationIds[i], why);
        }
        message.clear();
        return why;
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
