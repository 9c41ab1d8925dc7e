package io.flashgate.engine.pipeline;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.FixedSequenceGroup;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.flashgate.client.aeron.DutyCycle;
import io.flashgate.engine.logic.EventSink;
import org.agrona.concurrent.Agent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The {@link Egress} as an agent of a {@link DutyCycle} instead of a thread of its own: on an engine behind Aeron it
 * runs on the process's Aeron thread, so a result goes from the ring onto the publication and through the driver in
 * one duty cycle, and no thread wakes only to hand it on (one wake-up fewer per purchase).
 *
 * <p>It polls the ring ({@link EventPoller}) gated on the same sequences the egress thread waited for: the
 * journaller, business logic and, in a pair, the replicator and the {@link ReleaseGate}. So, as before, nothing is
 * released before its command is durable (and held by the standby), invariant 3; its own sequence gates the ring's
 * producers, so no slot is reused before its results have left.
 *
 * <p>How it is woken without a timer: when a poll finds nothing it marks itself {@link #waiting}, then looks once
 * more; the {@link ParkingWaitStrategy} reads the mark after each stage's progress (and after the release limit
 * moves) and, once the slowest gate has passed what the agent waits for, claims the mark and signals the duty
 * cycle. A full fence on both sides means one of them sees the other's store, so no wake-up is lost.
 *
 * <p>The duty cycle must never block: before each event it asks the sink for room ({@link EventSink#hasRoom()}),
 * and stops its poll while there is none, to go on in a later cycle once the driver has sent what it holds.
 */
final class EgressAgent implements Agent, EventPoller.Handler<CommandSlot>, ParkingWaitStrategy.Watcher
{
    private static final VarHandle WAITING;

    static
    {
        try
        {
            WAITING = MethodHandles.lookup().findVarHandle(EgressAgent.class, "waiting", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Egress egress;
    private final EventSink sink;
    private final EventPoller<CommandSlot> poller;
    private final Sequence gates;
    private final RingBuffer<CommandSlot> ring;
    private final DutyCycle host;
    private volatile boolean waiting;

    /**
     * @param gates the sequences a result waits for; the poller's own sequence is added to the ring's gating
     *              sequences here, so create it before anything is published.
     */
    EgressAgent(final RingBuffer<CommandSlot> ring, final Egress egress, final EventSink sink, final Sequence[] gates,
        final DutyCycle host)
    {
        this.ring = ring;
        this.egress = egress;
        this.sink = sink;
        this.host = host;
        this.gates = gates.length == 1 ? gates[0] : new FixedSequenceGroup(gates);
        this.poller = ring.newPoller(gates);
        ring.addGatingSequences(poller.getSequence());
    }

    @Override
    public int doWork() throws Exception
    {
        if (!sink.hasRoom())
        {
            return 0; // the driver (or the reader, over IPC) makes room in this same cycle
        }
        if (poller.poll(this) == EventPoller.PollState.PROCESSING)
        {
            return 1;
        }
        waiting = true;
        VarHandle.fullFence(); // our mark before our second look (see the class comment)
        if (isReady() && WAITING.compareAndSet(this, true, false))
        {
            return 1; // passed in between: go round once more rather than idle
        }
        return 0;
    }

    @Override
    public boolean onEvent(final CommandSlot slot, final long ringSequence, final boolean endOfBatch)
    {
        egress.onEvent(slot, ringSequence, endOfBatch);
        return sink.hasRoom();
    }

    /** Called by signallers after their store and a full fence: wakes the duty cycle once the wait is over. */
    @Override
    public void signalIfReady()
    {
        if (waiting && isReady() && WAITING.compareAndSet(this, true, false))
        {
            host.signal();
        }
    }

    /** The last ring sequence whose results have left (or been held back, on a standby). */
    long sequence()
    {
        return poller.getSequence().get();
    }

    /** True once every published command has passed the egress. */
    boolean isDrained()
    {
        return sequence() >= ring.getCursor();
    }

    private boolean isReady()
    {
        return gates.get() > poller.getSequence().get();
    }

    @Override
    public String roleName()
    {
        return "flashgate-egress";
    }
}
