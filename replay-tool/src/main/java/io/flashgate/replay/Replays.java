package io.flashgate.replay;

import io.flashgate.journal.JournalReader;
import io.flashgate.protocol.CommandDecoder;
import org.agrona.DirectBuffer;

import java.time.Instant;

/**
 * Journal reads the verbs share: a replay a visitor may stop early, and finding the sequence that ends a moment.
 */
final class Replays
{
    /** Marks "no timestamp": the record is not a well-formed command. */
    static final long NO_TIME = Long.MIN_VALUE;

    private Replays()
    {
    }

    /** Sees records one by one and says whether to go on. */
    @FunctionalInterface
    interface Visitor
    {
        /** @return false to stop the replay after this record. */
        boolean visit(long sequence, DirectBuffer buffer, int offset, int length);
    }

    /**
     * Like {@link JournalReader#replay(long, long, io.flashgate.journal.RecordHandler)}, but the visitor may stop it.
     * The journal's replay has no stop of its own, so stopping unwinds it with a private, stackless exception; the
     * replay maps segments in try-with-resources, so nothing is left open.
     *
     * @return records visited, the one that stopped it included.
     */
    static long until(final JournalReader reader, final long afterSequence, final long upToSequence,
        final Visitor visitor)
    {
        final long[] visited = new long[1];
        try
        {
            reader.replay(afterSequence, upToSequence, (sequence, buffer, offset, length) ->
            {
                visited[0]++;
                if (!visitor.visit(sequence, buffer, offset, length))
                {
                    throw Stop.INSTANCE;
                }
            });
        }
        catch (final Stop stopped)
        {
            // The visitor asked for it.
        }
        return visited[0];
    }

    /**
     * The journal as of a moment: the state then is the one after the last command before the first command
     * stamped after {@code time} (business logic's clock is the highest stamp seen, so that is the state while its
     * clock read {@code time} or earlier). Reads only as far as needed.
     *
     * @return that command's sequence, or {@code firstSequence - 1} if the journal starts later.
     */
    static long lastSequenceAt(final JournalReader reader, final Instant time, final Progress progress)
    {
        final long limit = time.toEpochMilli();
        final CommandDecoder decoder = new CommandDecoder();
        final long[] last = {reader.lastSequence()};
        until(reader, 0, reader.lastSequence(), (sequence, buffer, offset, length) ->
        {
            progress.step();
            if (timestamp(decoder, buffer, offset, length) > limit)
            {
                last[0] = sequence - 1;
                return false;
            }
            return true;
        });
        return last[0];
    }

    /** @return the command's stamped time, or {@link #NO_TIME} if the record is not a well-formed command. */
    static long timestamp(final CommandDecoder decoder, final DirectBuffer buffer, final int offset, final int length)
    {
        return decoder.wrapAndValidate(buffer, offset, length) == null ? decoder.timestamp() : NO_TIME;
    }

    /** Unwinds a replay; carries nothing, so one instance serves. */
    private static final class Stop extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        private static final Stop INSTANCE = new Stop();

        private Stop()
        {
            super("replay stopped", null, false, false);
        }
    }
}
