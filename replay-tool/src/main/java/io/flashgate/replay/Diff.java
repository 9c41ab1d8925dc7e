package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.journal.JournalReader;
import io.flashgate.journal.ScanProblem;
import io.flashgate.journal.SegmentScan;
import io.flashgate.protocol.MessageText;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code diff A B}: compares two journals (a primary's and its standby's) record by record over the sequences both
 * hold, and reports the first divergence with both records rendered, or that one is a prefix of the other.
 *
 * <p>Journals are read by push (a replay calls back), so the two cannot be walked in lock-step; instead B's records
 * for one of A's segments at a time are copied into memory, then that segment of A is replayed against them. Memory
 * is about one segment; each journal is read once (B at most one extra segment per window, where its segments
 * are cut at other places).
 */
final class Diff implements Verb
{
    @Override
    public String name()
    {
        return "diff";
    }

    @Override
    public String summary()
    {
        return "compare two journals record by record (primary vs standby)";
    }

    @Override
    public String synopsis()
    {
        return "diff A B";
    }

    @Override
    public String description()
    {
        return """
            A and B are engine data folders or journal folders. Compares the records both hold, byte for byte
            (a standby journals exactly the primary's stamped commands), and prints either
              identical: <n> records (<first>..<last>)
              B is a prefix of A: A has <n> more records (<from>..<to>)      (a standby that lags: normal)
              first divergence at sequence <s>:  then both records as JSON
            Read-only. Exit 0: identical or a prefix. Exit 1: divergence.""";
    }

    @Override
    public List<Option> options()
    {
        return List.of();
    }

    @Override
    public int run(final Args args, final Terminal terminal) throws ToolException, UsageException, IOException
    {
        final List<String> paths = args.positionals("A", "B");
        final DataLayout layoutA = DataLayout.resolve(paths.get(0));
        final DataLayout layoutB = DataLayout.resolve(paths.get(1));
        final JournalReader a = layoutA.openReader(terminal);
        final JournalReader b = layoutB.openReader(terminal);
        final PrintStream out = terminal.out();
        out.println("A " + layoutA.journal() + ": " + DataLayout.describeRange(a) + problemOf(a));
        out.println("B " + layoutB.journal() + ": " + DataLayout.describeRange(b) + problemOf(b));

        final long start = Math.max(a.firstSequence(), b.firstSequence());
        final long end = Math.min(a.lastSequence(), b.lastSequence());
        if (a.firstSequence() != b.firstSequence() && a.records() > 0 && b.records() > 0)
        {
            out.println("note: A starts at sequence " + a.firstSequence() + ", B at " + b.firstSequence()
                + "; comparing from " + start);
        }
        final Progress progress = new Progress(terminal, name(), Math.max(0, end - start + 1));
        final Divergence divergence = start <= end && a.records() > 0 && b.records() > 0
            ? firstDivergence(a, b, start, end, progress) : null;
        progress.finish(progress.count(), "records compared");

        if (divergence != null)
        {
            out.println("first divergence at sequence " + divergence.sequence() + ":");
            out.println("  A: " + divergence.a());
            out.println("  B: " + divergence.b());
            terminal.err().println("replay-tool: diff: the journals diverge at sequence " + divergence.sequence());
            return ExitCodes.FAILED;
        }
        if (a.records() == 0 && b.records() == 0)
        {
            out.println("identical: both empty");
            return ExitCodes.OK;
        }
        if (a.records() == 0 || b.records() == 0)
        {
            final String empty = a.records() == 0 ? "A" : "B";
            final JournalReader other = a.records() == 0 ? b : a;
            out.println(empty + " is empty, a prefix of " + (a.records() == 0 ? "B" : "A") + ": it has "
                + other.records() + " more records (" + other.firstSequence() + ".." + other.lastSequence() + ")");
            return ExitCodes.OK;
        }
        if (start > end)
        {
            out.println("no records in common");
            return ExitCodes.FAILED;
        }
        if (a.lastSequence() == b.lastSequence() && a.firstSequence() == b.firstSequence())
        {
            out.println("identical: " + a.records() + " records (" + a.firstSequence() + ".." + a.lastSequence() + ")");
        }
        else if (a.lastSequence() > b.lastSequence())
        {
            out.println("B is a prefix of A: A has " + (a.lastSequence() - b.lastSequence()) + " more records ("
                + (b.lastSequence() + 1) + ".." + a.lastSequence() + ")");
        }
        else if (b.lastSequence() > a.lastSequence())
        {
            out.println("A is a prefix of B: B has " + (b.lastSequence() - a.lastSequence()) + " more records ("
                + (a.lastSequence() + 1) + ".." + b.lastSequence() + ")");
        }
        else
        {
            out.println("identical over " + start + ".." + end + " (the journals start at different sequences)");
        }
        return ExitCodes.OK;
    }

