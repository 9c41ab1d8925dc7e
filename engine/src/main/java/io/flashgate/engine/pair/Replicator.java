package io.flashgate.engine.pair;

import io.aeron.Publication;
import io.flashgate.engine.pipeline.ReplicationStage;
import io.flashgate.protocol.BatchWriter;
import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.StandbyState;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.locks.LockSupport;

/**
 * The pair's replicator stage (an agent of the Aeron duty cycle, {@code flashgate-replicator}, or a thread of that
 * name with the spinning waits), beside the journaller: sends every command, as
 * journaled and with the epoch, to the standby, one message per ring batch (or per full message), as the journal
 * group-commits. It never waits for the standby: batches stream out back to back, and what waits is the release of
 * their results, which the egress holds until the standby's acknowledgement covers them ({@link #releasableUpTo()},
 * from {@link PairState}). A standby's own replicator sends nothing.
 *
 * <p>Nothing is dropped for good: a message the standby does not get (not connected, back-pressure that outlasts
 * a heartbeat interval) leaves a gap the standby reports, and the link fills it from the journal.
 *
 * <p>On the duty thread it never waits for room (that thread runs the driver that makes it): {@link #hasRoom()}
 * holds the next command back while the link's window cannot take two more messages ({@link
 * io.flashgate.engine.transport.PublicationRoom}), for up to the same time a thread would retry, and a message refused
 * after that is left to the gap repair above.
 */
final class Replicator implements ReplicationStage
{
    private final PairState state;
    private final Publication toPeer;
    private final long sendRetryNanos;
    private final UnsafeBuffer message;
    private final BatchWriter records;
    private long firstInMessage;
    private volatile boolean closing;
    /** The highest sequence sent to the standby so far (read by the link). */
    volatile long lastSent;
    private final io.flashgate.client.aeron.DutyCycle dutyCycle;
    private final io.flashgate.engine.transport.PublicationRoom room;

    /**
     * @param dutyCycle the Aeron duty cycle whose driver sends to the standby (signalled after each message, so a
     *                  batch does not wait for that thread's next look), or null when the driver runs on its own.
     */
    Replicator(final PairState state, final Publication toPeer, final long sendRetryNanos,
        final io.flashgate.client.aeron.DutyCycle dutyCycle)
    {
        this.dutyCycle = dutyCycle;
        this.state = state;
        this.toPeer = toPeer;
        this.sendRetryNanos = sendRetryNanos;
        final int capacity = toPeer.maxPayloadLength();
        this.message = new UnsafeBuffer(new byte[capacity]);
        this.records = new BatchWriter(new UnsafeBuffer(message.byteArray(), PairMessage.HEADER_LENGTH,
            capacity - PairMessage.HEADER_LENGTH), capacity - PairMessage.HEADER_LENGTH);
        this.room = new io.flashgate.engine.transport.PublicationRoom(toPeer, dutyCycle, sendRetryNanos);
    }

    @Override
    public boolean hasRoom()
    {
        return room.hasRoomFor(2); // the message under way and the one a command may start
    }

    @Override
    public void onCommand(final DirectBuffer command, final int length, final long sequence, final boolean endOfBatch)
    {
        if (state.role() == EngineRole.STANDBY)
        {
            return; // the records came from the primary: nothing to send
        }
        if (!records.fits(length))
        {
            send();
        }
        if (records.isEmpty())
        {
            firstInMessage = sequence;
        }
        records.append(command, 0, length);
        if (endOfBatch)
        {
            send();
        }
    }

    @Override
    public long releasableUpTo()
    {
        return state.releasableUpTo();
    }

    private void send()
    {
        if (records.isEmpty())
        {
            return;
        }
        final long last = firstInMessage + records.count() - 1;
        if (toPeer.isConnected())
        {
            PairMessage.write(message, PairMessage.RECORDS, state.role(), StandbyState.ABSENT, state.epoch(),
                firstInMessage, 0);
            final int length = PairMessage.HEADER_LENGTH + records.length();
            final long deadline = System.nanoTime() + sendRetryNanos;
            final boolean mayWait = room.mayWait();
            long result;
            while ((result = toPeer.offer(message, 0, length)) < 0 && mayWait &&
                (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION) &&
                System.nanoTime() - deadline < 0 && !closing)
            {
                LockSupport.parkNanos(1_000);
            }
            if (result == Publication.ADMIN_ACTION && !mayWait)
            {
                result = toPeer.offer(message, 0, length); // a term rotation passes at once
            }
            if (result > 0 && dutyCycle != null)
            {
                dutyCycle.signal(); // nothing on the duty thread itself, which goes round again anyway
            }
        }
        lastSent = last;
        records.reset();
    }

    /** The engine closes: stop retrying a send. */
    void close()
    {
        closing = true;
    }
}
