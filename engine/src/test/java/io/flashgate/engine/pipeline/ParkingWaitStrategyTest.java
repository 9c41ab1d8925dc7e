package io.flashgate.engine.pipeline;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.flashgate.testsupport.Await;
import io.flashgate.testsupport.ThreadActivity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
 * reaches every stage in order; a stage without work parks until signalled. That is checked by the state it
 * reaches (parked on this strategy without a timeout: a spinning stage is RUNNABLE, a napping one TIMED_WAITING),
 * waited for, so a loaded machine only slows the checks down; the kernel's count of each thread's sleeps shows that
 * a parked stage stays parked and that an event wakes each stage once. How the Disruptor's own strategies compare
 * (wake-ups and CPU) is a measurement, not a test: {@link WaitStrategyCosts}.
 */
@Timeout(60)
class ParkingWaitStrategyTest
{
    /** Wake-ups a parked stage may have in an idle window: none are due; a few for a signal's or the JVM's noise. */
    private static final int IDLE_WAKE_UPS = 5;
    private static final int LOCK_STEP_EVENTS = 300;

    static final class Slot
    {
        long value;
        long seenByFirst;
        long seenBySecond;
    }

    private static final AtomicInteger PIPELINES = new AtomicInteger();

    static final class Pipeline implements AutoCloseable
    {
        final Disruptor<Slot> disruptor;
        final RingBuffer<Slot> ring;
        final List<Thread> threads = new ArrayList<>();
        final AtomicLong gatedSum = new AtomicLong();
        final AtomicLong gatedCount = new AtomicLong();
        final AtomicLong orderViolations = new AtomicLong();
        final com.lmax.disruptor.WaitStrategy waitStrategy;
        /** When set, the first stage holds the next event until it is counted down, as a stalled disk would. */
        volatile CountDownLatch firstStageHeld;
        volatile boolean firstStageHolding;

        final String prefix = "pws" + PIPELINES.incrementAndGet() + "-";

        Pipeline(final int slowFirstStageNanos)
        {
            this(slowFirstStageNanos, new ParkingWaitStrategy());
        }

