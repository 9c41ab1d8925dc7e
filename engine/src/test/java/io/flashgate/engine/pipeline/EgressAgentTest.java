package io.flashgate.engine.pipeline;

import io.flashgate.config.StageLayout;
import io.flashgate.client.aeron.DutyCycle;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.MessageHeader;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.testsupport.Await;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The egress as an agent of a caller's duty cycle ({@link StageAgent}): every result leaves on that cycle's thread,
 * none is lost between two producers and the parked cycle, close releases what was offered before it returns, a
 * sink without room makes the egress come back later instead of blocking the cycle, and a stage that throws stops
 * once (fail-stop, as a stage thread) while the cycle goes on.
 */
@Timeout(60)
class EgressAgentTest
{
    private static final int SOURCE = 7;

    @TempDir
    Path dataDir;

    /**
     * With the journaller and the logic on threads of their own, they wake the cycle for the egress; on the cycle
     * (AERON_THREAD), the producers' publish wakes it for all three. Either way no wake-up may be lost.
     */
    @ParameterizedTest
    @EnumSource(StageLayout.class)
    void everyResultLeavesOnTheDutyCycleAndCloseReleasesWhatWasOffered(final StageLayout layout) throws Exception
    {
        final int perProducer = 20_000;
        final CountingSink sink = new CountingSink();
        try (DutyCycle cycle = DutyCycle.start("test-duty-cycle", DutyCycle.parkUntilSignalled()))
        {
            final Engine engine = Engine.start(EngineTest.config(dataDir).withRingSize(256).withStageLayout(layout),
                sink, org.agrona.concurrent.SystemEpochClock.INSTANCE, io.flashgate.journal.JournalIo.REAL, cycle);
            assertEquals(layout == StageLayout.AERON_THREAD ?
                List.of("flashgate-journaller", "flashgate-logic", "flashgate-egress") : List.of("flashgate-egress"),
                cycle.roleNames(), "the stages that are agents of the cycle");
            // The cycle parks with no timeout: a wake-up lost between the stages and the agent leaves it parked.
            offerFromTwoProducers(engine, 1, perProducer);
            Await.until(() -> "replies " + sink.events.get() + " of " + 2 * perProducer, Duration.ofSeconds(20),
                () -> sink.events.get() == 2 * perProducer);

            // Results still held when close begins (the sink has no room) must leave before close returns.
            sink.room = false;
            offerFromTwoProducers(engine, 1 + 2L * perProducer, 100);
            final Thread closing = new Thread(engine::close, "closing");
            closing.start();
            Await.until("close waiting for the egress to release what it holds", Duration.ofSeconds(10),
                () -> java.util.Arrays.stream(closing.getStackTrace())
                    .anyMatch(frame -> frame.getMethodName().equals("stopStageAgents")) &&
                    closing.getState() == Thread.State.TIMED_WAITING);
            sink.room = true;
            closing.join();

            assertEquals(2 * perProducer + 200, sink.replies.cardinality(), "every offered command answered once");
            assertEquals(2 * perProducer + 200, sink.events.get(), "no reply twice");
            assertEquals(0, sink.offCycle.get(), "results released on another thread than the duty cycle's");
            assertFalse(cycle.roleNames().contains("flashgate-egress"), "the egress left its cycle on close");
            assertFalse(cycle.isStopped(), "the caller's cycle is the caller's to stop");
        }
    }

