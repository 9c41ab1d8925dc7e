package io.flashgate.engine.pair;

import io.aeron.Publication;
import io.flashgate.journal.JournalReader;
import io.flashgate.journal.Snapshot;
import io.flashgate.journal.SnapshotLoad;
import io.flashgate.journal.SnapshotStore;
import io.flashgate.protocol.BatchWriter;
import io.flashgate.protocol.StandbyState;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The primary's side of catch-up, on a thread of its own ({@code flashgate-catch-up}, which exists only while rounds
 * come, and ends a second after the last):
 * sends a standby the records it misses straight from the primary's journal on disk (read-only, through
 * {@link JournalReader}: no lock the journaller needs), as RECORDS messages like the live stream's. A round reads from
 * the standby's next sequence up to a limit the link chooses; the standby keeps the live stream meanwhile, so one or
 * two rounds bring it level however long it was away.
 *
 * <p>Why a thread of its own: the link runs on the Aeron duty cycle, whose thread also runs the media driver. A round
 * reads the disk and waits for room in the link's window, which only that driver makes; here it waits without
 * stopping the driver or the live stream. The publication takes offers from both threads (Aeron's concurrent
 * publication), and the standby orders what arrives by sequence.
 */
final class CatchUp implements AutoCloseable
{
    private static final long SEND_PATIENCE_NANOS = 1_000_000_000L;

    private final Path journalDirectory;
    private final Publication toPeer;
    private final SnapshotStore snapshots;
    private final UnsafeBuffer message;
    private final BatchWriter records;
    private long firstInMessage;
    private long sentUpTo;
    private boolean gaveUp;
    private volatile boolean closing;
    private final ThreadPoolExecutor worker;
    private Future<?> underWay;
    /** Records sent by catch-up since start (written by the catch-up thread only). */
    volatile long recordsSent;

