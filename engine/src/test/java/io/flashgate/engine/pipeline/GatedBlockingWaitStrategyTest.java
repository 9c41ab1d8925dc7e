package io.flashgate.engine.pipeline;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default wait strategy in the engine's shape: two stages in parallel, then one gated on both. */
@Timeout(60)
class GatedBlockingWaitStrategyTest
{
    static final class Slot
    {
        long value;
        long seenByFirst;
        long seenBySecond;
    }

    private static final class Pipeline implements AutoCloseable
    {
        final Disruptor<Slot> disruptor;
        final RingBuffer<Slot> ring;
        final List<Thread> threads = new ArrayList<>();
        final AtomicLong gatedSum = new AtomicLong();
        final AtomicLong gatedCount = new AtomicLong();
        final AtomicLong orderViolations = new AtomicLong();
        volatile CountDownLatch gatedSaw = new CountDownLatch(1);

        Pipeline(final int slowFirstStageNanos)
        {
            this(slowFirstStageNanos, new GatedBlockingWaitStrategy());
        }

        Pipeline(final int slowFirstStageNanos, final com.lmax.disruptor.WaitStrategy waitStrategy)
        {
            disruptor = new Disruptor<>(Slot::new, 1024, runnable ->
            {
                final Thread thread = new Thread(runnable, "stage-" + threads.size());
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
        }

        void publish(final long value)
        {
            final long sequence = ring.next();
            ring.get(sequence).value = value;
            ring.publish(sequence);
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
        // The reason for GatedBlockingWaitStrategy, and proof that the check above can fail.
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

    /** Runs {@code action}, then checks that no stage used more than 50 ms of CPU in the next 400 ms. */
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
