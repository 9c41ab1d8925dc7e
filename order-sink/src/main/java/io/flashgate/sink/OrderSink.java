package io.flashgate.sink;

import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.journal.JournalCorruptedException;
import io.flashgate.journal.JournalGrowth;
import io.flashgate.journal.JournalReader;
import io.flashgate.journal.JournalTail;
import io.flashgate.journal.SnapshotStore;
import io.flashgate.engine.pipeline.StateBuilder;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The order sink: follows an engine's journal read-only ({@link JournalTail}), applies every record to its own
 * {@link BusinessLogic} (the same code and the same events as the engine and the replay tool), and commits the
 * changed order and sale rows with the sequence they cover in one transaction ({@link SinkStore}).
 *
 * <p>Start: the database's position N says where to resume; the state at N is rebuilt the way the replay tool does
 * (the newest snapshot at or before N, then the journal). An empty database catches up from the journal's first
 * record, or, when the journal no longer starts at 1, from the state at its end (a snapshot plus the journal after
 * it) written whole. A database that cannot be reached or logged in to at start, or holds a newer schema, stops the
 * start with one line ({@link SinkException}).
 *
 * <p>Running: one thread, {@code flashgate-sink}. A failed write is rolled back and retried with backoff (50 ms
 * doubling to 5 s), on a new connection; meanwhile the sink keeps reading so that lag shows, and the next commit
 * covers everything read. It never writes to the journal and takes no lock, so the engine cannot be slowed by it
 * but for the page cache and CPU it shares.
 */
public final class OrderSink implements AutoCloseable
{
    /** While the database is down, at most this many records wait in memory (then reading pauses too). */
    static final int MAX_WAITING_RECORDS = 1_000_000;
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final EventSink DISCARD = (buffer, offset, length) -> { };

    private final SinkConfig config;
    private final BusinessLogic logic;
    private final JournalTail tail;
    private final StandAside standAside;
    /** The stand-aside pace for the log line: "5 s" in production. */
    private final String standAsidePace;
    private final OrderChanges changes = new OrderChanges();
    private final SinkStatus status = new SinkStatus();
    private final PrintStream log;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private final String origin;
    private SinkStore store;
    private volatile boolean running = true;
    private volatile SinkException failure;
    private long backoffNanos = FIRST_BACKOFF_NANOS;
    private long downSinceNanos;

    private OrderSink(final SinkConfig config, final Duration standAsidePace, final SinkStore store,
        final BusinessLogic logic, final long position, final long commandTime, final String origin,
        final PrintStream log) throws IOException
    {
        this.config = config;
        this.store = store;
        this.logic = logic;
        this.origin = origin;
        this.log = log;
        this.tail = JournalTail.after(config.journalDirectory(), position);
        this.standAside = new StandAside(config.standAside(), config.batchSize(), standAsidePace.toNanos(),
            JournalTail.after(config.journalDirectory(), position), new JournalGrowth(config.journalDirectory()),
            position, System.nanoTime());
        this.standAsidePace = standAsidePace.toMillis() % 1000 == 0
            ? standAsidePace.toSeconds() + " s" : standAsidePace.toMillis() + " ms";
        status.journalSequence = position;
        status.committedSequence = position;
        status.journalTime = commandTime;
        status.committedTime = commandTime;
        status.ordersWritten = store.ordersWritten();
        this.thread = new Thread(this::run, "flashgate-sink");
    }

    /**
     * Connects, migrates, rebuilds the state at the database's position and starts following the journal.
     *
     * @param log where the sink's few lines go (database lost and back, a stop).
     * @throws SinkException one line for the operator.
     */
    public static OrderSink start(final SinkConfig config, final PrintStream log) throws SinkException, IOException
    {
        return start(config, log, Duration.ofNanos(StandAside.BATCH_INTERVAL_NANOS));
    }

