package io.flashgate.load;

import java.util.concurrent.atomic.LongAdder;

/**
 * Every request's outcome and order id, indexed by request number, written once by whichever thread
 * completes that request and read after the run (the runner's join on the in-flight window orders it).
 */
public final class Ledger
{
    private final byte[] outcomes;
    private final long[] orderIds;
    private final LongAdder[] counts = new LongAdder[Outcome.NAMES.length];

    public Ledger(final int capacity)
    {
        this.outcomes = new byte[capacity];
        this.orderIds = new long[capacity];
        for (int i = 0; i < counts.length; i++)
        {
            counts[i] = new LongAdder();
        }
    }

    public int capacity()
    {
        return outcomes.length;
    }

    public void record(final int index, final byte outcome, final long orderId)
    {
        orderIds[index] = orderId;
        outcomes[index] = outcome;
        counts[outcome].increment();
    }

    public byte outcome(final int index)
    {
        return outcomes[index];
    }

    public long orderId(final int index)
    {
        return orderIds[index];
    }

    public long count(final byte outcome)
    {
        return counts[outcome].sum();
    }

    /** Requests by outcome, indexed by the {@link Outcome} codes. */
    public long[] counts()
    {
        final long[] out = new long[counts.length];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = counts[i].sum();
        }
        return out;
    }

    /** "accepted 123, replayed 4, ..." for the non-zero counts. */
    public String countsText()
    {
        return countsText(counts());
    }

    static String countsText(final long[] counts)
    {
        final StringBuilder text = new StringBuilder();
        for (byte o = 1; o < counts.length; o++)
        {
            final long n = counts[o];
            if (n > 0)
            {
                text.append(text.length() == 0 ? "" : ", ").append(Outcome.NAMES[o]).append(' ').append(n);
            }
        }
        return text.toString();
    }
}
