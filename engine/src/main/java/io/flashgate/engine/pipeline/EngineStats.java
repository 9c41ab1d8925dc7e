package io.flashgate.engine.pipeline;

/**
 * The pipeline's figures at one moment, for operators' metrics.
 *
 * @param ringSize            slots in the input ring.
 * @param ringRemaining       free slots: 0 means offers are being refused (back-pressure).
 * @param publishedSequence   the last command sequence taken into the ring.
 * @param durableSequence     the last command written (and fsynced, under FSYNC) to the journal.
 * @param journalBatches      group commits since start: commands per batch = commands / batches.
 * @param releasedSequence    the last command whose results were released to the edges.
 * @param refusedOffers       commands refused because the ring was full, since start.
 * @param recoveredSequence   the sequence recovery reached at start.
 * @param faulted             true once a journal I/O error stopped the engine (docs/ARCHITECTURE.md, "Faults").
 * @param faults              journal faults since start (0 or 1: the engine stops at the first).
 * @param maxFlushNanos       the longest journal flush (write, and fsync under FSYNC) since start.
 * @param slowFlushes         flushes that took over a second since start.
 * @param snapshotFailures    snapshot writes that failed since start (each is retried at the next interval).
 */
public record EngineStats(
    long ringSize,
    long ringRemaining,
    long publishedSequence,
    long durableSequence,
    long journalBatches,
    long releasedSequence,
    long refusedOffers,
    long recoveredSequence,
    boolean faulted,
    long faults,
    long maxFlushNanos,
    long slowFlushes,
    long snapshotFailures)
{
}
