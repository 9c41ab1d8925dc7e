package io.flashgate.engine.transport;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.flashgate.client.aeron.DutyCycle;
import io.flashgate.client.aeron.SocketWaitIdleStrategy;
import io.flashgate.processes.FreePorts;
import io.flashgate.testsupport.Await;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An engine's Aeron thread waits in the kernel on its embedded driver's sockets: a datagram from another driver (an
 * edge on another host) is read the moment it arrives. Here the receiving thread's every wait would last a minute,
 * so only the datagrams themselves (the connection's setup, then a message) can end its waits within the deadline.
 */
@Timeout(60)
@EnabledOnOs(OS.LINUX) // the wait is recognised by its epoll frame
class SocketWaitOverUdpTest
{
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final long MINUTE_MILLIS = TimeUnit.MINUTES.toMillis(1);

    private DutyCycle receiving;
    private EmbeddedDriver receivingDriver;
    private EmbeddedDriver sendingDriver;
    private Aeron receiver;
    private Aeron sender;

    @AfterEach
    void stop()
    {
        CloseHelper.quietCloseAll(sender, receiver, sendingDriver, receivingDriver, receiving);
        if (receiving != null)
        {
            assertFalse(threadNamed(receiving.name()), "the receiving duty thread was left running");
        }
    }

    @Test
    void aDatagramFromAnotherDriverEndsTheReceivingThreadsWait()
    {
        startReceivingSide();
        sendingDriver = EmbeddedDriver.start();
        sender = sendingDriver.connect();

        final String channel = "aeron:udp?endpoint=" + FreePorts.udpEndpoint();
        final Subscription subscription = receiver.addSubscription(channel, 11);
        final AtomicInteger received = new AtomicInteger();
        receiving.add(poller(subscription, received));
        final Publication publication = sender.addPublication(channel, 11);
        Await.until("the publication connected: its setup and the receiver's status message crossed",
            DEADLINE, () -> publication.isConnected() && subscription.imageCount() == 1);

        awaitWaitingOnSockets(receiving.name());
        final UnsafeBuffer message = new UnsafeBuffer(new byte[32]);
        Await.until("the message offered", DEADLINE, () -> publication.offer(message) > 0);
        Await.until("the message received by a thread that would otherwise wait a minute", DEADLINE,
            () -> received.get() == 1);
    }

    /**
     * A subscription closed while the thread waits gives its port back at once, so that it can be bound again (a
     * pair's engine restarting on its ingress port): Java keeps a socket open while any selector holds its key.
     */
    @Test
    void aPortClosedWhileTheThreadWaitsCanBeBoundAgainAndIsWatched()
    {
        startReceivingSide();
        final String channel = "aeron:udp?endpoint=" + FreePorts.udpEndpoint();
        final Subscription first = receiver.addSubscription(channel, 11);
        awaitWaitingOnSockets(receiving.name());

        first.close();
        final Subscription again = receiver.addSubscription(channel, 11); // "Address already in use" if still held
        final AtomicInteger received = new AtomicInteger();
        receiving.add(poller(again, received));
        sendingDriver = EmbeddedDriver.start();
        sender = sendingDriver.connect();
        final Publication publication = sender.addPublication(channel, 11);
        Await.until("connected to the port bound again", DEADLINE,
            () -> publication.isConnected() && again.imageCount() == 1);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[32]);
        Await.until("the message offered", DEADLINE, () -> publication.offer(message) > 0);
        Await.until("the message received on the new socket", DEADLINE, () -> received.get() == 1);
    }

    /** The receiving side: a duty cycle whose every wait lasts a minute unless a datagram or a signal ends it. */
    private void startReceivingSide()
    {
        receiving = DutyCycle.start("flashgate-test-rx",
            new SocketWaitIdleStrategy(parkAMinute(), MINUTE_MILLIS, MINUTE_MILLIS));
        receivingDriver = EmbeddedDriver.start(EmbeddedDriver.uniqueDirectory(), receiving, context -> { });
        receiver = receivingDriver.connect();
    }

    /** An agent of the receiving cycle that counts what {@code subscription} delivers. */
    private static Agent poller(final Subscription subscription, final AtomicInteger received)
    {
        return new Agent()
        {
            @Override
            public int doWork()
            {
                return subscription.poll((buffer, offset, length, header) -> received.incrementAndGet(), 10);
            }

            @Override
            public String roleName()
            {
                return "test-poller";
            }
        };
    }

    /** Waits until the named thread is inside its wait on the sockets, so that the next message must end it. */
    private static void awaitWaitingOnSockets(final String threadName)
    {
        Await.until("the receiving thread waiting on its sockets", DEADLINE, () -> Thread.getAllStackTraces()
            .entrySet().stream().anyMatch(entry -> entry.getKey().getName().equals(threadName) &&
                entry.getValue().length > 0 && entry.getValue()[0].getClassName().equals("sun.nio.ch.EPoll")));
    }

    private static boolean threadNamed(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    /** Before any socket: a park of a minute ({@code LockSupport.parkNanos}) that only a signal ends. */
    private static IdleStrategy parkAMinute()
    {
        return new SleepingIdleStrategy(TimeUnit.MINUTES.toNanos(1));
    }
}
