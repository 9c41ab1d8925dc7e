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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An engine's Aeron thread waits in the kernel on its embedded driver's sockets: a datagram from another driver (an
 * edge on another host) is read the moment it arrives. Here the receiving thread's every wait would last a minute,
 * so only the datagrams themselves (the connection's setup, then a message) can end its waits within the deadline.
 * And a thread that offers a message sends it through the driver itself ({@link DutyCycle#sendNow}), so the duty
 * thread need not wake for it, without stranding what the driver takes in meanwhile.
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
    private DutyCycle sending;
    private final List<CountDownLatch> holds = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop()
    {
        holds.forEach(CountDownLatch::countDown);
        CloseHelper.quietCloseAll(sender, receiver, sendingDriver, receivingDriver, receiving, sending);
        if (receiving != null)
        {
            assertFalse(threadNamed(receiving.name()), "the receiving duty thread was left running");
        }
    }

    @Test
    void aDatagramFromAnotherDriverEndsTheReceivingThreadsWait()
    {
        receiving = DutyCycle.start("flashgate-test-rx",
            new SocketWaitIdleStrategy(parkAMinute(), MINUTE_MILLIS, MINUTE_MILLIS));
        receivingDriver = EmbeddedDriver.start(EmbeddedDriver.uniqueDirectory(), receiving, context -> { });
        receiver = receivingDriver.connect();
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
        receiving = DutyCycle.start("flashgate-test-rx",
            new SocketWaitIdleStrategy(parkAMinute(), MINUTE_MILLIS, MINUTE_MILLIS));
        receivingDriver = EmbeddedDriver.start(EmbeddedDriver.uniqueDirectory(), receiving, context -> { });
        receiver = receivingDriver.connect();
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

    /**
     * While the duty thread that runs the sending side's driver idles, the thread that offered a message sends it
     * through the driver itself. Here the duty thread idles until the test ends, whatever signals it: only the
     * offering thread can send.
     */
    @Test
    void theThreadThatOffersAMessageSendsItWhileTheDutyThreadIdles()
    {
        final CountDownLatch idling = new CountDownLatch(1);
        sending = DutyCycle.start("flashgate-test-tx", idleUntilTheTestEnds(idling));
        sendingDriver = EmbeddedDriver.start(EmbeddedDriver.uniqueDirectory(), sending, context -> { });
        sender = sendingDriver.connect();
        receivingDriver = EmbeddedDriver.start();
        receiver = receivingDriver.connect();
        final String channel = "aeron:udp?endpoint=" + FreePorts.udpEndpoint();
        final Subscription subscription = receiver.addSubscription(channel, 11);
        final Publication publication = sender.addPublication(channel, 11);
        Await.until("the sending duty thread idling", DEADLINE, () -> idling.getCount() == 0);
        Await.until("the publication connected through the offering thread's runs of the driver", DEADLINE, () ->
        {
            sending.sendNow();
            return publication.isConnected() && subscription.imageCount() == 1;
        });

        Await.until("the message offered", DEADLINE, () -> publication.offer(new UnsafeBuffer(new byte[32])) > 0);
        sending.sendNow();
        final AtomicInteger received = new AtomicInteger();
        Await.until("the message sent by the offering thread", DEADLINE,
            () -> subscription.poll((buffer, offset, length, header) -> received.incrementAndGet(), 10) >= 0 &&
                received.get() == 1);
    }

    /**
     * Running the driver to send, a thread also takes in what arrived meanwhile (a reply): out of its socket, it no
     * longer ends the duty thread's wait, so the duty thread is woken to poll it. Here the receiving duty thread
     * parks until signalled, and no datagram ends its park.
     */
    @Test
    void whatTheOfferingThreadTakesInStillReachesTheDutyCyclesPoller()
    {
        receiving = DutyCycle.start("flashgate-test-rx", DutyCycle.parkUntilSignalled());
        receivingDriver = EmbeddedDriver.start(EmbeddedDriver.uniqueDirectory(), receiving, context -> { });
        receiver = receivingDriver.connect();
        sendingDriver = EmbeddedDriver.start();
        sender = sendingDriver.connect();
        final String channel = "aeron:udp?endpoint=" + FreePorts.udpEndpoint();
        final Subscription subscription = receiver.addSubscription(channel, 11);
        final AtomicInteger received = new AtomicInteger();
        receiving.add(poller(subscription, received));
        final Publication publication = sender.addPublication(channel, 11);
        Await.until("connected, the receiving driver run by a thread that sends", DEADLINE, () ->
        {
            receiving.sendNow();
            return publication.isConnected() && subscription.imageCount() == 1;
        });

        Await.until("the message offered", DEADLINE, () -> publication.offer(new UnsafeBuffer(new byte[32])) > 0);
        Await.until("the message polled by a duty thread that only the thread running its driver woke", DEADLINE,
            () ->
            {
                receiving.sendNow();
                return received.get() == 1;
            });
    }

    /**
     * An idle strategy whose wait after a cycle without work lasts until the test ends, whatever signals it (counts
     * {@code idling} down as it begins).
     */
    private IdleStrategy idleUntilTheTestEnds(final CountDownLatch idling)
    {
        final CountDownLatch release = new CountDownLatch(1);
        holds.add(release);
        return new IdleStrategy()
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
                idling.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void reset()
            {
            }
        };
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
