package io.flashgate.client.aeron;

import io.aeron.Aeron;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One thread that does all of a process's (or one side's) Aeron work: the media driver in
 * {@code ThreadingMode.INVOKER} ({@link #runDriver}), the client conductor through
 * {@code Aeron.Context.useConductorAgentInvoker} ({@link #connect}), and the pollers ({@link #add}: the engine's
 * ingress, a gateway's replies). So a datagram goes from the socket through the driver into a poller, and a message
 * offered here goes out through the driver, within one duty cycle and with no thread hand-off.
 *
 * <p>Why one thread: on a small machine each thread that must wake for every message costs more than the work the
 * message carries. Separate driver, conductor and poller threads each woke for every message, and each parked on
 * its own timer because nothing could signal it. Here a thread that publishes (the engine's egress, a caller that
 * sends a command) calls {@link #signal}, which ends the park at once; a datagram arriving on a socket of the embedded
 * driver ends it through the kernel, when the idle strategy is a {@link SocketWaitIdleStrategy} (the default), which
 * waits on those sockets. Other idle strategies look again after a park that grows the longer they find nothing.
 *
 * <p>Agents run in the order they were added, each with its {@code doWork}; an agent is never run by two threads at
 * once. {@link #remove} returns only once the agent is no longer being run, so its resources can be closed after.
 * The driver's agent is also run by any thread that waits for the driver's answer while adding or closing a
 * publication or subscription (the client's {@code driverAgentInvoker}): a lock of its own keeps the two apart,
 * and neither waits on the other.
 *
 * <p>Why one file (over 500 lines): the agents' slots, the driver's lock, the remove and close handshakes and the
 * signal are one concurrency protocol around one thread; each relies on how the others order their reads and
 * writes, so they are read together. The idle strategies live in their own classes.
 */
public final class DutyCycle implements AutoCloseable
{
    /**
     * Most passes of the driver in one cycle while datagrams come in bursts ({@link #driverPasses}): eight full
     * datagrams of commands (about 11 each) fill the engine's ingress poll of 64 fragments before its stages run.
     */
    static final int MAX_DRIVER_PASSES = 8;
    private static final Map<Aeron, DutyCycle> BY_CLIENT = new ConcurrentHashMap<>();

    private final String name;
    private final IdleStrategy idle;
    /** The idle strategy when it waits on the driver's sockets: a signal must end that wait, not a park. */
    private final SocketWaitIdleStrategy socketWait;
    private final ErrorHandler errors;
    private final Thread thread;
    private volatile Slot[] slots = new Slot[0];
    private volatile boolean running = true;
    private volatile boolean closed;
    private final ReentrantLock driverLock = new ReentrantLock();
    private volatile AgentInvoker driverInvoker;

    /** An agent, and whether the duty thread is inside its doWork (read by {@link #remove}). */
    private static final class Slot
    {
        final Agent agent;
        /**
         * False for a client conductor: its work is housekeeping (keep-alives every half second, bookkeeping), and
         * counting it would restart the idle strategy's backoff each time, so an idle process would never reach its
         * longest parks. Messages move through the driver and the pollers, whose work does count.
         */
        final boolean countsAsWork;
        volatile boolean active = true;
        volatile boolean working;

        Slot(final Agent agent)
        {
            this.agent = agent;
            this.countsAsWork = !(agent instanceof ConductorAgent);
        }
    }

    private DutyCycle(final String name, final IdleStrategy idle, final ErrorHandler errors)
    {
        this.name = name;
        this.idle = idle;
        this.socketWait = idle instanceof SocketWaitIdleStrategy wait ? wait : null;
        this.errors = errors;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * Starts the thread, with nothing to do yet.
     *
     * @param name   the thread's name.
     * @param idle   how it waits when a cycle found no work (ended early by {@link #signal}).
     * @param errors where an agent's exception goes; the cycle goes on.
     */
    public static DutyCycle start(final String name, final IdleStrategy idle, final ErrorHandler errors)
    {
        final DutyCycle cycle = new DutyCycle(name, idle, errors);
        cycle.thread.start();
        return cycle;
    }

    /** As {@link #start(String, IdleStrategy, ErrorHandler)}, errors printed to stderr. */
    public static DutyCycle start(final String name, final IdleStrategy idle)
    {
        return start(name, idle, Throwable::printStackTrace);
    }

    /**
     * The idle strategy for a duty cycle that every message reaches through a thread that signals it: a process whose
     * channels are all {@code aeron:ipc} ({@code ops/flashgate run}), where commands come from request threads and
     * results from the engine's egress, both of which call {@link #signal}. It parks {@value #SIGNALLED_PARK_MILLIS}
     * ms at once, for the timers of the driver and the client conductor alone: looking sooner would find nothing, since
     * no datagram can arrive unannounced, and each timed wake-up costs CPU for nothing.
     */
    public static IdleStrategy signalledIdle()
    {
        return new org.agrona.concurrent.SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(SIGNALLED_PARK_MILLIS));
    }

    /**
     * The idle strategy for a duty cycle whose every agent is woken by a {@link #signal} and has no timers (the
     * engine's egress on a thread of its own, when no Aeron duty cycle runs it): it parks, with no timeout, until
     * signalled. A signal that comes before the park makes it return at once, so none is lost.
     */
    public static IdleStrategy parkUntilSignalled()
    {
        return new ParkUntilSignalled();
    }

    private static final class ParkUntilSignalled implements IdleStrategy
    {
        @Override
        public void idle(final int workCount)
        {
            if (workCount <= 0)
            {
                idle();
            }
        }

        @Override
        public void idle()
        {
            LockSupport.park(this);
        }

        @Override
        public void reset()
        {
        }

        @Override
        public String alias()
        {
            return "park-until-signalled";
        }
    }

    /** The park of {@link #signalledIdle()}: the client conductor's own service interval. */
    public static final long SIGNALLED_PARK_MILLIS = 16;

    /** The duty cycle that runs this client's conductor, or null when the client has a conductor thread. */
    public static DutyCycle of(final Aeron aeron)
    {
        return aeron == null ? null : BY_CLIENT.get(aeron);
    }

    public String name()
    {
        return name;
    }

    /** True once its thread has ended ({@link #close}, or an agent's {@link Error}): nothing runs its agents. */
    public boolean isStopped()
    {
        return !thread.isAlive();
    }

    /** True on the duty cycle's own thread. */
    public boolean isDutyThread()
    {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs a media driver launched in {@code ThreadingMode.INVOKER} (its started {@code sharedAgentInvoker()}); one
     * driver per duty cycle. Clients connected through {@link #connect} afterwards run it too while they wait for
     * its answers (one pass each time).
     *
     * @param driver        the driver's shared agent invoker.
     * @param bytesReceived the driver's count of bytes received (its {@code BYTES_RECEIVED} system counter).
     * @param burstBytes    a pass that read at least this many bytes is followed by another, up to
     *                      {@value #MAX_DRIVER_PASSES} ({@link #driverPasses}); half the MTU, say.
     */
    public synchronized void runDriver(final AgentInvoker driver, final LongSupplier bytesReceived,
        final int burstBytes)
    {
        if (driverInvoker != null)
        {
            throw new IllegalStateException("a duty cycle runs one media driver");
        }
        driverInvoker = driver;
        add(new DriverAgent(driver, bytesReceived, burstBytes));
    }

    /**
     * Runs the driver's agent (conductor, sender, receiver) once, and again while the last pass read a burst's worth
     * of bytes, at most {@code maxPasses} times; returns the work of all passes.
     *
     * <p>Why more than one pass: Aeron's receiver reads one datagram per socket in a pass and its sender sends one per
     * publication. With one pass a cycle ran every stage, one journal write and one send for one datagram, about 11
     * commands at capacity: those system calls were 45 % of the engine's thread. A datagram filled towards the MTU
     * says its sender had more waiting, which most likely wait in the socket now; a small one (a quiet moment, one
     * command) ends the passes at once, so a lone command waits for nothing.
     */
    static int driverPasses(final AgentInvoker driver, final LongSupplier bytesReceived, final int burstBytes,
        final int maxPasses)
    {
        int work = 0;
        long before = bytesReceived.getAsLong();
        for (int pass = 0; pass < maxPasses; pass++)
        {
            work += driver.invoke();
            final long after = bytesReceived.getAsLong();
            if (after - before < burstBytes)
            {
                break;
            }
            before = after;
        }
        return work;
    }

    /** Stops running the driver (before it is closed); the thread goes on with the other agents. */
    public synchronized void stopDriver()
    {
        final AgentInvoker driver = driverInvoker;
        if (driver == null)
        {
            return;
        }
        for (final Slot slot : slots)
        {
            if (slot.agent instanceof DriverAgent agent && agent.invoker == driver)
            {
                remove(agent);
            }
        }
        driverLock.lock(); // a client thread running the driver while it waits finishes first
        try
        {
            driverInvoker = null;
        }
        finally
        {
            driverLock.unlock();
        }
    }

    /**
     * A client whose conductor runs on this thread ({@code useConductorAgentInvoker}) and, when this cycle runs the
     * driver, which runs the driver itself while it waits for the driver's answer (adding a subscription, say),
     * so that waiting never depends on this thread. Close the client as usual; its conductor then leaves the cycle.
     */
    public Aeron connect(final Aeron.Context context)
    {
        context.useConductorAgentInvoker(true);
        synchronized (this)
        {
            if (driverInvoker != null)
            {
                final AgentInvoker guarded = new AgentInvoker(Throwable::printStackTrace, null,
                    new DriverAgent(driverInvoker));
                guarded.start();
                context.driverAgentInvoker(guarded);
            }
        }
        final Aeron aeron = Aeron.connect(context);
        BY_CLIENT.put(aeron, this);
        add(new ConductorAgent(aeron, aeron.conductorAgentInvoker()));
        return aeron;
    }

    /** Adds an agent, run after those already added (its {@code onStart} runs on the caller's thread, now). */
    public synchronized void add(final Agent agent)
    {
        insert(agent, slots.length);
    }

    /**
     * Adds an agent that brings messages in (the engine's ingress), run after the driver and the client conductors but
     * before every other agent, so that what it takes in passes the agents after it (the pipeline's stages, the
     * egress) within the same cycle, and the driver sends their output at the start of the next.
     */
    public synchronized void addInbound(final Agent agent)
    {
        int at = 0;
        while (at < slots.length &&
            (slots[at].agent instanceof DriverAgent || slots[at].agent instanceof ConductorAgent))
        {
            at++;
        }
        insert(agent, at);
    }

    private void insert(final Agent agent, final int at)
    {
        if (closed)
        {
            throw new IllegalStateException(name + " is closed");
        }
        agent.onStart();
        final Slot[] now = slots;
        final Slot[] next = new Slot[now.length + 1];
        System.arraycopy(now, 0, next, 0, at);
        next[at] = new Slot(agent);
        System.arraycopy(now, at, next, at + 1, now.length - at);
        slots = next;
        signal();
    }

    /**
     * Takes an agent out; once this returns the duty thread will not run it again (on the duty thread itself: from
     * the next agent on). Its {@code onClose} runs on the caller's thread.
     */
    public void remove(final Agent agent)
    {
        final Slot slot;
        synchronized (this)
        {
            slot = take(agent);
        }
        if (slot == null)
        {
            return;
        }
        if (!isDutyThread())
        {
            // The duty thread sets `working` before it reads `active`; we cleared `active` before reading `working`:
            // one of us sees the other's write, so either it skips the agent or we wait for it to leave.
            // Short spins first (an agent's doWork is microseconds); an agent held in a stalled system call (a disk
            // that does not answer) must not cost the caller a whole core while it waits.
            for (int spins = 0; slot.working; spins++)
            {
                if (spins < 1_000)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
                }
            }
        }
        agent.onClose();
    }

    private Slot take(final Agent agent)
    {
        final Slot[] now = slots;
        for (int i = 0; i < now.length; i++)
        {
            if (now[i].agent == agent)
            {
                final Slot slot = now[i];
                slot.active = false;
                final Slot[] next = new Slot[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                slots = next;
                return slot;
            }
        }
        return null;
    }

    /**
     * Ends the duty thread's park at once (or makes its next one return at once): for a thread that has just offered
     * a message that this cycle's driver must send, or that one of its pollers reads. Never blocks; costs a system
     * call only when the thread is parked. On the duty thread itself it does nothing: an agent that made work goes
     * round again anyway (it reports work done), while a permit left for its own next park would cost a whole
     * empty cycle of socket polls.
     */
    public void signal()
    {
        if (Thread.currentThread() != thread)
        {
            if (socketWait != null)
            {
                socketWait.wake(thread);
            }
            else
            {
                LockSupport.unpark(thread);
            }
        }
    }

    /**
     * The strategy this cycle idles with when it can wait on the media driver's sockets (an embedded driver registers
     * each socket it opens there), else null.
     */
    public SocketWaitIdleStrategy socketWait()
    {
        return socketWait;
    }

    /** Stops the thread after its current cycle, and closes the agents still in it (driver and clients excepted). */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        running = false;
        signal();
        if (!isDutyThread())
        {
            boolean interrupted = false;
            while (thread.isAlive())
            {
                try
                {
                    thread.join();
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
        final Slot[] left;
        synchronized (this)
        {
            left = slots;
            slots = new Slot[0];
        }
        for (final Slot slot : left)
        {
            if (!(slot.agent instanceof DriverAgent) && !(slot.agent instanceof ConductorAgent))
            {
                try
                {
                    slot.agent.onClose();
                }
                catch (final RuntimeException ex)
                {
                    errors.onError(ex);
                }
            }
        }
        if (socketWait != null)
        {
            socketWait.close();
        }
    }

    private void run()
    {
        while (running)
        {
            int work = 0;
            final Slot[] now = slots;
            for (final Slot slot : now)
            {
                slot.working = true;
                try
                {
                    if (slot.active)
                    {
                        final int done = slot.agent.doWork();
                        if (slot.countsAsWork)
                        {
                            work += done;
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    errors.onError(ex);
                    if (ex instanceof Error error)
                    {
                        slot.working = false;
                        throw error;
                    }
                }
                finally
                {
                    slot.working = false;
                }
            }
            idle.idle(work);
        }
    }

    /** The role names of the agents it runs now, in order (for tests and diagnostics). */
    public java.util.List<String> roleNames()
    {
        return Arrays.stream(slots).map(slot -> slot.agent.roleName()).toList();
    }

    @Override
    public String toString()
    {
        return "DutyCycle{" + name + ", agents=" + slots.length + '}';
    }

    /** The media driver's shared agent, run by whichever thread holds its lock; the others skip it. */
    private final class DriverAgent implements Agent
    {
        final AgentInvoker invoker;
        private final LongSupplier bytesReceived;
        private final int burstBytes;

        /** One pass per call (no pass reads a burst): for a client thread that runs the driver while it waits. */
        DriverAgent(final AgentInvoker invoker)
        {
            this(invoker, () -> 0L, Integer.MAX_VALUE);
        }

        DriverAgent(final AgentInvoker invoker, final LongSupplier bytesReceived, final int burstBytes)
        {
            this.invoker = invoker;
            this.bytesReceived = bytesReceived;
            this.burstBytes = burstBytes;
        }

        @Override
        public int doWork()
        {
            if (!driverLock.tryLock())
            {
                return 0;
            }
            try
            {
                return driverInvoker == invoker ?
                    driverPasses(invoker, bytesReceived, burstBytes, MAX_DRIVER_PASSES) : 0;
            }
            finally
            {
                driverLock.unlock();
            }
        }

        @Override
        public String roleName()
        {
            return "aeron-driver";
        }
    }

    /** A client's conductor; once the client is closed it leaves the cycle. */
    private final class ConductorAgent implements Agent
    {
        private final Aeron aeron;
        private final AgentInvoker invoker;

        ConductorAgent(final Aeron aeron, final AgentInvoker invoker)
        {
            this.aeron = aeron;
            this.invoker = invoker;
        }

        @Override
        public int doWork()
        {
            if (invoker.isClosed())
            {
                BY_CLIENT.remove(aeron);
                synchronized (DutyCycle.this)
                {
                    take(this);
                }
                return 0;
            }
            return invoker.invoke();
        }

        @Override
        public String roleName()
        {
            return "aeron-client-conductor";
        }
    }
}
