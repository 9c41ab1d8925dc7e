package io.flashgate.sink;

import io.flashgate.journal.JournalGrowth;
import io.flashgate.journal.JournalTail;
import io.flashgate.journal.RecordHandler;
import io.flashgate.protocol.CommandDecoder;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Whether the sink stands aside for a burst: while the engine appends to its journal faster than the sink can apply
 * records, running at full speed cannot keep the lag from growing, and on the engine's host it only takes CPU the
 * engine needs: on a small machine any busy neighbour, even one at the lowest CPU priority, slows an engine at
 * capacity (docs/PERFORMANCE.md, "Order sink"). So the sink then takes one batch every
 * {@link #BATCH_INTERVAL_NANOS} (tests pass a shorter pace), and runs at full speed again once the journal grows slower
 * than it applies (the burst is over).
 *
 * <p>Both paces are in bytes of journal: the journal's from its segment files' sizes every 200 ms
 * ({@link JournalGrowth}: a directory listing, no record read), over the last second; the sink's over its full
 * batches (a smaller batch shows the journal's pace, not the sink's). For lag, a second read-only
 * {@link JournalTail} counts the records at the head exactly (and their stamped time) while the sink runs; while it
 * stands aside that tail rests too, and the head is estimated from the bytes grown since at the sink's mean record
 * size. One thread: the sink's.
 */
final class StandAside
{
    static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** The pace while standing aside, as the sink runs in production. */
    static final long BATCH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int PROBES_PER_RATE = 5;

    private final boolean enabled;
    private final int batchSize;
    private final long batchIntervalNanos;
    private final JournalTail head;
    private final JournalGrowth growth;
    private final RecordHandler headHandler = this::onHeadRecord;
    /** The last looks at the journal's size, a second's worth, so that one late look does not make a burst. */
    private final long[] lookNanos = new long[PROBES_PER_RATE + 1];
    private final long[] lookBytes = new long[PROBES_PER_RATE + 1];
    private int looks;
    private long grownBytes;
    private long probedAtNanos;
    private long countedSequence;
    private long countedAtGrownBytes;
    private long headTime = Long.MIN_VALUE;
    private double bytesPerRecord;
    private double appendBytesPerSecond;
    /** Bytes a second over the sink's last full batch (read, apply, commit); 0 until one was measured. */
    private double applyBytesPerSecond;
    private long lastBatchNanos;
    private boolean standing;
    private long standingSinceNanos;
    private long stoodForNanos;

    /** @param batchIntervalNanos the pace while standing aside: {@link #BATCH_INTERVAL_NANOS} but in tests. */
    StandAside(final boolean enabled, final int batchSize, final long batchIntervalNanos, final JournalTail head,
        final JournalGrowth growth, final long position, final long nowNanos)
    {
        this.enabled = enabled;
        this.batchSize = batchSize;
        this.batchIntervalNanos = batchIntervalNanos;
        this.head = head;
        this.growth = growth;
        this.countedSequence = position;
        this.probedAtNanos = nowNanos - PROBE_INTERVAL_NANOS;
    }

    /**
     * Looks at the journal when the last look is older than {@link #PROBE_INTERVAL_NANOS}, and says whether the sink
     * should wait now rather than take a batch.
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
        final boolean outwritten = applyBytesPerSecond > 0 && appendBytesPerSecond > applyBytesPerSecond;
        final boolean nowStanding = standing ? outwritten : outwritten && headSequence() - applied > batchSize;
        if (nowStanding != standing)
        {
            standing = nowStanding;
            if (standing)
            {
                standingSinceNanos = nowNanos;
            }
            else
            {
                stoodForNanos = nowNanos - standingSinceNanos;
            }
        }
        return standing && nowNanos - lastBatchNanos < batchIntervalNanos;
    }

    /** A batch was read, applied and committed: {@code records} of them, {@code bytes} of journal, in {@code tookNanos}. */
    void batchDone(final long records, final long bytes, final long tookNanos, final long nowNanos)
    {
        lastBatchNanos = nowNanos;
        if (records > 0)
        {
            final double mean = (double)bytes / records;
            bytesPerRecord = bytesPerRecord == 0 ? mean : 0.9 * bytesPerRecord + 0.1 * mean;
        }
        if (records >= batchSize && tookNanos > 0)
        {
            applyBytesPerSecond = bytes * 1e9 / tookNanos;
        }
    }

    private void probe(final long nowNanos) throws IOException
    {
        grownBytes += growth.sinceLastLook();
        probedAtNanos = nowNanos;
        final int slot = looks % lookNanos.length;
        lookNanos[slot] = nowNanos;
        lookBytes[slot] = grownBytes;
        looks++;
        if (looks > 1)
        {
            final int oldest = looks > lookNanos.length ? looks % lookNanos.length : 0;
            appendBytesPerSecond = (grownBytes - lookBytes[oldest]) * 1e9 / (nowNanos - lookNanos[oldest]);
        }
        if (!standing)
        {
            head.poll(headHandler, Integer.MAX_VALUE);
            countedSequence = head.lastSequence();
            countedAtGrownBytes = grownBytes;
        }
    }

    private void onHeadRecord(final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        headTime = Math.max(headTime, CommandDecoder.timestampOf(buffer, offset, length));
    }

    /**
     * @return the newest record in the journal: counted at the last look while the sink runs; while it stands aside,
     * estimated from the bytes grown since at its mean record size.
     */
    long headSequence()
    {
        final long since = grownBytes - countedAtGrownBytes;
        return since <= 0 || bytesPerRecord <= 0 ? countedSequence : countedSequence + (long)(since / bytesPerRecord);
    }

    /** @return the stamped time (milliseconds) of the newest record counted, or {@link Long#MIN_VALUE}. */
    long headTime()
    {
        return headTime;
    }

    boolean standing()
    {
        return standing;
    }

    /** @return how long the last stand, ended a moment ago, lasted. */
    long stoodForNanos()
    {
        return stoodForNanos;
    }

    /** @return the journal's pace over the last second, in records a second at the sink's mean record size. */
    double appendPerSecond()
    {
        return bytesPerRecord > 0 ? appendBytesPerSecond / bytesPerRecord : 0;
    }

    /** @return the sink's pace over its last full batch, in records a second. */
    double applyPerSecond()
    {
        return bytesPerRecord > 0 ? applyBytesPerSecond / bytesPerRecord : 0;
    }
}
