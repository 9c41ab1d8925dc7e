package io.flashgate.engine.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import io.flashgate.testsupport.Await;
import io.flashgate.testsupport.ThreadActivity;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * What each wait strategy costs in the engine's pipeline shape (the one of {@link ParkingWaitStrategyTest}), for
 * quoting figures; not a test, as counts and CPU times depend on the machine and its load. Per stage: wake-ups and CPU
 * in an idle second, while 2,000 events arrive about 250 µs apart (a nap loop naps several times between two), and
 * while the first stage holds an event for 400 ms (a gated stage that spins shows here). It is why the engine parks:
 * the Disruptor's SLEEPING strategy naps (~60 µs at a time) while idle, its BLOCKING strategy spins a gated stage.
 * <p>
 * Run from the engine module's test classpath (Linux: it reads /proc), e.g. in an IDE, or
 * {@code java -cp <test classes>:<classpath> io.flashgate.engine.pipeline.WaitStrategyCosts}.
 */
public final class WaitStrategyCosts
{
    private static final int EVENTS = 2_000;
    private static final long GAP_NANOS = 250_000;

    private WaitStrategyCosts()
    {
    }

    public static void main(final String[] args)
    {
        measure("parking (the engine's)", ParkingWaitStrategy::new);
        measure("Disruptor SLEEPING", SleepingWaitStrategy::new);
        measure("Disruptor BLOCKING", BlockingWaitStrategy::new);
    }

    private static void measure(final String name, final Supplier<WaitStrategy> strategy)
    {
        try (ParkingWaitStrategyTest.Pipeline pipeline = new ParkingWaitStrategyTest.Pipeline(0, strategy.get()))
        {
            pipeline.publishSpaced(100, 0);
            Await.sleep(50);
            print(name, "idle 1 s", pipeline.stagesDuring(() -> Await.sleep(1_000)));
            print(name, EVENTS + " events 250 µs apart",
                pipeline.stagesDuring(() -> pipeline.publishSpaced(EVENTS, GAP_NANOS)));
            final CountDownLatch release = new CountDownLatch(1);
            pipeline.firstStageHeld = release;
            print(name, "first stage holding an event 400 ms", pipeline.stagesDuring(() ->
            {
                pipeline.publish(1);
                Await.sleep(400);
                release.countDown();
            }));
        }
    }

    private static void print(final String strategy, final String what, final List<ThreadActivity.Figures> stages)
    {
        System.out.printf("%-24s %-38s %s%n", strategy, what, stages);
    }
}
