package io.flashgate.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;

/**
 * Append-only journal of opaque records, kept in segment files with a CRC32C per record.
 *
 * <h2>Writing</h2>
 * One thread appends (the journal is not thread-safe). {@link #append} copies the record into a preallocated
 * batch buffer; {@link #flush()}, called at the end of each Disruptor batch, writes the batch with one
 * {@code write()} and, under {@link FlushPolicy#FSYNC}, forces it to disk: a group commit. Records are durable
 * (per the {@link FlushPolicy}) once a {@code flush()} that follows them returns; {@link #durableSequence()}
 * tells how far that is. A segment rolls over when the next record would take it past
 * {@link JournalConfig#segmentSizeBytes()}; the new file is named after that record's sequence.
 *
 * <h2>Opening and recovery</h2>
 * {@link #open} first takes the folder's exclusive {@link JournalLock} (one writer per journal, across processes;
 * released by {@link #close()}), then scans every segment with {@link JournalScanner}. A torn tail of the last segment (what a crash
 * during a write leaves: a bad record with nothing valid after it) is cut off and reported in
 * {@link #recoveryReport()}; those records were never acknowledged by a {@code flush()} under {@code FSYNC}.
 * Any other damage (a bad record followed by a valid one, a bad record in an earlier segment, a missing segment,
 * a wrong header) is corruption: {@code open} throws {@link JournalCorruptedException} and changes nothing.
 * See {@link JournalScanner} for the exact rule.
 *
 * <h2>Failures</h2>
 * If a write or fsync fails the journal stops accepting records: what reached the file is unknown, and
 * appending after a partial write would turn a torn tail into corruption in the middle of a segment.
 */
public final class Journal implements AutoCloseable
{
    /** Largest payload of one record: 64 KiB. */
    public static final int MAX_PAYLOAD = JournalFormat.MAX_PAYLOAD;

    private final JournalConfig config;
    private final RecoveryReport recoveryReport;
    private final List<SegmentFile> segments;
    private final RecordBatch batch;
    private final SegmentReplayer replayer = new SegmentReplayer();
    private final JournalLock lock;
    private final JournalIo io;
    private ActiveSegment active;
    private long firstSequence;
    private long lastSequence;
    private long durableSequence;
    private IOException failure;
    private boolean closed;

    private Journal(final JournalConfig config, final JournalRecovery.Recovered recovered, final JournalLock lock,
        final JournalIo io) throws IOException
    {
        this.config = config;
        this.io = io;
        this.lock = lock;
        this.recoveryReport = recovered.report();
        this.segments = new ArrayList<>(recovered.segments());
        this.batch = new RecordBatch(config.batchBufferBytes());
        this.firstSequence = recovered.firstSequence();
        this.lastSequence = recovered.lastSequence();
        this.durableSequence = recovered.lastSequence();
        final SegmentScan last = recovered.lastSegment();
        if (last != null)
        {
            active = ActiveSegment.reopen(segments.get(segments.size() - 1), last.validBytes(), last.records(), io);
        }
    }

    /**
     * Opens the journal in {@link JournalConfig#directory()}, creating the folder if needed, and takes its exclusive
     * {@link JournalLock} (held until {@link #close()}). Scans every segment,
     * cuts a torn tail of the last segment (see {@link #recoveryReport()}; a last segment left without records is
     * deleted) and leaves the journal ready to append after its last record.
     *
     * @param config where and how to journal.
     * @return the open journal.
     * @throws JournalLockedException   if another process (a running engine?) or another open journal in this JVM
     *                                   holds the folder; nothing is read or changed.
     * @throws JournalCorruptedException if any segment holds damage that is not a torn tail; nothing is changed.
     * @throws IOException               if the folder or a file cannot be read or repaired.
     */
    public static Journal open(final JournalConfig config) throws IOException
    {
        return open(config, JournalIo.REAL);
    }

    /** As {@link #open(JournalConfig)}, with a hook before each write and fsync (tests make the disk fail). */
    public static Journal open(final JournalConfig config, final JournalIo io) throws IOException
    {
        Files.createDirectories(config.directory());
        final JournalLock lock = JournalLock.acquire(config.directory());
        try
        {
            return new Journal(config, JournalRecovery.recover(config.directory()), lock, io);
        }
        catch (final IOException | RuntimeException ex)
        {
            try
            {
                lock.close();
            }
            catch (final IOException suppressed)
            {
                ex.addSuppressed(suppressed);
            }
            throw ex;
        }
    }

    /** @return what opening found and repaired. */
    public RecoveryReport recoveryReport()
    {
        return recoveryReport;
    }

    /** @return sequence of the first record in the journal, or 0 if it is empty. */
    public long firstSequence()
    {
        return firstSequence;
    }

    /** @return sequence of the last record appended (flushed or not), or 0 if the journal is empty. */
    public long lastSequence()
    {
        return lastSequence;
    }

    /** @return sequence of the last record made durable by {@link #flush()} (or found at open), 0 if none. */
    public long durableSequence()
    {
        return durableSequence;
    }

