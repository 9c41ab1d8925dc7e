package io.flashgate.client.aeron;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.flashgate.protocol.AeronChannels;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one Aeron thread: a media driver in INVOKER mode, a client whose conductor it runs, and pollers, all on it; a
 * signal ends its park; an agent taken out is never run again; a thread that waits for the driver (adding a
 * subscription, on the duty thread or off it) never waits on the duty thread.
 */
class DutyCycleTest
{
    private static final long LONG_PARK_NANOS = TimeUnit.SECONDS.toNanos(30);

    private DutyCycle cycle;
    private MediaDriver driver;
    private Aeron aeron;

    @AfterEach
    void stop()
    {
        if (cycle != null)
        {
            cycle.stopDriver();
        }
        CloseHelper.quietCloseAll(aeron, driver, cycle);
        if (cycle != null)
        {
            assertFalse(threadNamed(cycle.name()), "duty thread left running");
        }
    }

    @Test
    @Timeout(60)
    void oneThreadRunsTheDriverTheClientConductorAndAPollerThatReadsWhatAnotherThreadSent()
    {
        startWithDriver(parkingIdle(TimeUnit.MILLISECONDS.toNanos(1)));
        final Publication publication = aeron.addPublication(AeronChannels.IPC, 7);
        final Subscription subscription = aeron.addSubscription(AeronChannels.IPC, 7);
        final AtomicInteger received = new AtomicInteger();
        final Set<String> pollerThreads = ConcurrentHashMap.newKeySet();
        cycle.add(agent("poller", () ->
        {
            pollerThreads.add(Thread.currentThread().getName());
            return subscription.poll((buffer, offset, length, header) -> received.incrementAndGet(), 10);
        }));
        awaitTrue("IPC connected", publication::isConnected);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < 100; i++)
        {
            while (publication.offer(message, 0, message.capacity()) < 0)
            {
                Thread.onSpinWait();
            }
            cycle.signal();
        }
        awaitTrue("100 messages read", () -> received.get() == 100);
        assertEquals(Set.of("flashgate-test-aeron"), pollerThreads);
        assertSame(cycle, DutyCycle.of(aeron));
        assertTrue(cycle.roleNames().containsAll(java.util.List.of("aeron-driver", "aeron-client-conductor", "poller")),
            cycle.roleNames()::toString);
        // Nobody else runs Aeron: no client conductor thread, no driver thread.
        assertFalse(threadNamed("aeron-client-conductor"), "a client conductor thread");
        assertFalse(Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.isAlive() && t.getName().startsWith(driver.aeronDirectoryName())), "a driver thread");
    }

    @Test
    @Timeout(60)
    void aSubscriptionAddedOnTheDutyThreadItselfDoesNotWaitForIt()
    {
        startWithDriver(parkingIdle(TimeUnit.MILLISECONDS.toNanos(1)));
        final AtomicReference<Subscription> added = new AtomicReference<>();
        final AtomicReference<Throwable> failed = new AtomicReference<>();
        cycle.add(agent("subscriber", () ->
        {
            if (added.get() == null && failed.get() == null)
            {
                try
                {
                    added.set(aeron.addSubscription(AeronChannels.IPC, 8)); // waits for the driver, on its thread
                }
                catch (final RuntimeException ex)
                {
                    failed.set(ex);
                }
            }
            return 0;
        }));
        awaitTrue("subscription added from the duty thread", () -> added.get() != null || failed.get() != null);
        assertNull(failed.get(), () -> "failed: " + failed.get());
        assertNotNull(added.get());
    }

    @Test
    @Timeout(60)
    void aSignalEndsALongParkAtOnce()
    {
        cycle = DutyCycle.start("flashgate-test-aeron", parkingIdle(LONG_PARK_NANOS));
        final AtomicInteger cycles = new AtomicInteger();
        cycle.add(agent("counter", () ->
        {
            cycles.incrementAndGet();
            return 0;
        }));
        awaitTrue("parked", () -> cycles.get() > 0 && parked(cycle.name()));
        final int before = cycles.get();
        final long start = System.nanoTime();
        cycle.signal();
        awaitTrue("woken", () -> cycles.get() > before);
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < TimeUnit.NANOSECONDS.toMillis(LONG_PARK_NANOS) / 3,
            "a signalled park lasted " + millis + " ms");
    }

    @Test
    @Timeout(60)
    void anAgentTakenOutIsNeverRunAgain()
    {
        cycle = DutyCycle.start("flashgate-test-aeron", parkingIdle(TimeUnit.MICROSECONDS.toNanos(100)));
        final AtomicBoolean removed = new AtomicBoolean();
        final AtomicBoolean ranAfterRemoval = new AtomicBoolean();
        final AtomicInteger runs = new AtomicInteger();
        final Agent busy = agent("busy", () ->
        {
            if (removed.get())
            {
                ranAfterRemoval.set(true);
            }
            runs.incrementAndGet();
            return 1;
        });
        cycle.add(busy);
        awaitTrue("running", () -> runs.get() > 100);
        cycle.remove(busy);
        removed.set(true);
        // A marker agent added after the removal: once it has run a few cycles the duty thread has passed the slot
        // of the removed agent several times.
        final AtomicInteger markerRuns = new AtomicInteger();
        cycle.add(agent("marker", () -> markerRuns.incrementAndGet()));
        awaitTrue("marker ran", () -> markerRuns.get() > 10);
        assertFalse(ranAfterRemoval.get(), "the removed agent ran after remove() returned");
        assertFalse(cycle.roleNames().contains("busy"));
    }

    @Test
    @Timeout(60)
    void anInboundAgentRunsAfterTheDriverAndBeforeTheAgentsAddedEarlier()
    {
        startWithDriver(parkingIdle(TimeUnit.MICROSECONDS.toNanos(100)));
        final java.util.List<String> ran = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        cycle.add(agent("stage", () -> ran.add("stage") ? 0 : 0));
        cycle.add(agent("egress", () -> ran.add("egress") ? 0 : 0));
        cycle.addInbound(agent("ingress", () -> ran.add("ingress") ? 0 : 0));
        assertEquals(java.util.List.of("aeron-driver", "aeron-client-conductor", "ingress", "stage", "egress"),
            cycle.roleNames());
        // What the ingress takes in passes the stages and the egress in the same cycle.
        awaitTrue("a few cycles", () -> ran.size() > 30);
        final java.util.List<String> seen;
        synchronized (ran)
        {
            seen = java.util.List.copyOf(ran);
        }
        final int first = seen.indexOf("ingress");
        for (int i = first; i + 2 < seen.size(); i += 3)
        {
            assertEquals(java.util.List.of("ingress", "stage", "egress"), seen.subList(i, i + 3), seen::toString);
        }
    }

    /**
     * The driver's passes in one cycle: a pass that read a burst's worth is followed by another, up to the limit; a
     * pass that read a small datagram, or nothing, is the last. The "driver" here is an agent that reads the next of
     * a list of datagram sizes per pass, as Aeron's receiver reads one datagram per socket per pass.
     */
    @Test
    void theDriverRunsAgainWhileDatagramsComeFullAndStopsAtASmallOne()
    {
        final java.util.ArrayDeque<Integer> socket = new java.util.ArrayDeque<>(
            java.util.List.of(1408, 1408, 1408, 120, 1408));
        final AtomicLong received = new AtomicLong();
        final AtomicInteger passes = new AtomicInteger();
        final org.agrona.concurrent.AgentInvoker receiver = receiverOf(socket, received, passes);

        assertEquals(4, DutyCycle.driverPasses(receiver, received::get, 704, 8), "the work of every pass");
        assertEquals(4, passes.get(), "three full datagrams, then the small one ends the cycle's passes");
        assertEquals(3 * 1408 + 120, received.get());

        passes.set(0);
        DutyCycle.driverPasses(receiver, received::get, 704, 8);
        assertEquals(2, passes.get(), "a full datagram, then an empty socket");

        passes.set(0);
        socket.addAll(java.util.Collections.nCopies(20, 1408));
        DutyCycle.driverPasses(receiver, received::get, 704, 8);
        assertEquals(8, passes.get(), "a long burst: at most the limit in one cycle");
        assertEquals(12, socket.size(), "the rest stays for the next cycle");
    }

    private static org.agrona.concurrent.AgentInvoker receiverOf(final java.util.Queue<Integer> socket,
        final AtomicLong received, final AtomicInteger passes)
    {
        final org.agrona.concurrent.AgentInvoker invoker = new org.agrona.concurrent.AgentInvoker(
            Throwable::printStackTrace, null, new Agent()
            {
                @Override
                public int doWork()
                {
                    passes.incrementAndGet();
                    final Integer datagram = socket.poll();
                    if (datagram == null)
                    {
                        return 0;
                    }
                    received.addAndGet(datagram);
                    return 1;
                }

                @Override
                public String roleName()
                {
                    return "receiver";
                }
            });
        invoker.start();
        return invoker;
    }

    private void startWithDriver(final org.agrona.concurrent.IdleStrategy idle)
    {
        cycle = DutyCycle.start("flashgate-test-aeron", idle);
        final String directory = new File(System.getProperty("java.io.tmpdir"),
            "flashgate-duty-" + UUID.randomUUID()).getPath();
        driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(directory)
            .threadingMode(ThreadingMode.INVOKER).asyncExecutorEnabled(false)
            .dirDeleteOnStart(true).dirDeleteOnShutdown(true).termBufferSparseFile(true)
            .ipcTermBufferLength(64 * 1024));
        cycle.runDriver(driver.sharedAgentInvoker(),
            driver.context().systemCounters().get(SystemCounterDescriptor.BYTES_RECEIVED)::get, 704);
        aeron = cycle.connect(new Aeron.Context().aeronDirectoryName(directory));
    }

    /** Parks for {@code nanos} whenever a cycle found no work: nothing but a signal ends it early. */
    private static org.agrona.concurrent.IdleStrategy parkingIdle(final long nanos)
    {
        return new org.agrona.concurrent.IdleStrategy()
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
                LockSupport.parkNanos(nanos);
            }

            @Override
            public void reset()
            {
            }
        };
    }

    private static Agent agent(final String role, final java.util.function.IntSupplier work)
    {
        return new Agent()
        {
            @Override
            public int doWork()
            {
                return work.getAsInt();
            }

            @Override
            public String roleName()
            {
                return role;
            }
        };
    }

    private static boolean threadNamed(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().equals(name));
    }

    private static boolean parked(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.getName().equals(name) && t.getState() == Thread.State.TIMED_WAITING);
    }

    private static void awaitTrue(final String what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
