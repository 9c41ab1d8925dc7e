package io.flashgate.sink;

/**
 * The sink's figures, written by its one thread and read by {@code /metrics} scrapes and tests. Lag is what the sink
 * has read from the journal but not yet committed to the database: in records, and in the engine's own stamped time
 * (the newest record read minus the newest committed one), so a sink that is only idle shows no lag.
 */
public final class SinkStatus
{
    volatile long journalSequence;
    volatile long journalTime = Long.MIN_VALUE;
    volatile long committedSequence;
    volatile long committedTime = Long.MIN_VALUE;
    volatile boolean databaseUp = true;
    volatile long commits;
    volatile long ordersWritten;
    volatile long databaseFailures;
    volatile String waitingOn;

    /** @return the last journal record read and applied. */
    public long journalSequence()
    {
        return journalSequence;
    }

    /** @return the last journal record whose changes are committed in the database. */
    public long committedSequence()
    {
        return committedSequence;
    }

    /** @return records read but not yet committed. */
    public long lagRecords()
    {
        return Math.max(0, journalSequence - committedSequence);
    }

    /** @return stamped time between the newest record read and the newest committed; 0 when nothing waits. */
    public double lagSeconds()
    {
        if (lagRecords() == 0 || journalTime == Long.MIN_VALUE)
        {
            return 0;
        }
        final long since = committedTime == Long.MIN_VALUE ? journalTime : committedTime;
        return Math.max(0, journalTime - since) / 1000.0;
    }

    public boolean databaseUp()
    {
        return databaseUp;
    }

    public long commits()
    {
        return commits;
    }

    /** @return order rows written (an order changed in two commits counts twice). */
    public long ordersWritten()
    {
        return ordersWritten;
    }

    public long databaseFailures()
    {
        return databaseFailures;
    }

    /** @return where the journal's tail waits for a record to become whole (in flight or torn), or null. */
    public String waitingOn()
    {
        return waitingOn;
    }
}
