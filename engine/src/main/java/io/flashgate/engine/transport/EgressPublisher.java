package io.flashgate.engine.transport;

import io.aeron.Publication;
import io.flashgate.client.aeron.DutyCycle;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.protocol.BatchWriter;
import io.flashgate.protocol.WireFormat;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's egress sink over Aeron: gathers the events of one ring batch into one message ({@link BatchWriter}
 * framing) and publishes it at the end of the batch, or sooner when the next event would not fit in one
 * fragment ({@link Publication#maxPayloadLength()}, so no message is split and reassembled). At moderate
 * rates a batch holds one command's events and goes out at once; under load many replies share one offer, one
 * datagram and one poll at each edge.
 *
 * <p>A back-pressured message is retried for a bounded time, then dropped and its events counted: the engine
 * never stalls on a slow edge. Called on one thread only (its buffer is its own); the publication itself is concurrent, so the egress thread
 * and the ingress thread's direct answers ({@link RefusalAnswers}) each have their own.
 *
 * <p>After each message it signals the {@link DutyCycle} that runs the media driver (when there is one), so that the
 * driver sends it, or the co-located edge's poller reads it, without waiting for the duty thread's next look.
 *
 * <p>On the duty thread itself (the engine's egress is one of its agents) it never waits: that thread is the one that
 * runs the driver, which is what frees the room. The egress asks {@link #hasRoomFor} before each command's events
 * instead ({@link PublicationRoom}), and comes back in a later cycle while the publication's window cannot take
 * them; after {@code retryNanos} without room it sends anyway, and what the publication refuses is dropped and
 * counted, as a retry that runs out would drop it.
 */
final class EgressPublisher implements EventSink
{
    private final Publication publication;
    private final long retryNanos;
    private final DutyCycle dutyCycle;
    private final IdleStrategy retryIdle = new BackoffIdleStrategy(10, 10, 1_000, 100_000);
    private final BatchWriter batch;
    private final PublicationRoom room;
    final AtomicLong published = new AtomicLong();
    final AtomicLong messages = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();

    /** @param dutyCycle the thread to signal after each message, or null when the driver runs on its own. */
    EgressPublisher(final Publication publication, final long retryNanos, final DutyCycle dutyCycle)
    {
        this.publication = publication;
        this.dutyCycle = dutyCycle;
        this.retryNanos = retryNanos;
        final int capacity = publication.maxPayloadLength();
        if (capacity < WireFormat.FRAME_HEADER_LENGTH + WireFormat.MAX_EVENT_LENGTH)
        {
            throw new IllegalArgumentException("an MTU of " + capacity + " bytes cannot carry an event");
        }
        this.batch = new BatchWriter(new UnsafeBuffer(new byte[capacity]), capacity);
        this.room = new PublicationRoom(publication, dutyCycle, retryNanos);
    }

    @Override
    public boolean hasRoomFor(final int eventBytes)
    {
        return room.hasRoomFor(2 + room.messagesFor(eventBytes)); // the message under way, the last, and the rest
    }

    @Override
    public void onEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!batch.fits(length))
        {
            send();
        }
        if (!batch.append(buffer, offset, length))
        {
            dropped.lazySet(dropped.get() + 1); // longer than any event the engine writes: never sent
        }
    }

    @Override
    public void onBatchEnd()
    {
        send();
    }

    private void send()
    {
        if (batch.isEmpty())
        {
            return;
        }
        final int events = batch.count();
        if (offer())
        {
            if (dutyCycle != null)
            {
                dutyCycle.signal();
            }
            published.lazySet(published.get() + events);
            messages.lazySet(messages.get() + 1);
        }
        else
        {
            // NOT_CONNECTED (no edge listening), CLOSED, MAX_POSITION_EXCEEDED, or still back-pressured.
            dropped.lazySet(dropped.get() + events);
        }
        batch.reset();
    }

    private boolean offer()
    {
        long result = publication.offer(batch.buffer(), 0, batch.length());
        if (result > 0)
        {
            return true;
        }
        if (isRetryable(result) && !room.mayWait())
        {
            result = publication.offer(batch.buffer(), 0, batch.length()); // an ADMIN_ACTION (term rotation) passes
            return result > 0;
        }
        if (isRetryable(result))
        {
            final long deadline = System.nanoTime() + retryNanos;
            retryIdle.reset();
            do
            {
                if (dutyCycle != null)
                {
                    dutyCycle.signal(); // the driver or the reader frees the room: let it run
                }
                retryIdle.idle();
                result = publication.offer(batch.buffer(), 0, batch.length());
                if (result > 0)
                {
                    return true;
                }
            }
            while (isRetryable(result) && System.nanoTime() - deadline < 0);
        }
        return false;
    }

    private static boolean isRetryable(final long result)
    {
        return result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION;
    }
}
