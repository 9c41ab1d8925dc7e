package io.flashgate.engine.pipeline;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.flashgate.testsupport.Await;
import io.flashgate.testsupport.ThreadActivity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default wait strategy in the engine's shape: two stages in parallel, then one gated on both. Every event
 * reaches every stage in order; a stage without work sleeps until signalled (no CPU, no wake-ups), checked by the
 * kernel's count of each thread's sleeps; and the same checks fail for strategies that spin or nap.
 */
@Timeout(60)
class ParkingWaitStrategyTest
{
    /** Wake-ups a stage without work may have in a second: none are due; a few for a loaded machine's noise. */
    private static final int IDLE_WAKE_UPS = 5;
    /** About 4,000 events a second, the rate at which a nap loop naps several times between two events. */
    private static final int EVENTS = 2_000;
    private static final long GAP_NANOS = 250_000;

    static final class Slot
    {
        long value;
        long seenByFirst;
        long seenBySecond;
    }

    private static final AtomicInteger PIPELINES = new AtomicInteger();

    private static final class Pipeline implements AutoCloseable
    {
        final Disruptor<Slot> disruptor;
        final RingBuffer<Slot> ring;
        final List<Thread> threads = new ArrayList<>();
        final AtomicLong gatedSum = new AtomicLong();
        final AtomicLong gatedCount = new AtomicLong();
        final AtomicLong orderViolations = new AtomicLong();
        volatile CountDownLatch gatedSaw = new CountDownLatch(1);

        final String prefix = "pws" + PIPELINES.incrementAndGet() + "-";

        Pipeline(final int slowFirstStageNanos)
        {
            this(slowFirstStageNanos, new ParkingWaitStrategy());
        }

        Pipeline(final int slowFirstStageNanos, final com.lmax.disruptor.WaitStrategy waitStrategy)
        {
            disruptor = new Disruptor<>(Slot::new, 1024, runnable ->
            {
                final Thread thread = new Thread(runnable, prefix + threads.size());
                thread.setDaemon(true);
                threads.add(thread);
                return thread;
            }, ProducerType.MULTI, waitStrategy);
            disruptor.handleEventsWith(
                (slot, sequence, endOfBatch) ->
                {
                    if (slot.value < 0)
                    {
                        Thread.sleep(-slot.value); // a long journal write (an fsync on a slow disk, say)
                    }
                    final long until = System.nanoTime() + slowFirstStageNanos;
                    while (System.nanoTime() < until)
                    {
                        Thread.onSpinWait();
                    }
                    slot.seenByFirst = slot.value;
                },
                (slot, sequence, endOfBatch) -> slot.seenBySecond = slot.value)
                .then((slot, sequence, endOfBatch) ->
                {
                    // Gated: both earlier stages must have passed this slot.
                    if (slot.seenByFirst != slot.value || slot.seenBySecond != slot.value)
                    {
                        orderViolations.incrementAndGet();
                    }
                    gatedSum.addAndGet(Math.max(0, slot.value));
                    gatedCount.incrementAndGet();
                    gatedSaw.countDown();
                });
            ring = disruptor.start();
            if (waitStrategy instanceof ParkingWaitStrategy parking)
            {
                parking.bind(ring); // as Engine does
            }
        }

        void publish(final long value)
        {
            final long sequence = ring.next();
            ring.get(sequence).value = value;
            ring.publish(sequence);
        }

        /** Publishes {@code count} events about {@code gapNanos} apart and waits until the gated stage has them all. */
        void publishSpaced(final int count, final long gapNanos)
        {
            final long target = gatedCount.get() + count;
            for (int i = 1; i <= count; i++)
            {
                publish(i);
                LockSupport.parkNanos(gapNanos);
            }
            Await.until("all events at the gated stage", Duration.ofSeconds(20), () -> gatedCount.get() == target);
        }

        /** Each stage's CPU and sleeps during {@code action}. */
        List<ThreadActivity.Figures> stagesDuring(final Runnable action)
        {
            final ThreadActivity before = ThreadActivity.sample();
            action.run();
            return ThreadActivity.sample().since(before).stream().filter(t -> t.name().startsWith(prefix)).toList();
        }

        @Override
        public void close()
        {
            disruptor.halt();
        }
    }

