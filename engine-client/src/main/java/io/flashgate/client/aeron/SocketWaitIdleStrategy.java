package io.flashgate.client.aeron;

import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The idle strategy of a {@link DutyCycle} that runs an embedded media driver over UDP: when a cycle found no work,
 * the thread waits in the kernel ({@code epoll_wait}, through a {@link Selector}) on every socket the driver has
 * opened, so a datagram from another host ends the wait the moment it arrives, as a {@link DutyCycle#signal} from a
 * thread of this process does. Nothing is polled on a timer: the wait ends early only for a datagram or a signal, and
 * otherwise after {@value #BUSY_WAIT_MILLIS} ms while messages came recently (the driver's and the conductors' timers:
 * status messages, heartbeats, keep-alives), growing to {@value #IDLE_WAIT_MILLIS} ms after about 20 ms of silence.
 *
 * <p>Why: a duty cycle that parks on a timer learns of a datagram only when its park ends. The timed backoff parks
 * from 1 µs up, so each message cost a few empty wake-ups (each a system call per socket), and a message waited for
 * the park it arrived in. The selector is only a wake-up source: the driver still reads its sockets itself, in its
 * own poll, so the wait is level-triggered and a datagram the driver has not read yet ends the next wait at once.
 *
 * <p>What it costs: a driver timer that no datagram announces (a NAK's short delay after a gap, say) runs at the
 * end of the wait it falls in, up to 1 ms later than under the timed backoff's microsecond parks. The driver's socket
 * buffers are sized so that loopback does not drop datagrams in a burst (EmbeddedDriver), so gaps are rare.
 *
 * <p>Until a socket is registered (a duty cycle that is a client of a driver in another process, or one with only
 * IPC channels) it waits as its fallback does, a timed park that a signal ends.
 */
public final class SocketWaitIdleStrategy implements IdleStrategy, AutoCloseable
{
    /** The longest wait while messages came in the last ~20 ms: the driver's timers need no finer step. */
    public static final long BUSY_WAIT_MILLIS = 1;
    /** The longest wait after a silence, as the timed backoff's longest park. */
    public static final long IDLE_WAIT_MILLIS = 16;
    private static final int DEEP_AFTER_WAITS = 20;

    private static final int RUNNING = 0;
    private static final int PARKED = 1;
    private static final int SELECTING = 2;

    private final IdleStrategy withoutSockets;
    private final long busyWaitMillis;
    private final long idleWaitMillis;
    private final AtomicBoolean signalled = new AtomicBoolean();
    /** Threads flushing a closed socket's key ({@link #unregister}); the duty thread does not wait meanwhile. */
    private final AtomicInteger unregistering = new AtomicInteger();
    private volatile int state = RUNNING;
    private volatile Selector selector;
    /** Guarded by this: closed, or no selector could be opened; no socket is watched from then on. */
    private boolean closed;
    /** The thread in {@link #idle()}, for the first registration to end its fallback park. */
    private volatile Thread waiter;
    private long waitMillis;
    private int waitsAtBusy;

    /**
     * @param withoutSockets how to wait until a socket is registered; its parks must end on
     *                       {@link LockSupport#unpark} (the timed backoff's do).
     * @param busyWaitMillis the longest wait on the sockets while messages came recently.
     * @param idleWaitMillis the longest wait after about 20 such waits found nothing.
     */
    public SocketWaitIdleStrategy(final IdleStrategy withoutSockets, final long busyWaitMillis,
        final long idleWaitMillis)
    {
        if (busyWaitMillis <= 0 || idleWaitMillis < busyWaitMillis)
        {
            throw new IllegalArgumentException("need 0 < busyWaitMillis <= idleWaitMillis");
        }
        this.withoutSockets = withoutSockets;
        this.busyWaitMillis = busyWaitMillis;
        this.idleWaitMillis = idleWaitMillis;
        this.waitMillis = busyWaitMillis;
    }

    /** The default: {@value #BUSY_WAIT_MILLIS} and {@value #IDLE_WAIT_MILLIS} ms, the timed backoff before a socket. */
    public static SocketWaitIdleStrategy withBackoff()
    {
        return new SocketWaitIdleStrategy(IdleChoice.TIMED_BACKOFF.newStrategy(), BUSY_WAIT_MILLIS, IDLE_WAIT_MILLIS);
    }

    /**
     * Makes a datagram on {@code channel} end this strategy's waits. Called by the driver (on whichever thread runs
     * it) when it opens a socket (null: none was opened); {@link #unregister} before it closes it. If no selector can
     * be opened, waits stay timed parks (reported once): slower to see a datagram, never wrong.
     */
    public void register(final SelectableChannel channel)
    {
        final Selector now;
        synchronized (this)
        {
            if (closed || channel == null) // null: an endpoint that opened no socket of its own
            {
                return;
            }
            if (selector == null)
            {
                try
                {
                    selector = Selector.open();
                }
                catch (final IOException ex)
                {
                    System.getLogger("flashgate.transport").log(System.Logger.Level.WARNING, "cannot wait on the " +
                        "media driver's sockets (" + ex + "): the Aeron thread parks on a timer instead");
                    closed = true;
                    return;
                }
            }
            now = selector;
        }
        try
        {
            channel.register(now, SelectionKey.OP_READ);
        }
        catch (final ClosedChannelException | ClosedSelectorException ex)
        {
            return; // closed meanwhile: nothing will arrive on it, or nothing waits here any more
        }
        // A wait under way would not watch the new socket until it ends; the first one ends a fallback park.
        now.wakeup();
        final Thread parked = waiter;
        if (parked != null)
        {
            LockSupport.unpark(parked);
        }
    }

    /**
     * Stops watching {@code channel}, before the driver closes it. Java keeps a channel's socket open while a selector
     * still holds its key, so without this a closed subscription's port would stay bound until the next wait, and the
     * same port could not be bound again meanwhile (a pair's engine restarting on its ingress port).
     */
    public void unregister(final SelectableChannel channel)
    {
        final Selector now = selector;
        if (now == null || channel == null)
        {
            return;
        }
        final SelectionKey key = channel.keyFor(now);
        if (key == null)
        {
            return;
        }
        key.cancel();
        // A selection flushes the cancelled key (and so closes the socket). The duty thread starts none while this
        // runs, so that the selectNow below, which waits for a selection under way, waits for one that a wake-up ends.
        unregistering.incrementAndGet();
        try
        {
            now.wakeup();
            now.selectNow(ready -> { });
        }
        catch (final IOException | ClosedSelectorException ex)
        {
            // closed: the selector released every key
        }
        finally
        {
            unregistering.decrementAndGet();
            now.wakeup(); // selectNow cleared a wake-up a signal may have left for the duty thread
        }
    }

    /** True once a socket has been registered: waits are then in the kernel, on the sockets. */
    public boolean watchesSockets()
    {
        return selector != null;
    }

    /**
     * Ends the current wait of the thread that idles here, or makes its next one return at once. Any thread; costs a
     * system call only while that thread waits.
     */
    public void wake(final Thread dutyThread)
    {
        signalled.set(true);
        // The waiter writes `state` before it reads `signalled`, we wrote `signalled` before reading `state`: one of
        // us sees the other's write, so a signal is never lost between its check and its wait.
        switch (state)
        {
            case SELECTING -> selector.wakeup();
            case PARKED -> LockSupport.unpark(dutyThread);
            default ->
            {
            }
        }
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        if (waiter == null)
        {
            waiter = Thread.currentThread();
        }
        final Selector now = selector;
        state = now == null ? PARKED : SELECTING;
        if (signalled.getAndSet(false))
        {
            state = RUNNING;
            return;
        }
        if (now == null)
        {
            withoutSockets.idle();
        }
        else
        {
            waitOn(now);
        }
        state = RUNNING;
        signalled.getAndSet(false); // this wait has ended: the cycle that follows sees what the signal announced
    }

    private void waitOn(final Selector now)
    {
        if (unregistering.get() > 0)
        {
            Thread.yield(); // another thread flushes a closed socket's key: let it have the selector
            return;
        }
        try
        {
            now.select(key -> { }, waitMillis); // the keys are not read: the driver reads its own sockets
        }
        catch (final IOException | ClosedSelectorException ex)
        {
            state = PARKED;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(waitMillis));
        }
        if (waitMillis == busyWaitMillis && waitsAtBusy < DEEP_AFTER_WAITS)
        {
            waitsAtBusy++;
        }
        else if (waitMillis < idleWaitMillis)
        {
            waitMillis = Math.min(idleWaitMillis, waitMillis << 1);
        }
    }

    @Override
    public void reset()
    {
        waitMillis = busyWaitMillis;
        waitsAtBusy = 0;
        withoutSockets.reset();
    }

    /** The current longest wait on the sockets (for tests). */
    long waitMillis()
    {
        return waitMillis;
    }

    /** Closes the selector (the sockets stay the driver's); no socket is watched after. */
    @Override
    public void close()
    {
        final Selector now;
        synchronized (this)
        {
            closed = true;
            now = selector;
        }
        if (now != null)
        {
            try
            {
                now.close();
            }
            catch (final IOException ex)
            {
                // nothing is left to wake
            }
        }
    }

    @Override
    public String alias()
    {
        return "socket-wait";
    }

    @Override
    public String toString()
    {
        return "SocketWaitIdleStrategy{watchesSockets=" + watchesSockets() + ", waitMillis=" + waitMillis + '}';
    }
}
