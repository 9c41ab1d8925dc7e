package io.flashgate.engine.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.flashgate.config.WaitChoice;

/** The Disruptor wait strategy of each {@link WaitChoice} (the choice is a setting; see its documentation). */
public final class WaitStrategies
{
    /** About 10-50 µs of {@link Thread#onSpinWait()} (a PAUSE instruction) before a stage parks. */
    static final int SPINS_BEFORE_PARK = 1_000;

    private WaitStrategies()
    {
    }

    public static WaitStrategy of(final WaitChoice choice)
    {
        return switch (choice)
        {
            case PARKING -> new ParkingWaitStrategy();
            case SPIN_THEN_PARK -> new ParkingWaitStrategy(SPINS_BEFORE_PARK);
            case DISRUPTOR_BLOCKING -> new BlockingWaitStrategy();
            case LITE_BLOCKING -> new LiteBlockingWaitStrategy();
            case SLEEPING -> new SleepingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            case BUSY_SPIN -> new BusySpinWaitStrategy();
        };
    }
}
