package io.flashgate.engine.logic;

import java.util.Arrays;

/**
 * Every epoch a journal went through and the sequence of the NEW_EPOCH record that began it. Written by business
 * logic only (single writer); read by any thread: the pair asks which epoch an engine is in and where an older
 * epoch's tail diverges from a newer history. Promotions are rare, so each one copies the (tiny) arrays and
 * publishes them through one volatile field: readers never see a half-written entry.
 */
public final class EpochHistory
{
    private record Entries(long[] epochs, long[] starts)
    {
    }

    private volatile Entries entries = new Entries(new long[0], new long[0]);

    /** The epoch in force: 0 before any promotion (an engine that never was in a pair). */
    public long current()
    {
        final Entries now = entries;
        return now.epochs.length == 0 ? 0 : now.epochs[now.epochs.length - 1];
    }

    /** The sequence of the record that began the epoch in force, 0 if none. */
    public long currentStart()
    {
        final Entries now = entries;
        return now.starts.length == 0 ? 0 : now.starts[now.starts.length - 1];
    }

    /**
     * Where a history that stopped at {@code epoch} parts from this one: the sequence of the first record of the
     * first epoch above {@code epoch}, or {@link Long#MAX_VALUE} if this history has no epoch above it.
     */
    public long firstSequenceAfter(final long epoch)
    {
        final Entries now = entries;
        for (int i = 0; i < now.epochs.length; i++)
        {
            if (now.epochs[i] > epoch)
            {
                return now.starts[i];
            }
        }
        return Long.MAX_VALUE;
    }

    /** How many epochs began in this history. */
    public int size()
    {
        return entries.epochs.length;
    }

    public long epochAt(final int index)
    {
        return entries.epochs[index];
    }

    public long startAt(final int index)
    {
        return entries.starts[index];
    }

    void begin(final long epoch, final long startSequence)
    {
        final Entries now = entries;
        final int n = now.epochs.length;
        final long[] epochs = Arrays.copyOf(now.epochs, n + 1);
        final long[] starts = Arrays.copyOf(now.starts, n + 1);
        epochs[n] = epoch;
        starts[n] = startSequence;
        entries = new Entries(epochs, starts);
    }

    @Override
    public String toString()
    {
        final Entries now = entries;
        final StringBuilder text = new StringBuilder("epochs[");
        for (int i = 0; i < now.epochs.length; i++)
        {
            text.append(i == 0 ? "" : ", ").append(now.epochs[i]).append('@').append(now.starts[i]);
        }
        return text.append(']').toString();
    }
}
