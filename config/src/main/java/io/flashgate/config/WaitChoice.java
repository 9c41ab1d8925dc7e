package io.flashgate.config;

/**
 * How the engine pipeline's threads wait for work (the Disruptor wait strategy; the engine turns a choice into a
 * strategy; docs/CONFIG.md, "engine.waitStrategy"). On a 2-core machine the pipeline has more threads than cores, so
 * a thread that spins or naps between messages steals the CPU the other stages need.
 */
public enum WaitChoice
{
    /**
     * The default: a stage parks as soon as it has nothing to do and is woken by the publisher or by the earlier
     * stage it waits on. No CPU when idle, one wake-up per batch under load.
     */
    PARKING,
    /** Low-latency profile, for machines with a core to spare per stage: spins briefly (tens of µs), then parks. */
    SPIN_THEN_PARK,
    /** The Disruptor's BlockingWaitStrategy: parks on an empty ring, but spins while an earlier stage is behind. */
    DISRUPTOR_BLOCKING,
    /** The Disruptor's LiteBlockingWaitStrategy: as DISRUPTOR_BLOCKING, with fewer signals. */
    LITE_BLOCKING,
    /** The Disruptor's SleepingWaitStrategy: spins, yields, then naps about every 60 µs; CPU even when idle. */
    SLEEPING,
    /** Yields between checks: a core per stage, always. */
    YIELDING,
    /** Spins between checks: a core per stage, always. Never on 2 cores. */
    BUSY_SPIN
}