    private static String problemOf(final JournalReader reader)
    {
        final ScanProblem problem = reader.scan().firstProblem();
        return problem == null ? "" : "; " + (problem.tornTail() ? "torn tail" : "corruption")
            + " after it, compared up to there";
    }

    /** Windows are A's segments, so A is replayed from each segment's start and never re-walked. */
    private static Divergence firstDivergence(final JournalReader a, final JournalReader b, final long start,
        final long end, final Progress progress)
    {
        final Window window = new Window();
        for (final SegmentScan segment : a.scan().segments())
        {
            if (segment.records() == 0)
            {
                continue;
            }
            final long from = Math.max(start, segment.firstSequence());
            final long to = Math.min(end, segment.lastSequence());
            if (from > to)
            {
                continue;
            }
            window.fill(b, from, to);
            final Divergence[] found = new Divergence[1];
            Replays.until(a, from - 1, to, (sequence, buffer, offset, length) ->
            {
                progress.step();
                final int index = (int)(sequence - from);
                if (!window.matches(index, buffer, offset, length))
                {
                    found[0] = new Divergence(sequence, MessageText.toJson(buffer, offset, length),
                        window.render(index));
                    return false;
                }
                return true;
            });
            if (found[0] != null)
            {
                return found[0];
            }
            if (to >= end)
            {
                break;
            }
        }
        return null;
    }

    private record Divergence(long sequence, String a, String b)
    {
    }

    /** B's records over one window, copied back to back. */
    private static final class Window
    {
        private final ExpandableArrayBuffer bytes = new ExpandableArrayBuffer(1 << 20);
        private int[] offsets = new int[1 << 14];
        private int[] lengths = new int[1 << 14];
        private int count;
        private int position;

        void fill(final JournalReader b, final long from, final long to)
        {
            count = 0;
            position = 0;
            b.replay(from - 1, to, (sequence, buffer, offset, length) ->
            {
                if (count == offsets.length)
                {
                    offsets = Arrays.copyOf(offsets, count * 2);
                    lengths = Arrays.copyOf(lengths, count * 2);
                }
                bytes.putBytes(position, buffer, offset, length);
                offsets[count] = position;
                lengths[count] = length;
                position += length;
                count++;
            });
        }

        boolean matches(final int index, final DirectBuffer buffer, final int offset, final int length)
        {
            if (index >= count || lengths[index] != length)
            {
                return false;
            }
            final int base = offsets[index];
            int i = 0;
            for (; i + 8 <= length; i += 8)
            {
                if (bytes.getLong(base + i) != buffer.getLong(offset + i))
                {
                    return false;
                }
            }
            for (; i < length; i++)
            {
                if (bytes.getByte(base + i) != buffer.getByte(offset + i))
                {
                    return false;
                }
            }
            return true;
        }

        String render(final int index)
        {
            return index < count ? MessageText.toJson(bytes, offsets[index], lengths[index]) : "(no record)";
        }
    }
}
