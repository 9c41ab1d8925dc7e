package io.flashgate.engine.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

/**
 * How the pipeline's threads wait for work. On a 2-core machine the pipeline has more threads than
 * cores, so spinning steals the CPU the other stages need (measured in STACK.md): BLOCKING is the
 * default (0 % CPU when idle); LITE_BLOCKING also parks but only signals when a consumer waits
 * (the Disruptor marks it experimental); SLEEPING trades a little idle CPU for throughput; YIELDING and
 * BUSY_SPIN are for machines with a core to spare per stage.
 */
public enum WaitChoice
{
    BLOCKING,
    LITE_BLOCKING,
    SLEEPING,
    YIELDING,
    BUSY_SPIN;

    public WaitStrategy newStrategy()
    {
        return switch (this)
        {
            case BLOCKING -> new BlockingWaitStrategy();
            case LITE_BLOCKING -> new LiteBlockingWaitStrategy();
            case SLEEPING -> new SleepingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            case BUSY_SPIN -> new BusySpinWaitStrategy();
        };
    }
}