    @Test
    void everyEventReachesTheGatedStageAfterBothEarlierStagesFromTwoProducers() throws Exception
    {
        try (Pipeline pipeline = new Pipeline(200))
        {
            final int perProducer = 50_000;
            final Thread[] producers = new Thread[2];
            for (int p = 0; p < producers.length; p++)
            {
                producers[p] = new Thread(() ->
                {
                    for (int i = 1; i <= perProducer; i++)
                    {
                        pipeline.publish(i);
                    }
                });
                producers[p].start();
            }
            for (final Thread producer : producers)
            {
                producer.join();
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pipeline.gatedCount.get() < 2L * perProducer && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertEquals(2L * perProducer, pipeline.gatedCount.get());
            assertEquals(2L * perProducer * (perProducer + 1) / 2, pipeline.gatedSum.get());
            assertEquals(0, pipeline.orderViolations.get());
        }
    }

    @Test
    void idleStagesParkAndAGatedStageDoesNotSpinWhileAnEarlierStageIsSlow() throws Exception
    {
        try (Pipeline pipeline = new Pipeline(0))
        {
            assertStagesQuietFor(pipeline, () -> { });                   // idle: every stage parked
            assertStagesQuietFor(pipeline, () -> pipeline.publish(-400)); // first stage busy 400 ms, others wait
        }
    }

    @Test
    void theDisruptorsOwnBlockingStrategySpinsThere() throws Exception
    {
        // The reason for ParkingWaitStrategy, and proof that the check above can fail.
        try (Pipeline pipeline = new Pipeline(0, new com.lmax.disruptor.BlockingWaitStrategy()))
        {
            final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            final Thread gated = pipeline.threads.get(2);
            final long before = mx.getThreadCpuTime(gated.getId());
            pipeline.gatedSaw = new CountDownLatch(1);
            pipeline.publish(-400);
            assertTrue(pipeline.gatedSaw.await(10, TimeUnit.SECONDS));
            assertTrue((mx.getThreadCpuTime(gated.getId()) - before) / 1_000_000 > 100, "expected a busy gated stage");
        }
    }

    @Test
    void idleStagesDoNotWakeAtAll()
    {
        try (Pipeline pipeline = new Pipeline(0))
        {
            pipeline.publishSpaced(1, 0);
            final List<ThreadActivity.Figures> stages = pipeline.stagesDuring(() -> Await.sleep(1_000));
            assertEquals(3, stages.size(), stages::toString);
            for (final ThreadActivity.Figures stage : stages)
            {
                // Parked until signalled: no wake-up at all in a second (a timed backstop or a nap loop: 100s).
                assertTrue(stage.wakeUps() <= IDLE_WAKE_UPS && stage.cpuMillis() <= 20, stage::toString);
            }
        }
    }

    @Test
    void underModerateLoadAStageSleepsAtMostOncePerEvent()
    {
        try (Pipeline pipeline = new Pipeline(0))
        {
            pipeline.publishSpaced(100, 0); // warm
            final List<ThreadActivity.Figures> stages =
                pipeline.stagesDuring(() -> pipeline.publishSpaced(EVENTS, GAP_NANOS));
            assertEquals(3, stages.size(), stages::toString);
            for (final ThreadActivity.Figures stage : stages)
            {
                assertTrue(stage.wakeUps() <= EVENTS + IDLE_WAKE_UPS, () -> stage + " for " + EVENTS + " events");
            }
        }
    }

    @Test
    void nappingBetweenEventsFailsBothChecks()
    {
        // Proof that the two checks above can fail: the Disruptor's SLEEPING strategy naps (~60 µs at a time) while
        // a stage has nothing to do, as the engine's default did before it parked until signalled.
        try (Pipeline pipeline = new Pipeline(0, new com.lmax.disruptor.SleepingWaitStrategy()))
        {
            pipeline.publishSpaced(100, 0);
            final List<ThreadActivity.Figures> idle = pipeline.stagesDuring(() -> Await.sleep(1_000));
            assertTrue(idle.stream().allMatch(s -> s.wakeUps() > 10 * IDLE_WAKE_UPS), idle::toString);
            final List<ThreadActivity.Figures> loaded =
                pipeline.stagesDuring(() -> pipeline.publishSpaced(EVENTS, GAP_NANOS));
            assertTrue(loaded.stream().allMatch(s -> s.wakeUps() > EVENTS + IDLE_WAKE_UPS), loaded::toString);
        }
    }

    /** Runs {@code action}, then checks that no stage used more than 50 ms of CPU in the next 400 ms. */
    @Test
    void aStageOnTheRingDoesNotSpinBetweenAnotherProducersClaimAndItsPublish() throws Exception
    {
        try (Pipeline pipeline = new Pipeline(0))
        {
            pipeline.publishSpaced(1, 0);
            // A producer preempted between its claim and its publish (the ring's cursor has moved past the slot) ...
            final long claimed = pipeline.ring.next();
            pipeline.ring.get(claimed).value = 2;
            final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            final long[] before = pipeline.threads.stream().mapToLong(t -> mx.getThreadCpuTime(t.getId())).toArray();
            // ... while another producer publishes the next slot and signals every waiting stage.
            pipeline.publish(3);
            Thread.sleep(400);
            for (int i = 0; i < pipeline.threads.size(); i++)
            {
                final long usedMillis = (mx.getThreadCpuTime(pipeline.threads.get(i).getId()) - before[i]) / 1_000_000;
                // Waiting on the claimed cursor instead of the published slot spins here: ~400 ms of the 400.
                assertTrue(usedMillis < 50, pipeline.threads.get(i).getName() + " used " + usedMillis + " ms waiting");
            }
            assertEquals(1, pipeline.gatedCount.get(), "nothing passes the unpublished slot");
            pipeline.ring.publish(claimed);
            Await.until("both events at the gated stage", Duration.ofSeconds(10), () -> pipeline.gatedCount.get() == 3);
            assertEquals(6, pipeline.gatedSum.get());
            assertEquals(0, pipeline.orderViolations.get());
        }
    }

    private static void assertStagesQuietFor(final Pipeline pipeline, final Runnable action) throws Exception
    {
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        pipeline.gatedSaw = new CountDownLatch(1);
        pipeline.publish(1);
        assertTrue(pipeline.gatedSaw.await(10, TimeUnit.SECONDS), "event never reached the gated stage");
        Thread.sleep(20); // past the stages' ~1 ms of napping
        final long[] before = pipeline.threads.stream().mapToLong(t -> mx.getThreadCpuTime(t.getId())).toArray();
        pipeline.gatedSaw = new CountDownLatch(1);
        action.run();
        Thread.sleep(400);
        for (int i = 0; i < pipeline.threads.size(); i++)
        {
            final long usedMillis = (mx.getThreadCpuTime(pipeline.threads.get(i).getId()) - before[i]) / 1_000_000;
            // Spinning or napping would burn hundreds of ms; a parked stage wakes on its backstop only.
            assertTrue(usedMillis < 50, pipeline.threads.get(i).getName() + " used " + usedMillis + " ms waiting");
        }
    }
}
