package io.flashgate.engine.pair;

import io.aeron.Publication;
import io.flashgate.engine.pipeline.ReplicationStage;
import io.flashgate.protocol.BatchWriter;
import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.StandbyState;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The pair's replicator stage (thread {@code flashgate-replicator}), beside the journaller: sends every command, as
 * journaled and with the epoch, to the standby, one message per ring batch (or per full message), as the journal
 * group-commits. In role PRIMARY it then holds the batch until the standby's acknowledgement covers its last
 * command, so the egress releases nothing the standby lacks (invariant 3); one acknowledgement covers a whole batch.
 * In role SOLO it passes batches at once and remembers the last it passed alone, so the link declares the standby
 * in sync only once that is acknowledged too. A standby's own replicator sends nothing.
 *
 * <p>Nothing is dropped for good: a message the standby does not get (not connected, back-pressure that outlasts
 * a heartbeat) leaves a gap the standby reports, and the link fills it from the journal.
 */
final class Replicator implements ReplicationStage
{
    /**
     * A safety net only: the link unparks a holding replicator when an acknowledgement arrives (holding and the
     * acknowledged sequence are both volatile, written then read crosswise, so one side always sees the other).
     */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final PairState state;
    private final Publication toPeer;
    private final long sendRetryNanos;
    private final UnsafeBuffer message;
    private final BatchWriter records;
    private long firstInMessage;
    private volatile Thread thread;
    private volatile boolean holding;
    private volatile boolean closing;
    /** The highest sequence sent to the standby so far (read by the link). */
    volatile long lastSent;
    /** The last sequence passed without an acknowledgement (role SOLO): the standby is in sync only once it has it. */
    volatile long lastPassedAlone;

    Replicator(final PairState state, final Publication toPeer, final long sendRetryNanos)
    {
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
        if (thread == null)
        {
            thread = Thread.currentThread();
        }
        final EngineRole role = state.role();
        if (role == EngineRole.STANDBY)
        {
            return; // the records came from the primary: nothing to send, nothing to wait for
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
        if (!endOfBatch)
        {
            return;
        }
        send();
        if (role == EngineRole.PRIMARY || state.isFenced())
        {
            holdUntilAcknowledged(sequence);
        }
        else
        {
            lastPassedAlone = sequence;
        }
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
        }
        lastSent = last;
        records.reset();
    }

    /** Parks until the standby's acknowledgement covers {@code sequence}, the role turns SOLO, or the engine closes. */
    private void holdUntilAcknowledged(final long sequence)
    {
        if (state.standbyAckedSequence() >= sequence && !state.isFenced())
        {
            return;
        }
        holding = true;
        try
        {
            while (state.isFenced() || (state.standbyAckedSequence() < sequence && state.role() == EngineRole.PRIMARY))
            {
                if (closing)
                {
                    throw Stopped.INSTANCE;
                }
                LockSupport.parkNanos(this, MAX_PARK_NANOS); // the link unparks us when an acknowledgement arrives
            }
            if (state.role() != EngineRole.PRIMARY)
            {
                lastPassedAlone = sequence; // released alone after all (solo): the standby must still get it
            }
        }
        finally
        {
            holding = false;
        }
    }

    /** The link, when an acknowledgement moved or the role changed: a held batch may be released now. */
    void wake()
    {
        final Thread waiting = thread;
        if (waiting != null && holding)
        {
            LockSupport.unpark(waiting);
        }
    }

    @Override
    public boolean isHolding()
    {
        return holding;
    }

    @Override
    public void close()
    {
        closing = true;
        wake();
    }
}
