package io.flashgate.replay;

import io.flashgate.cli.Args;
import io.flashgate.cli.UsageException;
import io.flashgate.cli.Option;
import io.flashgate.journal.JournalReader;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which past state a verb shows: the journal's end (default), {@code --at-seq N} or {@code --at-time T};
 * {@code --from-zero} ignores snapshots. Shared by {@code rebuild} and {@code export}.
 *
 * @param sequence    the last record the state includes.
 * @param description how the sequence was chosen, for the report.
 * @param toEnd       true when the point is the journal's end (the default, or a time no record of the valid
 *                    prefix is stamped after): damage after the valid prefix could have changed that state.
 */
record StatePoint(long sequence, String description, boolean toEnd)
{
    static final List<Option> OPTIONS = List.of(
        Option.valued("at-seq", "N", "the state right after sequence N"),
        Option.valued("at-time", "ISO", "the state at that time: after the last command before the first one "
            + "stamped later"),
        Option.flag("from-zero", "replay from zero instead of starting from the newest usable snapshot"));

    static StatePoint resolve(final Args args, final JournalReader reader, final Progress progress)
        throws ToolException, UsageException
    {
        args.exclusive("at-seq", "at-time");
        final Optional<Long> atSequence = args.number("at-seq", 0);
        final Optional<Instant> atTime = args.instant("at-time");
        if (atSequence.isPresent())
        {
            if (atSequence.get() > reader.lastSequence())
            {
                throw ToolException.failure("--at-seq " + atSequence.get() + " is past the end of the journal ("
                    + reader.lastSequence() + ")");
            }
            return new StatePoint(atSequence.get(), "at sequence " + atSequence.get(), false);
        }
        if (atTime.isPresent())
        {
            final long sequence = Math.max(0, Replays.lastSequenceAt(reader, atTime.get(), progress));
            final boolean end = sequence == reader.lastSequence();
            return new StatePoint(sequence, "at time " + atTime.get() + ": sequence " + sequence
                + (end ? " (the journal's end)" : " (the next command is stamped later)"), end);
        }
        return new StatePoint(reader.lastSequence(), "at the journal's end: sequence " + reader.lastSequence(), true);
    }

    /** The last sequence the state needed: for the journal's end, everything, damaged or not. */
    long needed()
    {
        return toEnd ? Long.MAX_VALUE : sequence;
    }
}
