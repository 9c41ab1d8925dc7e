package io.flashgate.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.FixedSequenceGroup;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.flashgate.client.aeron.DutyCycle;
import org.agrona.concurrent.Agent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Predicate;

/**
 * A pipeline stage as an agent of a {@link DutyCycle} instead of a thread of its own: the {@link Egress}, in a pair
 * the replicator, and behind Aeron UDP (engine.stageLayout AERON_THREAD) the journaller and the business logic too.
 * On an engine behind Aeron they run on the process's Aeron thread, so a command goes from the ingress through the
 * journal and the logic, and its result onto the egress publication (and a batch onto the link to the standby) and
 * through the driver in one duty cycle: no thread wakes only to hand them on.
 *
 * <p>It polls the ring ({@link EventPoller}) gated on the same sequences its thread waited for: the egress on the
 * journaller, business logic and, in a pair, the replicator and the {@link ReleaseGate}; the replicator on the
 * published slots alone. So, as before, nothing is released before its command is durable (and held by the standby),
 * invariant 3; its own sequence gates the ring's producers, so no slot is reused before it has passed.
 *
 * <p>How it is woken without a timer: when a poll finds nothing it marks itself {@link #waiting}, then looks once
 * more; the {@link ParkingWaitStrategy} reads the mark after each publish and each stage's progress (and after the
 * release limit moves) and, once what the agent waits for has happened, claims the mark and signals the duty cycle.
 * A full fence on both sides means one of them sees the other's store, so no wake-up is lost.
 *
 * <p>The duty cycle must never block: before each command it asks its output for room for what that command sends
 * ({@code hasRoomFor}, looking at the next slot), and stops its poll while there is none, to go on in a later cycle
 * once the driver has sent what it holds.
 */
final class StageAgent implements Agent, EventPoller.Handler<CommandSlot>, ParkingWaitStrategy.Watcher
{
    private static final VarHandle WAITING;

    static
    {
        try
        {
            WAITING = MethodHandles.lookup().findVarHandle(StageAgent.class, "waiting", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final String roleName;
    private final EventHandler<CommandSlot> stage;
    private final Predicate<CommandSlot> hasRoomFor;
    private final EventPoller<CommandSlot> poller;
    /** The slowest sequence it waits for, or null when it waits for published slots alone. */
    private final Sequence gates;
    private final RingBuffer<CommandSlot> ring;
    private final DutyCycle host;
    /** Told after a poll that passed something: a stage gated on this one (the egress on the replicator) may go on. */
    private final Runnable progressed;
    private volatile boolean waiting;
    /** True inside a poll, on the one thread that runs it. */
    private boolean polling;
    /** Set once a stage's handler threw: it stops, as a stage thread would (read by close, which stops waiting). */
    private volatile boolean failed;

    /**
     * @param gates   the sequences it waits for; none: the ring's published slots. The poller's own sequence is
     *                added to the ring's gating sequences here, so create it before anything is published.
     * @param hasRoomFor whether its output can take what a slot sends without waiting (see the class comment); it
     *                   may be asked about a slot not yet gated (a look ahead), whose figures it only estimates from.
     * @param progressed run after each poll that passed something (the wait strategy's signal, after the sequence
     *                   is stored), for the stages gated on this one.
     */
    StageAgent(final String roleName, final RingBuffer<CommandSlot> ring, final EventHandler<CommandSlot> stage,
        final Predicate<CommandSlot> hasRoomFor, final Sequence[] gates, final DutyCycle host,
        final Runnable progressed)
    {
        this.progressed = progressed;
        this.roleName = roleName;
        this.ring = ring;
        this.stage = stage;
        this.hasRoomFor = hasRoomFor;
        this.host = host;
        this.gates = gates.length == 0 ? null : gates.length == 1 ? gates[0] : new FixedSequenceGroup(gates);
        this.poller = ring.newPoller(gates);
        ring.addGatingSequences(poller.getSequence());
    }

    @Override
    public int doWork() throws Exception
    {
        if (failed || polling || !hasRoomFor.test(ring.get(poller.getSequence().get() + 1)))
        {
            return 0; // no room: the driver (or the reader, over IPC) makes it in this same cycle
        }
        final EventPoller.PollState state;
        polling = true; // a close from inside the stage (a sink's callback) must not poll again within this poll
        try
        {
            state = poller.poll(this);
        }
        catch (final Exception | Error ex)
        {
            // Fail-stop, as a stage thread's FatalExceptionHandler ends it: the poller would offer the same event
            // again in every cycle. The duty cycle reports it once; this stage passes nothing from now on.
            failed = true;
            if (ex instanceof Journaller.Stopped)
            {
                return 0; // the journal fault was reported once already; its sequence never moves past it
            }
            throw ex;
        }
        finally
        {
            polling = false;
        }
        if (state == EventPoller.PollState.PROCESSING)
        {
            progressed.run();
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
    public boolean onEvent(final CommandSlot slot, final long ringSequence, final boolean endOfBatch) throws Exception
    {
        stage.onEvent(slot, ringSequence, endOfBatch);
        return hasRoomFor.test(ring.get(ringSequence + 1));
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

    /** The duty cycle that runs it. */
    DutyCycle host()
    {
        return host;
    }

    /** Its progress: the last ring sequence it has passed (a gate for the stages after it). */
    Sequence sequence()
    {
        return poller.getSequence();
    }

    /** True when called from inside its own poll (a close from a stage's callback), which cannot be run again. */
    boolean isPollingOnThisThread()
    {
        return host.isDutyThread() && polling;
    }

    /** True once every published command has passed it, or it has stopped on an exception (nothing more will). */
    boolean isDrained()
    {
        return failed || poller.getSequence().get() >= ring.getCursor();
    }

    private boolean isReady()
    {
        final long next = poller.getSequence().get() + 1;
        return gates == null ? ring.isAvailable(next) : gates.get() >= next;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
