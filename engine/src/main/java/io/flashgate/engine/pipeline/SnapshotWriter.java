package io.flashgate.engine.pipeline;

import io.flashgate.journal.SnapshotStore;
import org.agrona.ExpandableDirectByteBuffer;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes the snapshots the business logic takes, on a thread of its own, so that neither the logic nor the Aeron
 * thread that runs it (engine.stageLayout AERON_THREAD) waits for the disk: a snapshot's file is written, forced and
 * renamed ({@link SnapshotStore}), which takes as long as the disk likes, and that thread also runs every socket of
 * the engine (a pair's heartbeats among them).
 *
 * <p>The logic serializes the state at the snapshot's sequence into a buffer it takes from here ({@link #buffer}) and
 * hands it over ({@link #write}); the write is then the only thing that touches it. For a snapshot someone asked for,
 * the egress holds back every result from the snapshot's command on until the file is written or its write has failed
 * ({@link SnapshotGate}), so its acknowledgement means what it did when the logic wrote the file itself: written, or
 * counted in {@link #failures}. The periodic snapshot holds nothing back: no one awaits its acknowledgement, and on a
 * slow disk its forced write held every purchase's answer for as long (a 170 ms stall at 15 k purchases/s,
 * docs/PERFORMANCE.md). The thread exists only while a write is pending.
 */
final class SnapshotWriter
{
    /** A snapshot handed over and not yet written; {@code holdsResults}: the egress waits for it. */
    private record Pending(long sequence, ExpandableDirectByteBuffer state, int length, boolean holdsResults)
    {
    }

    private final SnapshotStore store;
    private final Runnable written;
    /** Snapshot writes that failed; each is retried at the next snapshot interval. Read by any thread. */
    final AtomicLong failures = new AtomicLong();
    /** The buffer of the last write, kept for the next snapshot (the logic's thread takes it, the writer returns it). */
    private final AtomicReference<ExpandableDirectByteBuffer> spare = new AtomicReference<>();
    /** Guarded by this: the writes in order, and the thread writing them (null while none is pending). */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private Thread writer;
    /**
     * The sequence of the oldest snapshot not yet written that holds results back; Long.MAX_VALUE when none does. Read
     * by the egress.
     */
    private volatile long oldestPending = Long.MAX_VALUE;

    /**
     * @param written run after each write (or failure) on the writer's thread: the wait strategy's signal, so the
     *                egress waiting on {@link SnapshotGate} goes on.
     */
    SnapshotWriter(final SnapshotStore store, final Runnable written)
    {
        this.store = store;
        this.written = written;
    }

    /** Logic thread: a buffer to serialize the next snapshot into (the last one's, once it is written). */
    ExpandableDirectByteBuffer buffer()
    {
        final ExpandableDirectByteBuffer kept = spare.getAndSet(null);
        return kept != null ? kept : new ExpandableDirectByteBuffer(1 << 16);
    }

    /**
     * Logic thread: writes {@code length} bytes of {@code state} as the snapshot at {@code sequence}, on the writer's
     * thread. With {@code holdResults} (someone awaits its acknowledgement), from now until it is written the egress
     * releases nothing from {@code sequence} on; without (the periodic snapshot), the results go on: the journal, not
     * the snapshot, is what makes them durable, so nothing waits for the disk to force the file. Never waits.
     */
    void write(final long sequence, final ExpandableDirectByteBuffer state, final int length,
        final boolean holdResults)
    {
        synchronized (this)
        {
            pending.addLast(new Pending(sequence, state, length, holdResults));
            if (holdResults && oldestPending == Long.MAX_VALUE)
            {
                oldestPending = sequence; // before the logic's sequence passes this command (see SnapshotGate)
            }
            if (writer == null)
            {
                final Thread thread = new Thread(this::writePending, "flashgate-snapshot");
                thread.setDaemon(true);
                try
                {
                    thread.start();
                }
                catch (final Throwable ex)
                {
                    // No thread for it (the process is out of threads): this snapshot fails, the egress goes on.
                    pending.removeLast();
                    oldestPending = oldestHolding();
                    failed(sequence, ex);
                    return;
                }
                writer = thread;
            }
        }
    }

    /** Logic thread: true while a snapshot handed over is not yet written (or failed). */
    synchronized boolean writing()
    {
        return !pending.isEmpty();
    }

    /** Guarded by this: the sequence of the oldest pending snapshot that holds results back, or MAX_VALUE. */
    private long oldestHolding()
    {
        for (final Pending each : pending)
        {
            if (each.holdsResults())
            {
                return each.sequence();
            }
        }
        return Long.MAX_VALUE;
    }

    /** Logic thread: the state could not be serialized; counted and reported as a failed write would be. */
    void serializeFailed(final long sequence, final ExpandableDirectByteBuffer state, final RuntimeException ex)
    {
        spare.compareAndSet(null, state);
        failed(sequence, ex);
    }

    /** The sequence of the oldest snapshot not yet written that holds results back, or MAX_VALUE. Any thread. */
    long oldestPending()
    {
        return oldestPending;
    }

    /** Waits (up to {@code timeoutMillis}) until every snapshot handed over is written or has failed. */
    void awaitWritten(final long timeoutMillis)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true)
        {
            final Thread current;
            synchronized (this)
            {
                current = writer;
            }
            final long left = deadline - System.nanoTime();
            if (current == null)
            {
                return;
            }
            if (left <= 0)
            {
                System.getLogger("flashgate.engine").log(System.Logger.Level.WARNING, "closing with a snapshot still "
                    + "being written to " + store.directory() + " after " + timeoutMillis + " ms: the disk is slow; "
                    + "recovery uses the newest complete snapshot");
                return;
            }
            try
            {
                current.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void writePending()
    {
        while (true)
        {
            final Pending next;
            synchronized (this)
            {
                next = pending.peekFirst();
                if (next == null)
                {
                    writer = null;
                    return;
                }
            }
            writeOne(next);
            synchronized (this)
            {
                pending.removeFirst();
                oldestPending = oldestHolding();
            }
            spare.compareAndSet(null, next.state());
            written.run();
        }
    }

    private void writeOne(final Pending snapshot)
    {
        try
        {
            store.write(snapshot.sequence(), snapshot.state(), 0, snapshot.length());
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            // Even an Error (no memory for the write's buffer): the gate must move on, or the egress would hold every
            // result from here on.
            failed(snapshot.sequence(), ex);
        }
    }

    /**
     * A failed snapshot loses nothing (the journal has every command and the store leaves no file recovery would
     * trust): report, count and go on; the next interval's snapshot is the retry.
     */
    private void failed(final long sequence, final Throwable ex)
    {
        failures.incrementAndGet();
        System.getLogger("flashgate.engine").log(System.Logger.Level.WARNING, "snapshot at sequence " + sequence
            + " in " + store.directory() + " failed: " + ex + "; the engine goes on and tries again at the next "
            + "snapshot interval (free disk space if this repeats)");
    }
}
