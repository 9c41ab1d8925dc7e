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
 * The pair's replicator stage (thread {@code flashgate-replicator}), beside the journaller: sends every command, as
 * journaled and with the epoch, to the standby, one message per ring batch (or per full message), as the journal
 * group-commits. It never waits for the standby: batches stream out back to back, and what waits is the release of
 * their results, which the egress holds until the standby's acknowledgement covers them ({@link #releasableUpTo()},
 * from {@link PairState}). A standby's own replicator sends nothing.
 *
 * <p>Nothing is dropped for good: a message the standby does not get (not connected, back-pressure that outlasts
 * a heartbeat interval) leaves a gap the standby reports, and the link fills it from the journal.
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
    private final Runnable sent;

    /**
     * @param sent run after each message offered to the standby, or null: wakes the Aeron duty cycle whose driver
     *             sends it, so a batch does not wait for that thread's next look.
     */
    Replicator(final PairState state, final Publication toPeer, final long sendRetryNanos, final Runnable sent)
    {
        this.sent = sent;
        this.state = state;
        this.toPeer = toPeer;
        this.sendRetryNanos = sendRetryNanos;
        final int capacity = toPeer.maxPayloadLength();
        this.message = new UnsafeBuffer(new byte[capacity]);
        this.records = new BatchWriter(new UnsafeBuffer(message.byteArray(), PairMessage.HEADER_LENGTH,
            capacity - PairMessage.HEADER_LENGTH), capacity - PairMessage.HEADER_LENGTH);
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
            long result;
            while ((result = toPeer.offer(message, 0, length)) < 0 &&
                (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION) &&
                System.nanoTime() - deadline < 0 && !closing)
            {
                LockSupport.parkNanos(1_000);
            }
            if (result > 0 && sent != null)
            {
                sent.run();
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
