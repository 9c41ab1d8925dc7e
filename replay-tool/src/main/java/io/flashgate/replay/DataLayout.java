package io.flashgate.replay;

import io.flashgate.engine.pipeline.StateBuilder;
import io.flashgate.cli.ExitCodes;
import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.journal.JournalReader;
import io.flashgate.journal.ScanProblem;
import io.flashgate.journal.SnapshotStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where a journal and its snapshots are, from what the operator typed: an engine data folder (the layout of
 * {@code EngineConfig}: {@code journal/} and {@code snapshots/} inside it) or a journal folder itself (its snapshots,
 * if it is named {@code journal}, are in the sibling {@code snapshots/}).
 *
 * @param given     the path as typed, for messages.
 * @param journal   the journal folder.
 * @param snapshots the snapshot folder, or null when the journal folder stands alone.
 */
record DataLayout(Path given, Path journal, Path snapshots)
{
    static final Option DATA_DIR_OPTION = Option.valued("data-dir", "DIR",
        "the engine's data folder (holding journal/ and snapshots/), or a journal folder");

    static final String JOURNAL = "journal";
    static final String SNAPSHOTS = "snapshots";

    /** The folder named by {@code --data-dir}. */
    static DataLayout fromArgs(final Args args) throws ToolException, UsageException
    {
        return resolve(args.required(DataLayout.DATA_DIR_OPTION.name()));
    }

    static DataLayout resolve(final String typed) throws ToolException
    {
        final Path path = Path.of(typed);
        if (!Files.exists(path))
        {
            throw ToolException.failure("no such folder: " + typed);
        }
        if (!Files.isDirectory(path))
        {
            throw ToolException.failure(typed + " is a file, not a folder");
        }
        if (Files.isDirectory(path.resolve(JOURNAL)))
        {
            return new DataLayout(path, path.resolve(JOURNAL), path.resolve(SNAPSHOTS));
        }
        if (holdsSegments(path))
        {
            final Path parent = path.toAbsolutePath().getParent();
            final Path snapshots = path.getFileName().toString().equals(JOURNAL) && parent != null
                ? parent.resolve(SNAPSHOTS) : null;
            return new DataLayout(path, path, snapshots);
        }
        throw ToolException.failure(typed + " is not a Flashgate data folder: it has no journal/ folder and no "
            + "journal-*.seg files");
    }

    /** @return the snapshot store, or null when this journal folder has none. */
    SnapshotStore snapshotStore()
    {
        return snapshots == null ? null : new SnapshotStore(snapshots);
    }

    /**
     * Opens the journal read-only, for the verbs that use its records. A journal whose very first segment cannot
     * be read (not a Flashgate journal, another format version) is an error; any other problem is a note on stderr
     * and the verb works on the valid prefix.
     */
    JournalReader openReader(final Terminal terminal) throws ToolException, IOException
    {
        final JournalReader reader = scan(terminal);
        refuseUnreadable(reader);
        final ScanProblem problem = reader.scan().firstProblem();
        if (problem != null)
        {
            terminal.note(problem.describe() + "; using the valid prefix, " + describeRange(reader));
        }
        return reader;
    }

    /**
     * Opens the journal read-only (a scan of every segment, checking every record's CRC). The scan gives no
     * progress of its own, so on a terminal a line says what is being read while it runs; the next progress bar or
     * output line overwrites it.
     */
    JournalReader scan(final Terminal terminal) throws IOException
    {
        String line = "";
        if (terminal.interactive())
        {
            long bytes = 0;
            int files = 0;
            try (Stream<Path> segments = Files.list(journal))
            {
                for (final Path segment : segments.filter(p -> p.getFileName().toString().endsWith(".seg")).toList())
                {
                    bytes += Files.size(segment);
                    files++;
                }
            }
            line = String.format(Locale.ROOT, "checking %s: %d segment(s), %,d MiB ...", journal, files, bytes >> 20);
            terminal.err().print("\r" + line);
            terminal.err().flush();
        }
        final JournalReader reader = JournalReader.open(journal);
        if (!line.isEmpty())
        {
            terminal.err().print("\r" + " ".repeat(line.length()) + "\r");
            terminal.err().flush();
        }
        return reader;
    }

    /**
     * Refuses a journal whose very first segment cannot be read at all: not a Flashgate journal, or written in
     * another format version. Nothing in it can be trusted, so no verb may act on it (repair would move it all).
     */
    static void refuseUnreadable(final JournalReader reader) throws ToolException
    {
        final ScanProblem problem = reader.scan().firstProblem();
        if (problem != null && reader.records() == 0 && problem.offset() == 0 && !problem.tornTail()
            && problem.segment().equals(reader.scan().segments().get(0).path()))
        {
            throw ToolException.failure("cannot read " + problem.segment() + ": " + problem.reason()
                + (problem.reason().contains("format version") ? "; use the replay tool of the build that wrote it"
                : ""));
        }
    }

    /**
     * The exit code of a verb that read the journal up to {@code upTo}: {@link ExitCodes#FAILED} (with a line on
     * stderr) when damage cut that range short, so what it printed covers only the valid prefix.
     */
    static int exitFor(final JournalReader reader, final long upTo, final Terminal terminal, final String verb)
    {
        final ScanProblem problem = reader.scan().firstProblem();
        if (problem == null || upTo <= reader.lastSequence())
        {
            return ExitCodes.OK;
        }
        terminal.err().println("replay-tool: " + verb + ": the journal is damaged after sequence "
            + reader.lastSequence() + " (" + (problem.tornTail() ? "torn tail" : "corruption")
            + "): the output covers the valid prefix only; run verify");
        return ExitCodes.FAILED;
    }

    static String describeRange(final JournalReader reader)
    {
        return reader.records() == 0 ? "no records"
            : "records " + reader.firstSequence() + ".." + reader.lastSequence() + " (" + reader.records() + ")";
    }

    private static boolean holdsSegments(final Path folder) throws ToolException
    {
        try (Stream<Path> files = Files.list(folder))
        {
            return files.anyMatch(file -> file.getFileName().toString().matches("journal-\\d{20}\\.seg"));
        }
        catch (final IOException ex)
        {
            throw ToolException.failure("cannot list " + folder + ": " + ex.getMessage());
        }
    }

    /** {@link StateBuilder#build}, its refusal as the tool's failure (exit 3) with the same one line. */
    static StateBuilder.Built build(final JournalReader reader, final SnapshotStore snapshots, final long target,
        final boolean fromZero, final Progress progress) throws ToolException, IOException
    {
        try
        {
            return StateBuilder.build(reader, snapshots, target, fromZero, progress);
        }
        catch (final StateBuilder.Unbuildable ex)
        {
            throw ToolException.failure(ex.getMessage());
        }
    }
}