    /** As {@link #start(SinkConfig, PrintStream)}, taking a batch every {@code standAsidePace} while standing aside. */
    static OrderSink start(final SinkConfig config, final PrintStream log, final Duration standAsidePace)
        throws SinkException, IOException
    {
        final Path journal = config.journalDirectory();
        if (!Files.isDirectory(journal))
        {
            throw new SinkException(SinkException.ENVIRONMENT, "no journal folder " + journal + ": sink.sourceDir "
                + "must be an engine's data folder (it holds journal/ and snapshots/)");
        }
        final SinkStore store = openWaiting(config.database(), log);
        try
        {
            final long position = store.position();
            final JournalReader reader = JournalReader.open(journal);
            final SnapshotStore snapshots = Files.isDirectory(config.snapshotDirectory())
                ? new SnapshotStore(config.snapshotDirectory()) : null;
            if (position > reader.lastSequence())
            {
                throw new SinkException(SinkException.FAILED, "the database holds the journal up to sequence "
                    + position + " but " + journal + " ends at " + reader.lastSequence() + ": is sink.sourceDir the "
                    + "engine that fed this database?");
            }
            final OrderSink sink;
            if (position == 0 && reader.records() > 0 && reader.firstSequence() > 1)
            {
                final StateBuilder.Built built = StateBuilder.at(reader, snapshots, reader.lastSequence(), DISCARD);
                store.load(built.logic(), built.sequence(), Long.MIN_VALUE);
                sink = new OrderSink(config, standAsidePace, store, built.logic(), built.sequence(), Long.MIN_VALUE,
                    "the state at sequence " + built.sequence() + " written whole (snapshot at "
                        + built.snapshotSequence() + " + " + built.replayed() + " records)", log);
            }
            else
            {
                final StateBuilder.Built built = StateBuilder.at(reader, snapshots, position, DISCARD);
                sink = new OrderSink(config, standAsidePace, store, built.logic(), position, Long.MIN_VALUE,
                    position == 0 ? "an empty database: from the journal's first record"
                    : "sequence " + position + " (state: " + (built.snapshotSequence() < 0 ? "replayed from zero"
                    : "snapshot at " + built.snapshotSequence() + " + " + built.replayed() + " records") + ")", log);
            }
            sink.thread.start();
            return sink;
        }
        catch (final SQLException ex)
        {
            store.close();
            throw new SinkException(SinkException.ENVIRONMENT, config.database().describe(ex));
        }
        catch (final IllegalStateException | JournalCorruptedException | UncheckedIOException ex)
        {
            store.close();
            throw new SinkException(SinkException.FAILED, "cannot rebuild the state from " + journal + ": "
                + ex.getMessage());
        }
        catch (final SinkException | IOException | RuntimeException ex)
        {
            store.close();
            throw ex;
        }
    }

