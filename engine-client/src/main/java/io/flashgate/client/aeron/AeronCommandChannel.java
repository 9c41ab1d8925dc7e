package io.flashgate.client.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.flashgate.client.CommandChannel;
import io.flashgate.client.OverloadedException;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

/**
 * Commands to the engine's ingress over one exclusive publication. Offers once and never waits: ADMIN_ACTION
 * (a term rotation) is retried a few times at once; any other refusal is answered at once, named after
 * Aeron's result code. Offers are serialised because the publication is exclusive (one writer at a time).
 */
final class AeronCommandChannel implements CommandChannel, AutoCloseable
{
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

    private final ExclusivePublication publication;
    private volatile boolean closed;

    AeronCommandChannel(final ExclusivePublication publication)
    {
        this.publication = publication;
    }

    @Override
    public synchronized OverloadedException offer(final DirectBuffer buffer, final int offset, final int length)
    {
        if (closed)
        {
            return CLOSED;
        }
        long result = publication.offer(buffer, offset, length);
        for (int i = 0; i < ADMIN_ACTION_RETRIES && result == Publication.ADMIN_ACTION; i++)
        {
            result = publication.offer(buffer, offset, length);
        }
        return result >= 0 ? null : refusal(result);
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
        CloseHelper.quietClose(publication);
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