        Pipeline(final int slowFirstStageNanos, final com.lmax.disruptor.WaitStrategy waitStrategy)
        {
            this.waitStrategy = waitStrategy;
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
                    final CountDownLatch held = firstStageHeld;
                    if (held != null)
                    {
                        firstStageHeld = null;
                        firstStageHolding = true;
                        held.await();
                        firstStageHolding = false;
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

        /**
         * Waits until each of {@code stages} is parked on this pipeline's strategy without a timeout (a spinning stage
         * is RUNNABLE, a napping one TIMED_WAITING) and asleep for the kernel too, so not woken since it parked: the
         * kernel shows a thread as running from the moment it is unparked, the JVM only once it has run.
         */
        void awaitParked(final List<Thread> stages)
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!parked(stages))
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new AssertionError("not parked on " + waitStrategy + " within 10 s: " + describe(stages));
                }
                LockSupport.parkNanos(100_000);
            }
        }

        void assertParked(final List<Thread> stages, final String when)
        {
            assertTrue(parked(stages), () -> "not parked " + when + ": " + describe(stages));
        }

        private boolean parked(final List<Thread> stages)
        {
            for (final Thread stage : stages)
            {
                if (stage.getState() != Thread.State.WAITING || LockSupport.getBlocker(stage) != waitStrategy ||
                    ThreadActivity.state(stage.getName()) != 'S')
                {
                    return false;
                }
            }
            return true;
        }

        private static String describe(final List<Thread> stages)
        {
            final StringBuilder text = new StringBuilder();
            for (final Thread stage : stages)
            {
                final StackTraceElement[] stack = stage.getStackTrace();
                text.append(stage.getName()).append(' ').append(stage.getState())
                    .append(" (kernel: ").append(ThreadActivity.state(stage.getName()))
                    .append(") blocker ").append(LockSupport.getBlocker(stage))
                    .append(" at ").append(stack.length > 0 ? stack[0] : "?").append("; ");
            }
            return text + ThreadActivity.sample().threads(name -> stages.stream()
                .anyMatch(t -> t.getName().equals(name))).toString();
        }

        @Override
        public void close()
        {
            final CountDownLatch held = firstStageHeld;
            if (held != null)
            {
                held.countDown();
            }
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
            Await.until(() -> pipeline.gatedCount.get() + " of " + 2 * perProducer + " at the gated stage",
                Duration.ofSeconds(30), () -> pipeline.gatedCount.get() == 2L * perProducer);
            assertEquals(2L * perProducer, pipeline.gatedCount.get());
            assertEquals(2L * perProducer * (perProducer + 1) / 2, pipeline.gatedSum.get());
            assertEquals(0, pipeline.orderViolations.get());
        }
    }

    @Test
    void idleStagesParkUntilSignalledAndDoNotWake()
    {
        try (Pipeline pipeline = new Pipeline(0))
        {
            pipeline.publishSpaced(1, 0);
            // Parked without a timeout, on this strategy: a spinning stage is RUNNABLE, a napping or backstopped one
            // TIMED_WAITING, so this waits for a state only the right behaviour reaches, however loaded the machine.
            pipeline.awaitParked(pipeline.threads);
            // And it stays so: an untimed park has nothing to wake it. Nothing on the machine can add wake-ups or CPU
            // to a parked thread, so the bounds are noise margins, not timing (a backstop or a nap loop: 100s).
            final List<ThreadActivity.Figures> stages = pipeline.stagesDuring(() -> Await.sleep(500));
            System.out.println("idle for 500 ms: " + stages);
            assertEquals(3, stages.size(), stages::toString);
            for (final ThreadActivity.Figures stage : stages)
            {
                assertTrue(stage.wakeUps() <= IDLE_WAKE_UPS && stage.cpuMillis() <= 20, stage::toString);
            }
            pipeline.assertParked(pipeline.threads, "still, after 500 ms idle");
        }
    }

    @Test
    void aGatedStageParksWhileAnEarlierStageIsSlow()
    {
        try (Pipeline pipeline = new Pipeline(0))
        {
            pipeline.publishSpaced(1, 0);
            final CountDownLatch release = new CountDownLatch(1);
            pipeline.firstStageHeld = release;
            pipeline.publish(2); // the first stage holds it (a long journal write, an fsync on a slow disk, say)
            Await.until("the first stage holding the event", Duration.ofSeconds(10), () -> pipeline.firstStageHolding);
            // The second stage has passed the event and the gated one waits for the first: both must park, not spin
            // (the Disruptor's BlockingWaitStrategy spins a gated stage here, and took a core from the slow stage).
            final List<Thread> waiting = pipeline.threads.subList(1, 3);
            final List<ThreadActivity.Figures> held = pipeline.stagesDuring(() ->
            {
                pipeline.awaitParked(waiting);
                Await.sleep(200);
                pipeline.assertParked(waiting, "while the first stage still holds the event");
            });
            System.out.println("while the first stage held an event: " + held);
            assertEquals(1, pipeline.gatedCount.get(), "nothing passes the held event");
            release.countDown();
            Await.until("the held event at the gated stage", Duration.ofSeconds(10), () -> pipeline.gatedCount.get() == 2);
            assertEquals(3, pipeline.gatedSum.get());
            assertEquals(0, pipeline.orderViolations.get());
        }
    }

    @Test
    void eachEventWakesEachStageOnceAndNoStageWakesForAnEventItCannotTakeYet()
    {
        try (Pipeline pipeline = new Pipeline(0))
        {
            pipeline.publishSpaced(100, 0); // warm
            pipeline.awaitParked(pipeline.threads);
            // In lock step: each event is published with every stage parked, and the next only once every stage has
            // parked again. Each stage then has exactly one wait to be woken from per event, whatever the machine's
            // load: the gated stage is woken once both earlier stages passed the event, not also by the publish.
            final List<ThreadActivity.Figures> stages = pipeline.stagesDuring(() ->
            {
                for (int i = 1; i <= LOCK_STEP_EVENTS; i++)
                {
                    final long target = pipeline.gatedCount.get() + 1;
                    pipeline.publish(i);
                    Await.until("event " + i + " at the gated stage", Duration.ofSeconds(10),
                        () -> pipeline.gatedCount.get() == target);
                    pipeline.awaitParked(pipeline.threads);
                }
            });
            System.out.println(LOCK_STEP_EVENTS + " events in lock step: " + stages);
            assertEquals(3, stages.size(), stages::toString);
            for (final ThreadActivity.Figures stage : stages)
            {
                // One sleep per event; the margin is for the rare extra sleep (a safepoint while the stage runs).
                // Waking every stage on every publish would give the gated stage two per event.
                assertTrue(stage.wakeUps() <= LOCK_STEP_EVENTS + LOCK_STEP_EVENTS / 10,
                    () -> stage + " for " + LOCK_STEP_EVENTS + " events");
            }
            assertEquals(0, pipeline.orderViolations.get());
        }
    }

    @Test
    void aStageOnTheRingParksBetweenAnotherProducersClaimAndItsPublish()
    {
        try (Pipeline pipeline = new Pipeline(0))
        {
            pipeline.publishSpaced(1, 0);
            pipeline.awaitParked(pipeline.threads);
            // A producer preempted between its claim and its publish (the ring's cursor has moved past the slot) ...
            final long claimed = pipeline.ring.next();
            pipeline.ring.get(claimed).value = 2;
            // ... while another producer publishes the next slot and signals the waiting stages. The stage on the ring
            // must stay parked (or park again): waking it for the claimed cursor instead of the published slot spins.
            pipeline.publish(3);
            pipeline.awaitParked(pipeline.threads);
            assertEquals(1, pipeline.gatedCount.get(), "nothing passes the unpublished slot");
            pipeline.ring.publish(claimed);
            Await.until("both events at the gated stage", Duration.ofSeconds(10), () -> pipeline.gatedCount.get() == 3);
            assertEquals(6, pipeline.gatedSum.get());
            assertEquals(0, pipeline.orderViolations.get());
        }
    }
}
