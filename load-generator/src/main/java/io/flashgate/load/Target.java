package io.flashgate.load;

/**
 * A system under test: Flashgate over Aeron or HTTP, or the Redis Lua peer. One instance serves several
 * phases, each on its own sale.
 */
public interface Target extends AutoCloseable
{
    /** Short name for reports ("flashgate-aeron", "redis-lua", ...). */
    String name();

    /** Creates an open sale (blocking; not timed). */
    void createSale(String saleId, int stock, int limitPerUser) throws Exception;

    /**
     * Sends purchase {@code index} asynchronously; exactly one call of {@code done} follows, on any thread,
     * possibly before this returns. Must not block for the answer.
     */
    void purchase(String saleId, long index, String userId, String idempotencyKey, Completion done);

    /** What the system itself says it sold and how many distinct buyers hold units (blocking; not timed). */
    SaleFigures figures(String saleId, int limitPerUser) throws Exception;

    /**
     * True when the system runs inside the generator's JVM (engine-direct), so that its CPU is this JVM's
     * threads but the generator's; false when it is another process (redis-server, the HTTP server JVM).
     */
    default boolean runsInThisJvm()
    {
        return false;
    }

    /**
     * The process whose CPU a phase reports as the system's when it is not the one {@link CpuWatch#peer} names (the
     * second server JVM of {@code bench http --standby}); null: that one.
     */
    default ServerProcess ownProcess()
    {
        return null;
    }

    /**
     * The kernel ids of the threads this system started in this JVM (empty for another process): while another system
     * is measured they are not counted as its ({@link CpuWatch#inThisJvm}).
     */
    default java.util.Set<Long> ownThreads()
    {
        return java.util.Set.of();
    }

    /**
     * What its transport lost and repaired since the previous call (Aeron's NAKs and retransmissions), as a line for
     * the leg's report; null when it has nothing to tell.
     */
    default String transportLoss()
    {
        return null;
    }

    @Override
    void close();

    /** A process of the system under test, named for reports ("standby server JVM"). */
    record ServerProcess(long pid, String name)
    {
    }

    @FunctionalInterface
    interface Completion
    {
        void complete(byte outcome, long orderId);
    }

    /**
     * @param sold        units the system reports as sold (reserved + confirmed, or stock − remaining).
     * @param remaining   units it reports as left.
     * @param maxPerBuyer the most units any one buyer holds, or −1 when the system does not tell.
     */
    record SaleFigures(long sold, long remaining, long maxPerBuyer)
    {
    }
}
