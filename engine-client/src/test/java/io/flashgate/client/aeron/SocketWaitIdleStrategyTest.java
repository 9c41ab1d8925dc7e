package io.flashgate.client.aeron;

import io.flashgate.testsupport.Await;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket wait: a datagram on a watched socket or a wake ends a wait that would otherwise last a minute, a wake
 * that comes first is never lost, and before any socket is watched a wake ends the fallback's park. Every wait in
 * these tests is a minute long, so only the event under test can end it before the test's deadline.
 */
class SocketWaitIdleStrategyTest
{
    private static final long MINUTE_MILLIS = TimeUnit.MINUTES.toMillis(1);
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final SocketWaitIdleStrategy wait = new SocketWaitIdleStrategy(minutePark(), MINUTE_MILLIS,
        MINUTE_MILLIS);
    private final AtomicInteger waitsEnded = new AtomicInteger();
    private DatagramChannel watched;
    private Thread waiter;

    @AfterEach
    void stop() throws Exception
    {
        if (waiter != null)
        {
            waiter.interrupt();
            wait.wake(waiter);
            waiter.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(waiter.isAlive(), "the waiting thread did not end");
        }
        wait.close();
        if (watched != null)
        {
            watched.close();
        }
    }

    @Test
    @Timeout(30)
    @EnabledOnOs(OS.LINUX) // the wait is recognised by its epoll frame
    void aDatagramOnAWatchedSocketEndsTheWait() throws Exception
    {
        watchALoopbackSocket();
        assertTrue(wait.watchesSockets());
        startWaitingAfterTheRegistrationsWake();

        try (DatagramChannel sender = DatagramChannel.open())
        {
            sender.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), watched.getLocalAddress());
        }
        awaitWaitsEnded(2);
    }

    @Test
    @Timeout(30)
    @EnabledOnOs(OS.LINUX) // the wait is recognised by its epoll frame
    void aWakeEndsAWaitOnTheSockets() throws Exception
    {
        watchALoopbackSocket();
        startWaitingAfterTheRegistrationsWake();

        wait.wake(waiter);
        awaitWaitsEnded(2);
    }

    @Test
    @Timeout(30)
    void aWakeBeforeTheWaitMakesItReturnAtOnce() throws Exception
    {
        watchALoopbackSocket();
        wait.idle(0); // returns at once: the registration's own wake-up, used up here
        wait.wake(Thread.currentThread());

        wait.idle(0); // a lost wake would hold this thread for a minute, past the test's timeout
    }

    @Test
    @Timeout(30)
    void beforeAnySocketAWakeBeforeTheParkMakesItReturnAtOnce()
    {
        wait.wake(Thread.currentThread());

        wait.idle(0); // the fallback parks a minute unless the wake was kept
    }

    @Test
    @Timeout(30)
    void beforeAnySocketIsWatchedAWakeEndsTheFallbacksPark() throws Exception
    {
        assertFalse(wait.watchesSockets());
        startWaiting(1);
        awaitParkedIn("java.util.concurrent.locks.LockSupport");

        wait.wake(waiter);
        awaitWaitsEnded(1);
    }

    @Test
    @Timeout(30)
    void theWaitGrowsAfterASilenceAndWorkBringsItBack() throws Exception
    {
        final SocketWaitIdleStrategy growing = new SocketWaitIdleStrategy(minutePark(), 1, 4);
        try (DatagramChannel silent = DatagramChannel.open())
        {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            silent.configureBlocking(false);
            growing.register(silent);
            for (int i = 0; i < 30; i++)
            {
                growing.idle(0); // nothing arrives: each wait lasts its length
            }
            assertEquals(4, growing.waitMillis(), "after about 20 ms of silence the wait is at its longest");
            growing.idle(1);
            assertEquals(1, growing.waitMillis(), "work brings it back to its busy length");
        }
        finally
        {
            growing.close();
        }
    }

    private void watchALoopbackSocket() throws IOException
    {
        watched = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        watched.configureBlocking(false);
        wait.register(watched);
    }

    /**
     * Registering a socket wakes a wait already under way, so that it watches the new socket too; Java keeps that
     * wake-up for the next wait, which therefore returns at once. The second wait is the one under test.
     */
    private void startWaitingAfterTheRegistrationsWake()
    {
        startWaiting(2);
        awaitWaitsEnded(1);
        awaitParkedIn("sun.nio.ch.EPoll");
    }

    private void startWaiting(final int waits)
    {
        waiter = new Thread(() ->
        {
            for (int i = 0; i < waits && !Thread.currentThread().isInterrupted(); i++)
            {
                wait.idle(0);
                waitsEnded.incrementAndGet();
            }
        }, "socket-wait-test");
        waiter.setDaemon(true);
        waiter.start();
    }

    /** Waits until the waiting thread is blocked inside {@code frame}: the wait under test has begun. */
    private void awaitParkedIn(final String frame)
    {
        Await.until("the thread began its wait in " + frame, DEADLINE, () ->
            Arrays.stream(waiter.getStackTrace()).anyMatch(element -> element.getClassName().startsWith(frame)));
    }

    private void awaitWaitsEnded(final int expected)
    {
        Await.until(() -> "the wait did not end: " + waitsEnded.get() + " of " + expected, DEADLINE,
            () -> waitsEnded.get() >= expected);
    }

    /** The fallback: a park of a minute ({@code LockSupport.parkNanos}) that only an unpark ends early. */
    private static org.agrona.concurrent.IdleStrategy minutePark()
    {
        return new SleepingIdleStrategy(TimeUnit.MINUTES.toNanos(1));
    }
}