    /** Opens the store, waiting while another session holds the writer lock (one line says so). */
    private static SinkStore openWaiting(final SinkDatabase database, final PrintStream log) throws SinkException
    {
        boolean told = false;
        while (true)
        {
            final SinkStore store = SinkStore.open(database);
            if (store != null)
            {
                return store;
            }
            if (!told)
            {
                log.println("flashgate: sink: waiting for the writer lock of " + database.url() + ": another sink "
                    + "(or a killed one the server has not let go yet) holds it");
                told = true;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            if (Thread.interrupted())
            {
                throw new SinkException(SinkException.FAILED, "interrupted while waiting for the writer lock");
            }
        }
    }

    /** @return how the sink started, for the ready line. */
    public String origin()
    {
        return origin;
    }

    public SinkStatus status()
    {
        return status;
    }

    /**
     * Waits until the sink stops by itself (a damaged journal, a newer schema written meanwhile).
     *
     * @return why, or null if it was closed.
     */
    public SinkException awaitStop() throws InterruptedException
    {
        stopped.await();
        return failure;
    }

    private void run()
    {
        try
        {
            while (running)
            {
                if (standAsideNow(System.nanoTime()))
                {
                    LockSupport.parkNanos(StandAside.PROBE_INTERVAL_NANOS);
                    continue;
                }
                final long startedNanos = System.nanoTime();
                final long bytesBefore = tail.bytesDelivered();
                final boolean caughtUp = read();
                final long records = changes.records();
                if (records > 0)
                {
                    final long bytes = tail.bytesDelivered() - bytesBefore;
                    commit();
                    if (changes.records() == 0)
                    {
                        final long now = System.nanoTime();
                        standAside.batchDone(records, bytes, now - startedNanos, now);
                    }
                }
                else if (caughtUp)
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(config.pollIntervalMillis()));
                }
            }
        }
        catch (final SinkException ex)
        {
            stopWith(ex);
        }
        catch (final JournalCorruptedException ex)
        {
            stopWith(new SinkException(SinkException.FAILED, "the journal is damaged: " + ex.getMessage()
                + "; the database holds everything up to sequence " + status.committedSequence));
        }
        catch (final IOException | RuntimeException ex)
        {
            stopWith(new SinkException(SinkException.FAILED, "stopped: " + ex));
        }
        finally
        {
            if (store != null)
            {
                store.close();
            }
            stopped.countDown();
        }
    }

    /**
     * Looks at the journal's head (for lag, at most every 200 ms) and says whether to wait rather than take a batch:
     * while the journal outgrows the sink, one batch every 5 s ({@link StandAside}). Not while the database is down:
     * then the sink reads on so that lag shows, and waits in its backoff anyway.
     */
    private boolean standAsideNow(final long nowNanos) throws IOException
    {
        final boolean wait = standAside.shouldWait(nowNanos, tail.lastSequence());
        status.journalHead = standAside.headSequence();
        status.journalHeadTime = standAside.headTime();
        if (standAside.standing() != status.standingAside)
        {
            status.standingAside = standAside.standing();
            if (standAside.standing())
            {
                status.standAsides++;
                log.printf(Locale.ROOT, "flashgate: sink: standing aside for a burst: the journal grows by %,.0f "
                    + "records/s, faster than the sink applies them (%,.0f/s); one batch every %s until it slows "
                    + "(%,d records behind)%n", standAside.appendPerSecond(), standAside.applyPerSecond(),
                    standAsidePace, status.lagRecords());
            }
            else
            {
                log.printf(Locale.ROOT, "flashgate: sink: full speed again after standing aside for %.1f s "
                    + "(%,d records behind)%n", standAside.stoodForNanos() / 1e9,
                    status.lagRecords());
            }
        }
        return wait && status.databaseUp;
    }

    /**
     * Reads and applies records: a batch when the database is up, everything up to {@link #MAX_WAITING_RECORDS}
     * while it is down (so lag keeps counting and the retry commits it all at once).
     *
     * @return true when the journal had no more whole records.
     */
    private boolean read() throws IOException
    {
        final long cap = status.databaseUp ? config.batchSize() : MAX_WAITING_RECORDS;
        boolean caughtUp = false;
        while (changes.records() < cap && !caughtUp)
        {
            final int wanted = (int)Math.min(Integer.MAX_VALUE, cap - changes.records());
            final int read = tail.poll((sequence, buffer, offset, length) ->
            {
                changes.beginRecord(sequence);
                logic.onCommand(buffer, offset, length, changes);
            }, wanted);
            caughtUp = read < wanted;
        }
        status.journalSequence = tail.lastSequence();
        if (changes.lastTimestamp() != Long.MIN_VALUE)
        {
            status.journalTime = changes.lastTimestamp();
        }
        status.waitingOn = tail.waitingOn();
        return caughtUp;
    }

    private void commit() throws SinkException
    {
        try
        {
            final long sequence = tail.lastSequence();
            if (store == null)
            {
                final SinkStore reopened = SinkStore.open(config.database());
                if (reopened == null)
                {
                    failed("another session holds the writer lock");
                    return;
                }
                store = reopened;
                store.resume(status.committedSequence, sequence);
            }
            final long time = changes.lastTimestamp() == Long.MIN_VALUE ? status.journalTime : changes.lastTimestamp();
            store.commit(logic, changes, sequence, time);
            status.ordersWritten += changes.orders().size();
            changes.clear();
            status.committedSequence = sequence;
            status.committedTime = time;
            status.commits++;
            if (!status.databaseUp)
            {
                log.println("flashgate: sink: database back after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime()
                    - downSinceNanos) + " ms; committed up to sequence " + sequence);
                status.databaseUp = true;
            }
            backoffNanos = FIRST_BACKOFF_NANOS;
        }
        catch (final SinkStore.PositionMovedException ex)
        {
            throw new SinkException(SinkException.FAILED, ex.getMessage());
        }
        catch (final SQLException ex)
        {
            failed(config.database().describe(ex));
        }
        catch (final SinkException ex)
        {
            if (ex.exitCode() != SinkException.ENVIRONMENT)
            {
                throw ex;
            }
            failed(ex.getMessage());
        }
    }

    /** A write or a connection failed: drop the connection, wait, and let the next round retry everything. */
    private void failed(final String why)
    {
        status.databaseFailures++;
        if (store != null)
        {
            store.close();
            store = null;
        }
        if (status.databaseUp)
        {
            status.databaseUp = false;
            downSinceNanos = System.nanoTime();
            log.println("flashgate: sink: database write failed, retrying with backoff (nothing is dropped; "
                + "committed up to sequence " + status.committedSequence + "): " + why);
        }
        LockSupport.parkNanos(backoffNanos);
        backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
    }

    private void stopWith(final SinkException ex)
    {
        failure = ex;
        running = false;
        log.println("flashgate: sink: " + ex.getMessage());
    }

    /** Stops the thread (a commit in progress finishes or rolls back) and closes the connection. */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            if (!thread.isAlive() && thread.getState() == Thread.State.NEW)
            {
                return;
            }
            thread.join(TimeUnit.SECONDS.toMillis(70));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
