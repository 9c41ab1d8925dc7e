package io.flashgate.engine.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.flashgate.protocol.AeronChannels;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.protocol.BatchReader;
import io.flashgate.protocol.BatchWriter;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reply;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The engine's Aeron side with a real embedded driver and a raw Aeron "edge" on IPC (the edge module tests the gateway). */
class EngineTransportTest
{
    static final int SOURCE = 7;
    static final long T0 = System.currentTimeMillis();

    @TempDir
    Path dataDir;

    private EmbeddedDriver driver;
    private Aeron aeron;
    private EngineTransport transport;
    private Engine engine;
    private ExclusivePublication commands;
    private Subscription events;
    private int messagesReceived;
    /** The disk under the engine's journal: the real one unless a test fails it. */
    private io.flashgate.journal.JournalIo disk = io.flashgate.journal.JournalIo.REAL;

    @AfterEach
    void closeEverything()
    {
        CloseHelper.quietCloseAll(commands, events, transport, engine, aeron, driver);
        assertNoTransportThreads();
        if (driver != null)
        {
            assertFalse(new File(driver.aeronDirectory()).exists(), "driver folder left behind");
        }
    }

    static void assertNoTransportThreads()
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.isAlive() && thread.getName().startsWith("flashgate-ingress"))
            {
                fail("thread left running: " + thread.getName());
            }
        }
    }

    static void await(final BooleanSupplier condition, final Duration timeout, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    private void start(final EngineConfig engineConfig, final TransportConfig config,
        final java.util.function.Consumer<io.aeron.driver.MediaDriver.Context> driverSettings) throws Exception
    {
        driver = EmbeddedDriver.start(EmbeddedDriver.uniqueDirectory(), driverSettings);
        aeron = driver.connect();
        transport = EngineTransport.open(aeron, config);
        engine = Engine.start(engineConfig, transport.egressSink(), org.agrona.concurrent.SystemEpochClock.INSTANCE,
            disk, driver.dutyCycle());
        transport.start(engine);
        // The egress is an agent of the Aeron duty cycle, as the launcher's engines have it (EngineTransport#egressHost).
        assertTrue(driver.dutyCycle().roleNames().contains("flashgate-egress"), driver.dutyCycle().roleNames()::toString);
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(thread -> thread.isAlive() &&
            thread.getName().equals("flashgate-egress")), "an egress thread beside the duty cycle's agent");
        commands = aeron.addExclusivePublication(config.ingressChannel(), config.ingressStreamId());
        events = aeron.addSubscription(config.egressChannel(), config.egressStreamId());
        await(() -> commands.isConnected() && events.isConnected(), Duration.ofSeconds(10), "IPC connected");
    }

    private EngineConfig engineConfig()
    {
        return EngineConfig.defaults(dataDir).withTickIntervalMillis(0).withSnapshotEveryCommands(0);
    }

    /**
     * Offers one command as a message of one frame, with retry (this raw test edge is allowed to wait; the real
     * gateway never does).
     */
    private void send(final UnsafeBuffer buffer, final int length) throws InterruptedException
    {
        final BatchWriter message = new BatchWriter(new UnsafeBuffer(new byte[1024]), 1024);
        assertTrue(message.append(buffer, 0, length));
        sendMessage(message);
    }

    private void sendMessage(final BatchWriter message) throws InterruptedException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (commands.offer(message.buffer(), 0, message.length()) < 0)
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("ingress never took the command");
            }
            Thread.onSpinWait();
        }
    }

    /** Polls events until {@code count} replies for SOURCE have arrived; returns them by correlation id. */
    private Map<Long, Reply> receive(final int count, final Duration timeout) throws InterruptedException
    {
        final Map<Long, Reply> replies = receiveWithin(count, timeout);
        if (replies.size() < count)
        {
            fail("got " + replies.size() + " of " + count + " replies");
        }
        return replies;
    }

    /** The test edge reads, and throws away, every event published so far. */
    private void readEverythingPublished()
    {
        while (events.poll((b, o, l, h) -> { }, 1024) > 0)
        {
            Thread.onSpinWait();
        }
    }

    /** Up to {@code count} replies to this test edge, whatever came by the deadline. */
    private Map<Long, Reply> receiveWithin(final int count, final Duration timeout) throws InterruptedException
    {
        final Map<Long, Reply> replies = new HashMap<>();
        final EventDecoder decoder = new EventDecoder();
        final BatchReader frames = new BatchReader();
        final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, header) ->
        {
            frames.wrap(buffer, offset, length);
            while (frames.next())
            {
                assertEquals(null, decoder.wrapAndValidate(buffer, frames.frameOffset(), frames.frameLength()));
                if (!MessageTypes.isBroadcast(decoder.type()) && decoder.sourceId() == SOURCE)
                {
                    final Reply previous = replies.put(decoder.correlationId(), Reply.decode(decoder));
                    assertEquals(null, previous, "two replies for one command");
                }
            }
            assertFalse(frames.isTorn(), "the engine wrote a torn message");
            messagesReceived++;
        });
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (replies.size() < count)
        {
            if (events.poll(assembler, 256) == 0)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    break;
                }
                Thread.sleep(1);
            }
        }
        return replies;
    }

    @Test
    @Timeout(60)
    void commandsOnIngressAreAnsweredOnEgressWithTheirCorrelationIds() throws Exception
    {
        start(engineConfig(), TransportConfig.ipc(null), context -> { });
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
        send(buffer, encoder.createSale(SOURCE, 1, "flash", 3, 1, T0 - 1000, T0 + 600_000, 30));
        for (int i = 0; i < 5; i++)
        {
            send(buffer, encoder.purchase(SOURCE, 100 + i, "flash", "user" + i, "k", 1));
        }
        send(buffer, encoder.purchase(SOURCE, 200, "flash", "user0", "k", 1)); // retry: the original order

        final Map<Long, Reply> replies = receive(7, Duration.ofSeconds(20));
        assertInstanceOf(Reply.Sale.class, replies.get(1L));
        int sold = 0;
        for (int i = 0; i < 5; i++)
        {
            if (replies.get(100L + i) instanceof Reply.Order order && order.isNew())
            {
                sold++;
            }
        }
        assertEquals(3, sold, replies.toString());
        final Reply.Order original = (Reply.Order)replies.get(100L);
        final Reply.Order retried = (Reply.Order)replies.get(200L);
        assertEquals(MessageTypes.ORDER_REPLAYED, retried.type());
        assertEquals(original.orderId(), retried.orderId());
        // The ingress counts a message once its offer returns, which may be after the reply is read here.
        io.flashgate.testsupport.Await.until(() -> "ingress counted " + transport.commandsReceived() + " of 7",
            Duration.ofSeconds(10), () -> transport.commandsReceived() == 7);
        assertEquals(0, transport.egressDropped());
        assertTrue(transport.isEgressConnected());
        assertEquals(1, transport.ingressImageCount());
    }

    @Test
    @Timeout(60)
    void aMessageOfManyCommandsIsSplitIntoRingEntriesAndTheirRepliesShareMessages() throws Exception
    {
        start(engineConfig(), TransportConfig.ipc(null), context -> { });
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
        final BatchWriter message = new BatchWriter(new UnsafeBuffer(new byte[1024]), 1024);
        int count = 0;
        while (message.append(buffer, 0, encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, count + 1, "nope")))
        {
            count++;
        }
        assertTrue(count >= 20, count + " commands in one message");
        sendMessage(message);

        final Map<Long, Reply> replies = receive(count, Duration.ofSeconds(20));
        for (long i = 1; i <= count; i++)
        {
            assertInstanceOf(Reply.Rejected.class, replies.get(i), "command " + i);
        }
        // Ingress and egress count a message once their offer returns, which may be after the reply is read here.
        final int commands = count;
        io.flashgate.testsupport.Await.until(() -> "ingress counted " + transport.commandsReceived() + " of " + commands +
            " commands in " + transport.ingressMessages() + " messages; egress " + transport.egressPublished() +
            " events in " + transport.egressMessages() + " messages", Duration.ofSeconds(10),
            () -> transport.commandsReceived() == commands && transport.ingressMessages() == 1 &&
                transport.egressPublished() == commands && transport.egressMessages() == messagesReceived);
        assertTrue(messagesReceived < count, "each reply in a message of its own: " + messagesReceived);
    }

    @Test
    @Timeout(60)
    void aTornMessageIsDroppedWholeAndTheNextIsTakenWhole() throws Exception
    {
        start(engineConfig(), TransportConfig.ipc(null), context -> { });
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
        final BatchWriter torn = new BatchWriter(new UnsafeBuffer(new byte[1024]), 1024);
        for (int i = 1; i <= 3; i++)
        {
            assertTrue(torn.append(buffer, 0, encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, i, "nope")));
        }
        torn.buffer().putInt(2 * (torn.length() / 3), 10_000); // the third frame claims more than is left
        sendMessage(torn);
        await(() -> transport.ingressMalformed() == 1, Duration.ofSeconds(10), "the torn message refused");

        final BatchWriter whole = new BatchWriter(new UnsafeBuffer(new byte[1024]), 1024);
        for (int i = 4; i <= 6; i++)
        {
            assertTrue(whole.append(buffer, 0, encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, i, "nope")));
        }
        sendMessage(whole);
        final Map<Long, Reply> replies = receive(3, Duration.ofSeconds(20));
        assertEquals(java.util.Set.of(4L, 5L, 6L), replies.keySet(), "none of the torn message's commands ran");
        io.flashgate.testsupport.Await.until(() -> "ingress counted " + transport.commandsReceived() + " of 3",
            Duration.ofSeconds(10), () -> transport.commandsReceived() == 3);
        assertEquals(1, transport.ingressMalformed());
    }

    @Test
    @Timeout(60)
    void aFullRingAbortsFragmentsSoIngressPushesBackAndNothingIsLost() throws Exception
    {
        // A 4-slot ring is full almost all the time: the poller must ABORT and redeliver, never drop.
        start(engineConfig().withRingSize(4), TransportConfig.ipc(null), context -> { });
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
        final int count = 3000;
        for (int i = 1; i <= count; i++)
        {
            send(buffer, encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, i, "nope"));
        }
        final Map<Long, Reply> replies = receive(count, Duration.ofSeconds(40));
        assertEquals(count, replies.size());
        for (long i = 1; i <= count; i++)
        {
            assertInstanceOf(Reply.Rejected.class, replies.get(i), "command " + i);
        }
        final int commands = count;
        io.flashgate.testsupport.Await.until(() -> "ingress counted " + transport.commandsReceived() + " of " + commands,
            Duration.ofSeconds(10), () -> transport.commandsReceived() == commands);
        assertTrue(transport.ingressAborts() > 0, "the ring never filled: the test proves nothing");
    }

    @Test
    @Timeout(60)
    void aStalledSubscriberMakesTheSinkDropAfterABoundedRetryInsteadOfStallingTheEngine() throws Exception
    {
        // 64 KB terms: the IPC window is 32 KB, a few hundred events. The test edge stops reading events.
        final TransportConfig config = TransportConfig.ipc(null).withEgressRetry(Duration.ofMillis(2));
        start(engineConfig(), config, context -> context.ipcTermBufferLength(64 * 1024));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
        final int count = 2000;
        final long started = System.nanoTime();
        for (int i = 1; i <= count; i++)
        {
            send(buffer, encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, i, "nope"));
        }
        await(() -> transport.egressPublished() + transport.egressDropped() == count, Duration.ofSeconds(30),
            "every event published or dropped");
        final long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(transport.egressDropped() > 0, "the window never filled: the test proves nothing");
        assertTrue(transport.egressPublished() > 0);
        // Each drop waits at most ~2 ms: 2000 events cannot take anywhere near 2000 × 20 ms.
        assertTrue(elapsedMs < 20_000, "sink waited too long: " + elapsedMs + " ms");

        // The engine still serves once the subscriber reads again.
        readEverythingPublished();
        // The driver raises the publication's limit on its next duty cycle after the subscriber reads, and it may be
        // parked up to its idle maximum (16 ms) while this sink retries only 2 ms: a reply in that moment is dropped
        // like any back-pressured one, and the edge's retry gets through. So: served within a few retries ...
        Reply served = null;
        int attempts = 0;
        while (served == null && attempts < 50)
        {
            final long correlationId = 90_000L + attempts++;
            send(buffer, encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, correlationId, "nope"));
            served = receiveWithin(1, Duration.ofMillis(200)).get(correlationId);
        }
        assertInstanceOf(Reply.Rejected.class, served, "the engine serves again once the subscriber reads");
        // ... and from then on nothing is dropped. A retry this loop stopped waiting for (a loaded machine can take
        // longer than 200 ms) may still be on its way: count from the moment every command sent so far has had its
        // one event, published or dropped, and the test edge has read what was published.
        final long sent = count + attempts;
        await(() -> transport.egressPublished() + transport.egressDropped() == sent, Duration.ofSeconds(10),
            "an event for every command sent so far");
        readEverythingPublished();
        final long before = transport.egressPublished();
        final long droppedBefore = transport.egressDropped();
        send(buffer, encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, 99_999, "nope"));
        final Map<Long, Reply> replies = receive(1, Duration.ofSeconds(10));
        assertInstanceOf(Reply.Rejected.class, replies.get(99_999L), "the one reply read is " + replies);
        // The sink counts a publication after offer() returns, which can be after the subscriber has read it.
        await(() -> transport.egressPublished() == before + 1, Duration.ofSeconds(10), "the reply counted as published");
        assertEquals(0, transport.egressDropped() - droppedBefore, "nothing dropped once the subscriber reads");
    }

    @Test
    @Timeout(60)
    void withNoEdgeSubscribedEventsAreDroppedAndCountedAtOnce() throws Exception
    {
        start(engineConfig(), TransportConfig.ipc(null), context -> { });
        events.close();
        await(() -> !transport.isEgressConnected(), Duration.ofSeconds(10), "egress disconnected");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
        for (int i = 1; i <= 10; i++)
        {
            send(buffer, encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, i, "nope"));
        }
        await(() -> transport.egressDropped() == 10, Duration.ofSeconds(10), "10 drops");
        assertEquals(0, transport.egressPublished());
    }

    @Test
    @Timeout(60)
    void closeStopsTheTransportButLeavesTheEngineToWhoeverStartedIt() throws Exception
    {
        driver = EmbeddedDriver.start();
        final String folder = driver.aeronDirectory();
        assertTrue(new File(folder).isDirectory());
        final Aeron engineClient = driver.connect();
        transport = EngineTransport.open(engineClient, TransportConfig.ipc(folder));
        assertEquals(driver.dutyCycle(), transport.egressHost(), "over IPC too the stages may be agents of the cycle");
        engine = Engine.start(engineConfig(), transport.egressSink());
        transport.start(engine);
        // On a client of the driver's duty cycle the ingress poller is an agent of that thread, not a thread.
        assertTrue(driver.dutyCycle().roleNames().contains("flashgate-ingress"), driver.dutyCycle().roleNames()::toString);
        aeron = driver.connect();
        commands = aeron.addExclusivePublication(AeronChannels.IPC, AeronChannels.INGRESS_STREAM_ID);
        events = aeron.addSubscription(AeronChannels.IPC, AeronChannels.EGRESS_STREAM_ID);
        await(() -> commands.isConnected() && events.isConnected(), Duration.ofSeconds(10), "IPC connected");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final int length = new CommandEncoder().wrap(buffer, 0).saleCommand(MessageTypes.QUERY_SALE, SOURCE, 1, "x");
        send(buffer, length);
        assertInstanceOf(Reply.Rejected.class, receive(1, Duration.ofSeconds(10)).get(1L));

        transport.close();
        assertNoTransportThreads();
        assertFalse(driver.dutyCycle().roleNames().contains("flashgate-ingress"), "ingress still polled after close");
        await(() -> !commands.isConnected(), Duration.ofSeconds(10), "ingress subscription gone");
        // The engine is not the transport's: it still takes commands until its owner closes it.
        assertTrue(engine.offer(buffer, 0, length));
        engine.close();
        assertFalse(engine.offer(buffer, 0, length));
        engine = null;
        engineClient.close();

        CloseHelper.quietCloseAll(commands, events, aeron);
        commands = null;
        events = null;
        aeron = null;
        driver.close();
        assertFalse(new File(folder).exists(), "driver folder left behind");
    }

    @Test
    @Timeout(60)
    void aFullRingCountsAsWorkForTheIngressIdleStrategy() throws Exception
    {
        // The journal stalls, so a 4-slot ring fills and stays full.
        final java.util.concurrent.CountDownLatch stall = new java.util.concurrent.CountDownLatch(1);
        disk = new io.flashgate.journal.JournalIo()
        {
            @Override
            public void beforeWrite(final Path file) throws java.io.IOException
            {
                try
                {
                    stall.await();
                }
                catch (final InterruptedException ex)
                {
                    throw new java.io.InterruptedIOException();
                }
            }
        };
        // The journaller on a thread of its own: as an agent of the Aeron thread, its stalled write would hold that
        // thread, and with it the private stream below.
        start(engineConfig().withRingSize(4).withStageLayout(io.flashgate.config.StageLayout.OWN_THREADS),
            TransportConfig.ipc(null), context -> { });
        try
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
            final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
            final int length = encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, 1, "nope");
            await(() -> !engine.offer(buffer, 0, length), Duration.ofSeconds(10), "the ring full");
            // A poller of our own on a private stream, driven by hand: the transport's thread never sees it.
            final io.aeron.Subscription privateIngress = aeron.addSubscription("aeron:ipc", 4242);
            final io.aeron.ExclusivePublication privateCommands = aeron.addExclusivePublication("aeron:ipc", 4242);
            await(privateCommands::isConnected, Duration.ofSeconds(10), "private stream connected");
            final IngressPoller poller = new IngressPoller(privateIngress, engine, 10,
                new FaultAnswers(engine, (EgressPublisher)transport.egressSink()),
                new RefusalAnswers(engine, (EgressPublisher)transport.egressSink()));
            final BatchWriter message = new BatchWriter(new UnsafeBuffer(new byte[1024]), 1024);
            assertTrue(message.append(buffer, 0, length));
            await(() -> privateCommands.offer(message.buffer(), 0, message.length()) > 0, Duration.ofSeconds(10),
                "message offered");
            int work = 0;
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (poller.aborts.get() == 0 && System.nanoTime() < deadline)
            {
                work = poller.doWork();
            }
            assertTrue(poller.aborts.get() > 0, "the poller never met the full ring");
            // Aeron counts no ABORTed fragment; counting it as no work would deepen the poller's parks (up to 16 ms)
            // while back-pressured, and it would sleep on after the ring drains.
            assertTrue(work > 0, "a full ring is work waiting, not silence");
            privateIngress.close();
            privateCommands.close();
        }
        finally
        {
            stall.countDown();
        }
    }

    @Test
    @Timeout(60)
    void aFaultedEngineAnswersEveryCommandWithEngineFaultAndTellsEveryEdgeOnce() throws Exception
    {
        final java.util.concurrent.atomic.AtomicBoolean diskFull = new java.util.concurrent.atomic.AtomicBoolean();
        disk = new io.flashgate.journal.JournalIo()
        {
            @Override
            public void beforeWrite(final Path file) throws java.io.IOException
            {
                if (diskFull.get())
                {
                    throw new java.io.IOException("No space left on device (injected)");
                }
            }
        };
        final TransportConfig config = TransportConfig.ipc(null);
        start(engineConfig(), config, context -> { });
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
        send(buffer, encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, 1, "nope"));
        assertInstanceOf(Reply.Rejected.class, receive(1, Duration.ofSeconds(10)).get(1L));

        diskFull.set(true);
        send(buffer, encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, 2, "nope")); // in the batch that fails
        await(() -> engine.fault() != null, Duration.ofSeconds(10), "the fault");
        send(buffer, encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, 3, "nope"));
        send(buffer, encoder.saleCommand(MessageTypes.QUERY_SALE, SOURCE, 4, "nope"));

        // Answers to 3 and 4, the one notice to every edge (source 0, correlation 0), and never an answer to 2.
        final Map<String, Reply> seen = new HashMap<>();
        final EventDecoder decoder = new EventDecoder();
        final BatchReader frames = new BatchReader();
        final FragmentAssembler assembler = new FragmentAssembler((b, o, l, h) ->
        {
            frames.wrap(b, o, l);
            while (frames.next())
            {
                assertEquals(null, decoder.wrapAndValidate(b, frames.frameOffset(), frames.frameLength()));
                assertEquals(null, seen.put(decoder.sourceId() + "/" + decoder.correlationId(), Reply.decode(decoder)),
                    "two answers for one command, or two notices");
            }
        });
        final long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (System.nanoTime() - until < 0 || seen.size() < 3)
        {
            if (events.poll(assembler, 256) == 0)
            {
                assertTrue(System.nanoTime() - until < Duration.ofSeconds(10).toNanos(), "only " + seen);
                Thread.sleep(1);
            }
        }
        final Reply faulted = Reply.Rejected.of(io.flashgate.protocol.Reason.ENGINE_FAULT);
        assertEquals(Map.of(SOURCE + "/3", faulted, SOURCE + "/4", faulted, "0/0", faulted), seen);
        assertTrue(engine.stats().releasedSequence() <= engine.fault().durableSequence());
    }
}
