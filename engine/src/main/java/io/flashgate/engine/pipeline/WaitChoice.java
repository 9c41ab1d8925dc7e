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
 * default ({@link GatedBlockingWaitStrategy}: 0 % CPU when idle, and parks, rather than spins, while an
 * earlier stage is behind); DISRUPTOR_BLOCKING and LITE_BLOCKING are the Disruptor's own, which park on
 * an empty ring but spin while an earlier stage is behind; SLEEPING trades a little idle CPU for
 * throughput; YIELDING and BUSY_SPIN are for machines with a core to spare per stage.
 */
public enum WaitChoice
{
    BLOCKING,
    DISRUPTOR_BLOCKING,
    LITE_BLOCKING,
    SLEEPING,
    YIELDING,
    BUSY_SPIN;

    public WaitStrategy newStrategy()
    {
        return switch (this)
        {
            case BLOCKING -> new GatedBlockingWaitStrategy();
            case DISRUPTOR_BLOCKING -> new BlockingWaitStrategy();
            case LITE_BLOCKING -> new LiteBlockingWaitStrategy();
            case SLEEPING -> new SleepingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            case BUSY_SPIN -> new BusySpinWaitStrategy();
        };
    }
}
