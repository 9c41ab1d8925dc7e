package io.flashgate.config;

/**
 * How the engine pipeline's threads wait for work (the Disruptor wait strategy; the engine turns a choice into a
 * strategy). On a 2-core machine the pipeline has more threads than cores, so spinning steals the CPU the other
 * stages need: BLOCKING is the default (0 % CPU when idle, and it parks, rather than spins, while an earlier stage
 * is behind); DISRUPTOR_BLOCKING and LITE_BLOCKING are the Disruptor's own, which park on an empty ring but spin
 * while an earlier stage is behind; SLEEPING trades a little idle CPU for throughput; YIELDING and BUSY_SPIN are for
 * machines with a core to spare per stage.
 */
public enum WaitChoice
{
    BLOCKING,
    DISRUPTOR_BLOCKING,
    LITE_BLOCKING,
    SLEEPING,
    YIELDING,
    BUSY_SPIN
}
