package io.flashgate.engine.pair;

import io.flashgate.engine.pipeline.Engine;
import io.flashgate.protocol.BatchReader;
import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.MessageTypes;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * The standby's side of replication, on the link's thread: takes the primary's records in sequence into the engine
 * ({@link Engine#offerReplicated}: journaled and applied, never released). A record past a gap (the standby is still
 * catching up from the journal, or a message was lost) is kept in a bounded run of consecutive records, so that the
 * live stream is not lost while the gap is filled: once catch-up reaches the run, it is applied at once and the
 * standby is level with the live stream. A run that would outgrow its bound is dropped; catch-up then brings those
 * records too.
 *
 * <p>It never waits for room in the ring: on the Aeron duty cycle the standby's own stages, which drain the ring, run
 * on the same thread. A message that finds the ring full is refused ({@link #RING_FULL}) and the link leaves it in
 * Aeron's log to be read again in the next cycle; the run is kept until all of it is applied.
 */
final class StandbyIntake
{
    /** What {@link #onRecords} returns when the ring cannot take the message now: read it again later. */
    static final int RING_FULL = -1;
    private static final int MAX_RUN_BYTES = 32 << 20;

    private final Engine engine;
    private final PairState state;
    private final BatchReader frames = new BatchReader();
    private final ExpandableDirectByteBuffer run = new ExpandableDirectByteBuffer(1 << 16);
    private long runFrom;
    private int runCount;
    private int runBytes;

    StandbyIntake(final Engine engine, final PairState state)
    {
        this.engine = engine;
        this.state = state;
    }

    /** The next sequence this standby needs: below it, nothing is missing. */
    long next()
    {
        return engine.lastPublishedSequence() + 1;
    }

    /** The first sequence of the run kept past a gap, or 0 if none (a run the ring has not taken all of is no gap). */
    long runFrom()
    {
        return runCount == 0 || runFrom <= next() ? 0 : runFrom;
    }

    /**
     * Takes the records of one RECORDS message (consecutive records, as the replicator and catch-up send them);
     * @return records applied, or {@link #RING_FULL}: nothing of it was lost, offer it again. The part from this engine's next sequence on goes into the ring with one claim; a
     * message wholly past a gap is kept in the run.
     */
    int onRecords(final DirectBuffer buffer, final int offset, final int length)
    {
        final int count = frames.wrap(buffer, offset, length).remainingFrames();
        if (count < 1 || !frames.next())
        {
            return 0;
        }
        final long first = CommandDecoder.sequenceOf(frames.buffer(), frames.frameOffset());
        final long next = next();
        if (first > next)
        {
            keepAll(buffer, offset, length);
            return drainRun();
        }
        final long skip = next - first;
        if (skip >= count)
        {
            return drainRun(); // all already here
        }
        final int fresh = (int)(count - skip);
        if (fresh > engine.ringSize())
        {
            final int applied = applyOneByOne(buffer, offset, length);
            return applied < fresh && refusedForRoom() ? RING_FULL : applied + drainRun();
        }
        frames.wrap(buffer, offset, length);
        for (long i = 0; i < skip; i++)
        {
            frames.next();
        }
        if (!engine.offerReplicatedAll(frames, fresh))
        {
            return refusedForRoom() ? RING_FULL : 0;
        }
        noteEpochs(buffer, offset, length);
        return fresh + drainRun();
    }

    private void keepAll(final DirectBuffer buffer, final int offset, final int length)
    {
        frames.wrap(buffer, offset, length);
        while (frames.next())
        {
            keep(frames.buffer(), frames.frameOffset(), frames.frameLength(),
                CommandDecoder.sequenceOf(frames.buffer(), frames.frameOffset()));
        }
    }

    private int applyOneByOne(final DirectBuffer buffer, final int offset, final int length)
    {
        int applied = 0;
        frames.wrap(buffer, offset, length);
        while (frames.next())
        {
            final long sequence = CommandDecoder.sequenceOf(frames.buffer(), frames.frameOffset());
            if (sequence == next())
            {
                if (!apply(frames.buffer(), frames.frameOffset(), frames.frameLength(), sequence))
                {
                    break;
                }
                applied++;
            }
        }
        return applied;
    }

    /** A NEW_EPOCH among the records just taken raises the epoch this standby acknowledges in. */
    private void noteEpochs(final DirectBuffer buffer, final int offset, final int length)
    {
        frames.wrap(buffer, offset, length);
        while (frames.next())
        {
            final int at = frames.frameOffset();
            if (frames.frameLength() >= 2 && CommandDecoder.typeOf(frames.buffer(), at) == MessageTypes.NEW_EPOCH)
            {
                final long epoch = CommandDecoder.epochOf(frames.buffer(), at);
                if (epoch > state.epoch())
                {
                    state.epoch(epoch);
                }
            }
        }
    }

    /**
     * Applies what the run holds from {@link #next()} on; @return records applied. What the ring has no room for stays
     * in the run for the next call (the records applied before it are skipped then).
     */
    int drainRun()
    {
        if (runCount == 0 || runFrom > next())
        {
            return 0;
        }
        int applied = 0;
        int at = 0;
        for (int i = 0; i < runCount; i++)
        {
            final int size = run.getInt(at);
            final long sequence = runFrom + i;
            if (sequence == next())
            {
                if (!apply(run, at + 4, size, sequence))
                {
                    if (refusedForRoom())
                    {
                        return applied;
                    }
                    break;
                }
                applied++;
            }
            at += 4 + size;
        }
        clearRun();
        return applied;
    }

    /** An offer refused while the engine runs: the ring is full for now. A stopped engine takes nothing more. */
    private boolean refusedForRoom()
    {
        return engine.isRunning() && engine.fault() == null;
    }

    private void keep(final DirectBuffer record, final int at, final int size, final long sequence)
    {
        if (runCount > 0 && sequence < runFrom + runCount)
        {
            return; // already kept
        }
        if (runCount == 0 || sequence != runFrom + runCount || runBytes + 4 + size > MAX_RUN_BYTES)
        {
            clearRun();
            runFrom = sequence;
        }
        run.putInt(runBytes, size);
        run.putBytes(runBytes + 4, record, at, size);
        runBytes += 4 + size;
        runCount++;
    }

    private void clearRun()
    {
        runCount = 0;
        runBytes = 0;
        runFrom = 0;
    }

    /** One record into the ring; false if it has no room now (or the engine stopped). */
    private boolean apply(final DirectBuffer record, final int at, final int size, final long sequence)
    {
        if (!engine.offerReplicated(record, at, size, sequence))
        {
            return false;
        }
        if (size >= 2 && CommandDecoder.typeOf(record, at) == MessageTypes.NEW_EPOCH)
        {
            final long epoch = CommandDecoder.epochOf(record, at);
            if (epoch > state.epoch())
            {
                state.epoch(epoch);
            }
        }
        return true;
    }
}