    /**
     * Appends one record to the batch buffer, copying the payload; it is durable only after the next
     * {@link #flush()}. Rolls to a new segment first if the record would take the current one past its size.
     * If the batch buffer is full it is written out first (without fsync). Allocates nothing.
     *
     * @param sequence must be {@link #lastSequence()} + 1; for the first record of an empty journal, any value >= 1.
     * @param payload  buffer holding the payload.
     * @param offset   where the payload starts in {@code payload}.
     * @param length   payload length, 0 to {@link #MAX_PAYLOAD}.
     * @throws IllegalArgumentException if the sequence is not the next one, or the length or range is invalid.
     * @throws IllegalStateException    if the journal is closed or an earlier write failed.
     * @throws UncheckedIOException     if writing out failed (the journal then refuses further records).
     */
    public void append(final long sequence, final DirectBuffer payload, final int offset, final int length)
    {
        checkWritable();
        if (length < 0 || length > MAX_PAYLOAD)
        {
            throw new IllegalArgumentException("payload length " + length + " outside 0.." + MAX_PAYLOAD);
        }
        if (offset < 0 || offset > payload.capacity() - length)
        {
            throw new IllegalArgumentException("payload range " + offset + "+" + length + " outside buffer of "
                + payload.capacity() + " bytes");
        }
        if (lastSequence == 0 ? sequence < 1 : sequence != lastSequence + 1)
        {
            throw new IllegalArgumentException("sequence " + sequence + " does not follow " + lastSequence
                + (lastSequence == 0 ? " (the first sequence must be >= 1)" : ""));
        }

        final int recordLength = JournalFormat.recordLength(length);
        try
        {
            if (active == null)
            {
                startSegment(sequence);
            }
            else if (active.hasRecords()
                && active.bytesInFile() + batch.length() + recordLength > config.segmentSizeBytes())
            {
                roll(sequence);
            }
            if (!batch.fits(recordLength))
            {
                active.write(batch);
            }
        }
        catch (final IOException ex)
        {
            throw fail(ex);
        }
        batch.putRecord(sequence, payload, offset, length);
        active.recordAppended();
        if (firstSequence == 0)
        {
            firstSequence = sequence;
        }
        lastSequence = sequence;
    }

    /**
     * Writes the buffered records to the segment file and, under {@link FlushPolicy#FSYNC}, forces them to disk.
     * Call it at the end of each batch. When it returns, every record up to {@link #lastSequence()} is durable per
     * the policy and {@link #durableSequence()} says so.
     *
     * @throws IllegalStateException if the journal is closed or an earlier write failed.
     * @throws UncheckedIOException  if writing or forcing failed (the journal then refuses further records).
     */
    public void flush()
    {
        checkWritable();
        if (active == null)
        {
            return;
        }
        try
        {
            if (!batch.isEmpty())
            {
                active.write(batch);
            }
            if (config.flushPolicy() == FlushPolicy.FSYNC)
            {
                active.force();
            }
        }
        catch (final IOException ex)
        {
            throw fail(ex);
        }
        durableSequence = lastSequence;
    }

    /**
     * Reads back every durable record with a sequence above {@code afterSequence}, in order, checking each
     * record's CRC as it goes. Records appended but not yet flushed are not read. Segments are memory-mapped;
     * the buffer handed to {@code handler} is valid only during the call.
     *
     * @param afterSequence deliver records after this one (0 for all).
     * @param handler       called once per record; must not append to this journal.
     * @return records delivered.
     * @throws JournalCorruptedException if a record fails its check or a durable record is missing.
     * @throws IllegalStateException     if the journal is closed.
     */
    public long replay(final long afterSequence, final RecordHandler handler)
    {
        if (closed)
        {
            throw new IllegalStateException("journal is closed");
        }
        try
        {
            return replayer.replay(segments, afterSequence, durableSequence, handler);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("replay of " + config.directory() + " failed", ex);
        }
    }

    /**
     * Flushes (unless an earlier write failed), closes the segment file and releases the folder's lock. Closing
     * twice does nothing.
     *
     * @throws UncheckedIOException if the final flush or the close failed.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        try
        {
            if (failure == null)
            {
                flush();
            }
        }
        finally
        {
            closed = true;
            try
            {
                closeActive();
            }
            finally
            {
                releaseLock();
            }
        }
    }

    private void releaseLock()
    {
        try
        {
            lock.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("releasing the lock of " + config.directory() + " failed", ex);
        }
    }

    private void startSegment(final long sequence) throws IOException
    {
        final SegmentFile file = SegmentFile.in(config.directory(), sequence);
        active = ActiveSegment.create(file, config.flushPolicy() == FlushPolicy.FSYNC, io);
        segments.add(file);
        batch.putSegmentHeader(sequence);
    }

    /** Finishes the current segment (written out, and forced under FSYNC) and starts the next. */
    private void roll(final long sequence) throws IOException
    {
        if (!batch.isEmpty())
        {
            active.write(batch);
        }
        if (config.flushPolicy() == FlushPolicy.FSYNC)
        {
            active.force();
        }
        active.close();
        active = null;
        startSegment(sequence);
    }

    private void checkWritable()
    {
        if (closed)
        {
            throw new IllegalStateException("journal is closed");
        }
        if (failure != null)
        {
            throw new IllegalStateException("journal stopped after a failed write", failure);
        }
    }

    /** The segment file being written, for the operator's fault line; the folder if none is open yet. */
    public java.nio.file.Path activeFile()
    {
        final ActiveSegment segment = active;
        return segment == null ? config.directory() : segment.file().path();
    }

    private UncheckedIOException fail(final IOException ex)
    {
        failure = ex;
        return new UncheckedIOException("journal write to " + config.directory() + " failed", ex);
    }

    private void closeActive()
    {
        if (active != null)
        {
            try
            {
                active.close();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("closing " + active.file().path() + " failed", ex);
            }
            finally
            {
                active = null;
            }
        }
    }
}
