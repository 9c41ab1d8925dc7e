package io.flashgate.sink;

/**
 * The sink's figures, written by its one thread and read by {@code /metrics} scrapes and tests. Lag is what the
 * journal holds (at the sink's last look at its head, at most 200 ms old) but the database does not yet: in records,
 * and in the engine's own stamped time (the newest record minus the newest committed one), so a sink that is only
 * idle shows no lag.
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
    volatile long journalHead;
    volatile long journalHeadTime = Long.MIN_VALUE;
    volatile boolean standingAside;
    volatile long standAsides;

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

    /** @return the newest record in the journal at the sink's last look (read or not). */
    public long journalHead()
    {
        return Math.max(journalHead, journalSequence);
    }

    /** @return records in the journal (read or not) but not yet committed. */
    public long lagRecords()
    {
        return Math.max(0, journalHead() - committedSequence);
    }

    /** @return stamped time between the journal's newest record and the newest committed; 0 when nothing waits. */
    public double lagSeconds()
    {
        final long newest = Math.max(journalTime, journalHeadTime);
        if (lagRecords() == 0 || newest == Long.MIN_VALUE)
        {
            return 0;
        }
        final long since = committedTime == Long.MIN_VALUE ? newest : committedTime;
        return Math.max(0, newest - since) / 1000.0;
    }

    /** @return true while the journal grows faster than the sink applies it and the sink takes a batch every 5 s. */
    public boolean standingAside()
    {
        return standingAside;
    }

    /** @return how many times the sink began to stand aside for a burst. */
    public long standAsides()
    {
        return standAsides;
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
