package io.flashgate.config;

/**
 * Which threads run the engine's journaller and business logic (docs/CONFIG.md, "engine.stageLayout"). The Disruptor's
 * wiring is the same in both: journaller ‖ business logic ‖ replicator on the ring, then the egress gated on all of
 * them; only who runs each stage differs.
 */
public enum StageLayout
{
    /**
     * The default: the engine runs the journaller and the business logic, like the replicator and the egress, as
     * agents of its process's one Aeron thread, so a command goes from the socket (or, in {@code run}, the edge's IPC
     * publication) through the journal and the logic to its reply in one duty cycle, with no thread hand-off. On a
     * small machine a hand-off (one thread waking another) costs more than the work, so this gives the lowest CPU per
     * purchase and latency at real load; its capacity is that of one core. Under {@code journal.flushPolicy=FSYNC} (a
     * device flush per batch would stall every socket) and with a wait strategy other than PARKING, the engine runs as
     * {@link #OWN_THREADS}.
     */
    AERON_THREAD,
    /** The journaller and the business logic on threads of their own, in parallel: the most capacity, on 2+ cores. */
    OWN_THREADS
}