    /**
     * AERON_THREAD gives way where the Aeron thread must not carry the journal or the logic: a device flush per batch
     * (FSYNC) would stall every socket, and a spinning wait was chosen for cores to spare.
     */
    @Test
    void anFsyncJournalOrASpinningWaitKeepsTheJournallerAndTheLogicOnThreadsOfTheirOwn() throws Exception
    {
        for (final EngineConfig config : List.of(
            EngineTest.config(dataDir.resolve("fsync")).withFlushPolicy(io.flashgate.journal.FlushPolicy.FSYNC),
            EngineTest.config(dataDir.resolve("spin")).withWaitChoice(io.flashgate.config.WaitChoice.SPIN_THEN_PARK)))
        {
            assertEquals(StageLayout.AERON_THREAD, config.stageLayout(), "the default layout");
            try (DutyCycle cycle = DutyCycle.start("test-duty-cycle", DutyCycle.parkUntilSignalled());
                Engine engine = Engine.start(config, new CountingSink(), org.agrona.concurrent.SystemEpochClock.INSTANCE,
                    io.flashgate.journal.JournalIo.REAL, cycle))
            {
                assertEquals(List.of("flashgate-egress"), cycle.roleNames(), config.toString());
                assertTrue(engine.stageThreads().containsAll(List.of("flashgate-journaller", "flashgate-logic")),
                    engine.stageThreads()::toString);
            }
        }
    }

    @Test
    void aSinkWithoutRoomIsAskedAgainInALaterCycleWhileTheCycleGoesOn() throws Exception
    {
        final CountingSink sink = new CountingSink();
        sink.room = false;
        final AtomicLong otherAgentCycles = new AtomicLong();
        final Agent other = countingAgent(otherAgentCycles);
        try (DutyCycle cycle = DutyCycle.start("test-duty-cycle",
            new org.agrona.concurrent.SleepingIdleStrategy(Duration.ofMillis(1).toNanos())))
        {
            cycle.add(other);
            try (Engine engine = Engine.start(EngineTest.config(dataDir), sink,
                org.agrona.concurrent.SystemEpochClock.INSTANCE, io.flashgate.journal.JournalIo.REAL, cycle))
            {
                offerQueries(engine, 1, 100);
                Await.until("the commands durable", Duration.ofSeconds(10), () -> engine.durableSequence() >= 100);
                final long before = otherAgentCycles.get();
                Await.until("the duty cycle going round while the sink has no room", Duration.ofSeconds(10),
                    () -> otherAgentCycles.get() > before + 50);
                assertEquals(0, sink.events.get(), "released although the sink had no room");
                assertTrue(sink.roomAsked.get() > 0, "the egress never asked the sink for room");

                sink.room = true;
                Await.until(() -> "replies " + sink.events.get() + " of 100", Duration.ofSeconds(10),
                    () -> sink.events.get() == 100);
                assertEquals(100, sink.replies.cardinality());
            }
        }
    }

    @Test
    void aPairsEgressOnAThreadOfItsOwnIsWokenByItsReplicatorOnAnother() throws Exception
    {
        // No duty cycle given: the replicator and the egress each park on a thread of their own, with no timeout. A
        // command whose replicator passes last must still wake the egress: lock-step, one command at a time.
        final CountingSink sink = new CountingSink();
        final java.util.concurrent.atomic.AtomicLong replicated = new java.util.concurrent.atomic.AtomicLong();
        final ReplicationStage slowReplicator = new ReplicationStage()
        {
            @Override
            public void onCommand(final DirectBuffer command, final int length, final long sequence,
                final boolean endOfBatch)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000); // last to pass, most of the time
                replicated.set(sequence);
            }

