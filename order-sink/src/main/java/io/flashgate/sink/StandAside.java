package io.flashgate.sink;

import io.flashgate.journal.JournalTail;
import io.flashgate.journal.RecordHandler;
import io.flashgate.protocol.CommandDecoder;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Whether the sink stands aside for a burst: while the engine appends to its journal faster than the sink can apply
 * records, running at full speed cannot keep the lag from growing, and on the engine's host it only takes CPU the
 * engine needs. Measured on a 2-core machine, any busy neighbour, even a spinner at idle CPU priority, cost an
 * engine at capacity a quarter of its throughput. So the sink then takes one batch a second, and runs at full speed
 * again once the journal grows slower than it applies (the burst is over) or when it is less than a batch behind.
 *
 * <p>The rates come from two measurements: the journal's head, followed read-only by a second {@link JournalTail}
 * that only checks records and reads their stamped time (so lag counts the records not yet read, too), and the
 * sink's own rate over full batches (a batch smaller than the maximum shows the journal's pace, not the sink's).
 * One thread: the sink's.
 */
final class StandAside
{
    static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    static final long BATCH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int PROBES_PER_RATE = 5;

    private final boolean enabled;
    private final int batchSize;
    private final JournalTail head;
    private final RecordHandler headHandler = this::onHeadRecord;
    private long headTime = Long.MIN_VALUE;
    /** The last looks at the head, a second's worth, so that one late look does not make a burst. */
    private final long[] lookNanos = new long[PROBES_PER_RATE + 1];
    private final long[] lookSequence = new long[PROBES_PER_RATE + 1];
    private int looks;
    private long probedAtNanos;
    private long probedSequence;
    private double appendPerSecond;
    /** Records a second over the sink's last full batch (read, apply, commit); 0 until one was measured. */
    private double applyPerSecond;
    private long lastBatchNanos;
    private boolean standing;
    private long standingSinceNanos;
    private long stoodForNanos;

    StandAside(final boolean enabled, final int batchSize, final JournalTail head, final long position,
        final long nowNanos)
    {
        this.enabled = enabled;
        this.batchSize = batchSize;
        this.head = head;
        this.probedSequence = position;
        this.probedAtNanos = nowNanos;
    }

    /**
     * Looks at the journal's head when the last look is older than {@link #PROBE_INTERVAL_NANOS}, and says whether
     * the sink should wait now rather than take a batch.
     *
     * @param applied the last record the sink has read and applied.
     */
    boolean shouldWait(final long nowNanos, final long applied) throws IOException
    {
        if (nowNanos - probedAtNanos >= PROBE_INTERVAL_NANOS)
        {
            probe(nowNanos);
        }
        if (!enabled)
        {
            return false;
        }
        final boolean outwritten = probedSequence - applied > batchSize && applyPerSecond > 0
            && appendPerSecond > applyPerSecond;
        if (outwritten != standing)
        {
            standing = outwritten;
            if (standing)
            {
                standingSinceNanos = nowNanos;
            }
            else
            {
                stoodForNanos = nowNanos - standingSinceNanos;
            }
        }
        return standing && nowNanos - lastBatchNanos < BATCH_INTERVAL_NANOS;
    }

    /** A batch was read, applied and committed: {@code records} of them in {@code tookNanos}. */
    void batchDone(final long records, final long tookNanos, final long nowNanos)
    {
        lastBatchNanos = nowNanos;
        if (records >= batchSize && tookNanos > 0)
        {
            applyPerSecond = records * 1e9 / tookNanos;
        }
    }

    private void probe(final long nowNanos) throws IOException
    {
        head.poll(headHandler, Integer.MAX_VALUE);
        probedSequence = head.lastSequence();
        probedAtNanos = nowNanos;
        // The first look finds the backlog of a sink that starts late, not the engine's pace: rates start after it.
        final int slot = looks % lookNanos.length;
        lookNanos[slot] = nowNanos;
        lookSequence[slot] = probedSequence;
        looks++;
        if (looks > 1)
        {
            final int oldest = looks > lookNanos.length ? looks % lookNanos.length : 0;
            appendPerSecond = (probedSequence - lookSequence[oldest]) * 1e9 / (nowNanos - lookNanos[oldest]);
        }
    }

    private void onHeadRecord(final long sequence, final DirectBuffer buffer, final int offset,
        final int length)
    {
        headTime = Math.max(headTime, CommandDecoder.timestampOf(buffer, offset, length));
    }

    /** @return the newest record in the journal at the last look. */
    long headSequence()
    {
        return probedSequence;
    }

    /** @return its stamped time (milliseconds), or {@link Long#MIN_VALUE} before one was seen. */
    long headTime()
    {
        return headTime;
    }

    boolean standing()
    {
        return standing;
    }

    /** @return how long the last stand ended a moment ago lasted. */
    long stoodForNanos()
    {
        return stoodForNanos;
    }

    double appendPerSecond()
    {
        return appendPerSecond;
    }

    double applyPerSecond()
    {
        return applyPerSecond;
    }
}
