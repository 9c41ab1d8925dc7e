package io.flashgate.engine.pipeline;

/**
 * What the order sink last told this engine about itself ({@code POST /admin/sink} on the engine process, sent by
 * {@code ops/flashgate sink --report-to}): its last committed journal sequence and how many records it has read but
 * not committed. Shown in {@code GET /admin/engine}; a report older than {@link #STALE_AFTER_MILLIS} counts as none.
 * Written by the reporting thread, read by the egress and the receiver: one immutable value behind a volatile field.
 */
public final class SinkReport
{
    public static final long STALE_AFTER_MILLIS = 10_000;

    /** @param committedSequence 0 when no sink reports. */
    public record Figures(long committedSequence, long lagRecords, long reportedAtMillis)
    {
    }

    private static final Figures NONE = new Figures(0, 0, 0);
    private volatile Figures last = NONE;

    public void report(final long committedSequence, final long lagRecords, final long nowMillis)
    {
        last = new Figures(Math.max(0, committedSequence), Math.max(0, lagRecords), nowMillis);
    }

    /** The last report if it is recent, else none (committed sequence 0). */
    public Figures now(final long nowMillis)
    {
        final Figures figures = last;
        return nowMillis - figures.reportedAtMillis() <= STALE_AFTER_MILLIS ? figures : NONE;
    }
}