            @Override
            public long releasableUpTo()
            {
                return Long.MAX_VALUE; // releasing alone: the egress waits for the replicator's progress only
            }
        };
        try (Engine engine = Engine.startPaired(EngineTest.config(dataDir), sink, PairView.SOLO, slowReplicator))
        {
            for (int i = 1; i <= 300; i++)
            {
                offerQueries(engine, i, 1);
                final int answered = i;
                Await.until(() -> "reply " + answered + " (replicated " + replicated.get() + ")",
                    Duration.ofSeconds(10), () -> sink.events.get() == answered);
            }
        }
    }

    @Test
    void aStageThatThrowsStopsOnceAndTheCycleGoesOn() throws Exception
    {
        final AtomicInteger errors = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();
        final EventSink failing = (buffer, offset, length) ->
        {
            released.incrementAndGet();
            throw new IllegalStateException("a sink bug");
        };
        final AtomicLong otherAgentCycles = new AtomicLong();
        try (DutyCycle cycle = DutyCycle.start("test-duty-cycle",
            new org.agrona.concurrent.SleepingIdleStrategy(Duration.ofMillis(1).toNanos()), ex -> errors.incrementAndGet()))
        {
            cycle.add(countingAgent(otherAgentCycles));
            final Engine engine = Engine.start(EngineTest.config(dataDir), failing,
                org.agrona.concurrent.SystemEpochClock.INSTANCE, io.flashgate.journal.JournalIo.REAL, cycle);
            offerQueries(engine, 1, 10);
            Await.until("the failure reported", Duration.ofSeconds(10), () -> errors.get() >= 1);
            final long before = otherAgentCycles.get();
            Await.until("the duty cycle going round after the failure", Duration.ofSeconds(10),
                () -> otherAgentCycles.get() > before + 50);
            // Fail-stop, as a stage thread ends on its first exception: reported once, never offered the event again.
            assertEquals(1, errors.get(), "the failing event was offered again");
            assertEquals(1, released.get());
            engine.close(); // returns: a stopped stage has nothing more to pass
            assertFalse(cycle.roleNames().contains("flashgate-egress"));
        }
    }

    private static Agent countingAgent(final AtomicLong cycles)
    {
        return new Agent()
        {
            @Override
            public int doWork()
            {
                cycles.incrementAndGet();
                return 0;
            }

            @Override
            public String roleName()
            {
                return "another-agent";
            }
        };
    }

    private static void offerFromTwoProducers(final Engine engine, final long firstCorrelation, final int perProducer)
        throws InterruptedException
    {
        final Thread[] producers = new Thread[2];
        final java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        for (int p = 0; p < producers.length; p++)
        {
            final long first = firstCorrelation + (long)p * perProducer;
            producers[p] = new Thread(() -> offerQueries(engine, first, perProducer));
            producers[p].setUncaughtExceptionHandler((thread, ex) -> failed.compareAndSet(null, ex));
            producers[p].start();
        }
        for (final Thread producer : producers)
        {
            producer.join();
        }
        if (failed.get() != null)
        {
            throw new AssertionError(failed.get().getMessage(), failed.get());
        }
    }

    private static void offerQueries(final Engine engine, final long firstCorrelation, final int count)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final CommandEncoder encoder = new CommandEncoder();
        for (long correlation = firstCorrelation; correlation < firstCorrelation + count; correlation++)
        {
            final int length = encoder.wrap(buffer, 0).saleCommand(MessageTypes.QUERY_SALE, SOURCE, correlation, "none");
            if (!engine.offer(buffer, 0, length))
            {
                // A full ring: the test's producer waits for room (an edge answers 503), which comes as results leave.
                Await.until("room in the ring: results leaving", Duration.ofSeconds(20),
                    () -> engine.offer(buffer, 0, length));
            }
        }
    }

    /** Counts replies by correlation id, and any event released on a thread other than the duty cycle's. */
    private static final class CountingSink implements EventSink
    {
        final BitSet replies = new BitSet();
        final AtomicInteger events = new AtomicInteger();
        final AtomicInteger offCycle = new AtomicInteger();
        final AtomicInteger roomAsked = new AtomicInteger();
        volatile boolean room = true;

        @Override
        public void onEvent(final DirectBuffer buffer, final int offset, final int length)
        {
            if (!Thread.currentThread().getName().equals("test-duty-cycle"))
            {
                offCycle.incrementAndGet();
            }
            if (MessageHeader.typeOf(buffer, offset) == MessageTypes.REJECTED)
            {
                replies.set((int)MessageHeader.correlationIdOf(buffer, offset));
            }
            events.incrementAndGet();
        }

        @Override
        public boolean hasRoomFor(final int eventBytes)
        {
            roomAsked.incrementAndGet();
            return room;
        }
    }
}