    CatchUp(final Path journalDirectory, final Publication toPeer, final SnapshotStore snapshots)
    {
        this.journalDirectory = journalDirectory;
        this.toPeer = toPeer;
        this.snapshots = snapshots;
        // A thread with nothing to do has no reason to exist: a standby in sync needs no catch-up.
        this.worker = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable ->
        {
            final Thread thread = new Thread(runnable, "flashgate-catch-up");
            thread.setDaemon(true);
            return thread;
        });
        this.worker.allowCoreThreadTimeOut(true);
        final int capacity = toPeer.maxPayloadLength();
        this.message = new UnsafeBuffer(new byte[capacity]);
        this.records = new BatchWriter(new UnsafeBuffer(message.byteArray(), PairMessage.HEADER_LENGTH,
            capacity - PairMessage.HEADER_LENGTH), capacity - PairMessage.HEADER_LENGTH);
    }

    /** True while a round started by {@link #start} is still sending. The link's thread only. */
    boolean busy()
    {
        return underWay != null && !underWay.isDone();
    }

    /**
     * Starts a round on the catch-up thread: the journal's records after {@code after} up to {@code upTo}, or the
     * newest snapshot when the journal no longer reaches back to {@code after}. The link's thread only, and only
     * when not {@link #busy}.
     */
    void start(final long after, final long upTo, final PairState state)
    {
        if (closing)
        {
            return;
        }
        underWay = worker.submit(() -> roundOrSnapshot(after, upTo, state));
    }

    private void roundOrSnapshot(final long after, final long upTo, final PairState state)
    {
        try
        {
            round(after, upTo, state);
        }
        catch (final JournalDoesNotReach ex)
        {
            try
            {
                final long sent = sendSnapshot(snapshots, ex.firstSequence, state);
                PairLog.warn("snapshot_sent", "sequence", sent, "standbyNext", after + 1, "journalStarts",
                    ex.firstSequence, "why", "the journal no longer holds what the standby lacks");
            }
            catch (final IOException | RuntimeException failed)
            {
                PairLog.warn("catch_up_failed", "error", failed);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            PairLog.warn("catch_up_failed", "error", ex);
        }
    }

    /** Stops the catch-up thread: a round under way gives up at its next send. */
    @Override
    public void close()
    {
        closing = true;
        worker.shutdownNow();
        try
        {
            if (!worker.awaitTermination(SEND_PATIENCE_NANOS * 2, TimeUnit.NANOSECONDS))
            {
                PairLog.warn("catch_up_still_reading", "then", "the round ends at its next record; it sends nothing more");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** The journal no longer holds the records the standby needs (older segments removed): send a snapshot. */
    static final class JournalDoesNotReach extends IOException
    {
        private static final long serialVersionUID = 1L;
        final long firstSequence;

        JournalDoesNotReach(final long firstSequence)
        {
            super("the journal starts at " + firstSequence, null);
            this.firstSequence = firstSequence;
        }
    }

    /**
     * Sends a standby the newest snapshot that the journal continues (the state at its sequence), in parts of one
     * message each: used when the journal no longer reaches back to where the standby is. The standby installs it,
     * then catches up from the journal after it. @return the snapshot's sequence, or 0 if there is none to send.
     */
    long sendSnapshot(final SnapshotStore snapshots, final long journalFirst, final PairState state) throws IOException
    {
        final SnapshotLoad load = snapshots.loadNewest(Long.MAX_VALUE);
        if (load.snapshot().isEmpty() || load.snapshot().get().sequence() + 1 < journalFirst)
        {
            throw new IOException("the journal starts at " + journalFirst + " and no snapshot reaches it: the " +
                "standby cannot be brought level (copy a recent snapshot and the journal after it to it)");
        }
        final Snapshot snapshot = load.snapshot().get();
        final int chunk = message.capacity() - PairMessage.HEADER_LENGTH;
        gaveUp = false;
        for (int at = 0; at < snapshot.length() && !gaveUp; at += chunk)
        {
            final int length = Math.min(chunk, snapshot.length() - at);
            PairMessage.write(message, PairMessage.SNAPSHOT_PART, state.role(), StandbyState.CATCHING_UP,
                state.epoch(), snapshot.sequence(), at, snapshot.length());
            message.putBytes(PairMessage.HEADER_LENGTH, snapshot.state(), at, length);
            offer(PairMessage.HEADER_LENGTH + length);
        }
        return gaveUp ? 0 : snapshot.sequence();
    }

    /**
     * Sends the journal's records after {@code after} up to {@code upTo} (fewer if the journal does not have them
     * yet); @return the last sequence sent, or {@code after} if none.
     */
    long round(final long after, final long upTo, final PairState state) throws IOException
    {
        sentUpTo = after;
        gaveUp = false;
        records.reset();
        final JournalReader reader = JournalReader.open(journalDirectory);
        if (reader.lastSequence() > after && reader.firstSequence() > after + 1)
        {
            throw new JournalDoesNotReach(reader.firstSequence());
        }
        reader.replay(after, upTo, (sequence, buffer, offset, length) ->
        {
            if (gaveUp || closing)
            {
                return;
            }
            if (!records.fits(length))
            {
                send(state);
            }
            if (records.isEmpty())
            {
                firstInMessage = sequence;
            }
            records.append(buffer, offset, length);
        });
        send(state);
        return sentUpTo;
    }

    private void offer(final int length)
    {
        final long deadline = System.nanoTime() + SEND_PATIENCE_NANOS;
        long result;
        while ((result = toPeer.offer(message, 0, length)) < 0)
        {
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED || closing ||
                System.nanoTime() - deadline >= 0)
            {
                gaveUp = true;
                return;
            }
            LockSupport.parkNanos(50_000);
        }
    }

    private void send(final PairState state)
    {
        if (records.isEmpty() || gaveUp)
        {
            return;
        }
        PairMessage.write(message, PairMessage.RECORDS, state.role(), StandbyState.CATCHING_UP, state.epoch(),
            firstInMessage, 0);
        offer(PairMessage.HEADER_LENGTH + records.length());
        if (gaveUp)
        {
            records.reset(); // the standby went away or cannot take more: the next round starts where it is
            return;
        }
        sentUpTo = firstInMessage + records.count() - 1;
        recordsSent += records.count();
        records.reset();
    }
}
