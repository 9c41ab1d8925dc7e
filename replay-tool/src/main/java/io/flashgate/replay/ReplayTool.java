package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import io.flashgate.cli.Args;
import io.flashgate.cli.UsageException;
import io.flashgate.journal.JournalCorruptedException;
import io.flashgate.journal.JournalLockedException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The operator's journal tool: {@code replay-tool <verb> [options]}, usually run as
 * {@code ops/flashgate replay <verb> ...}. Verbs: verify, dump, rebuild, export, repair, snapshot, diff, draw-audit; each has
 * {@code --help}. Read-only verbs take no lock and work beside a running engine; repair and snapshot take the
 * journal's lock and refuse while an engine holds it.
 *
 * <p>Every failure ends as one line on stderr ({@code replay-tool: <verb>: <what>}) and an exit code (see
 * {@link ExitCodes}), never a stack trace.
 */
public final class ReplayTool
{
    static final String PROGRAM = "replay-tool";

    private ReplayTool()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs one verb in this JVM.
     *
     * @param args the verb and its arguments.
     * @param out  results.
     * @param err  notes, errors, progress and rate.
     * @return the exit code.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        return run(args, new Terminal(out, err, err == System.err && stderrIsTerminal()));
    }

    /**
     * True when stderr, where the progress bar goes, is a terminal. On Linux this is read from /proc, so the bar shows
     * even when the results on stdout go to a file ({@code dump ... > out.jsonl}); elsewhere it falls back to
     * {@link System#console()}, which needs stdin and stdout on a terminal.
     */
    static boolean stderrIsTerminal()
    {
        try
        {
            final String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        }
        catch (final IOException | UnsupportedOperationException | SecurityException ex)
        {
            return System.console() != null;
        }
    }

    static int run(final String[] args, final Terminal terminal)
    {
        final PrintStream err = terminal.err();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help"))
        {
            (args.length == 0 ? err : terminal.out()).print(usage());
            return args.length == 0 ? ExitCodes.USAGE : ExitCodes.OK;
        }
        final Optional<Verb> found = Verb.all().stream().filter(v -> v.name().equals(args[0])).findFirst();
        if (found.isEmpty())
        {
            err.println("replay-tool: unknown verb '" + args[0] + "' (verbs: "
                + Verb.all().stream().map(Verb::name).collect(Collectors.joining(", ")) + "; see replay-tool --help)");
            return ExitCodes.USAGE;
        }
        final Verb verb = found.get();
        try
        {
            final Args parsed = verb.parse(PROGRAM, Arrays.asList(args).subList(1, args.length));
            if (parsed.help())
            {
                terminal.out().print(verb.help(PROGRAM));
                return ExitCodes.OK;
            }
            return verb.run(parsed, terminal);
        }
        catch (final UsageException ex)
        {
            return fail(terminal, verb, ex.getMessage(), ExitCodes.USAGE);
        }
        catch (final ToolException ex)
        {
            return fail(terminal, verb, ex.getMessage(), ex.exitCode());
        }
        catch (final JournalLockedException ex)
        {
            return fail(terminal, verb, ex.getMessage() + "; stop the engine first", ExitCodes.ENVIRONMENT);
        }
        catch (final NoSuchFileException ex)
        {
            return fail(terminal, verb, "no such file or folder: " + ex.getFile(), ExitCodes.ENVIRONMENT);
        }
        catch (final AccessDeniedException ex)
        {
            return fail(terminal, verb, "permission denied: " + ex.getFile(), ExitCodes.ENVIRONMENT);
        }
        catch (final JournalCorruptedException ex)
        {
            return fail(terminal, verb, ex.getMessage() + " (did a file change while the tool read it?)",
                ExitCodes.ENVIRONMENT);
        }
        catch (final IOException ex)
        {
            return fail(terminal, verb, "I/O error: " + ex, ExitCodes.ENVIRONMENT);
        }
        catch (final UncheckedIOException ex)
        {
            return fail(terminal, verb, "I/O error: " + ex.getMessage() + ": " + ex.getCause(), ExitCodes.ENVIRONMENT);
        }
        catch (final OutOfMemoryError ex)
        {
            return fail(terminal, verb, "out of memory: give the JVM more heap (-Xmx)", ExitCodes.ENVIRONMENT);
        }
        catch (final LinkageError ex)
        {
            return fail(terminal, verb, "the JVM refused a class (" + ex + "): run it as ops/flashgate replay, which "
                + "passes the JVM flags of the root pom", ExitCodes.ENVIRONMENT);
        }
        catch (final RuntimeException ex)
        {
            return fail(terminal, verb, "unexpected error: " + ex, ExitCodes.ENVIRONMENT);
        }
        finally
        {
            terminal.out().flush();
            err.flush();
        }
    }

    private static int fail(final Terminal terminal, final Verb verb, final String message, final int exitCode)
    {
        terminal.out().flush();
        terminal.err().println("replay-tool: " + verb.name() + ": " + message);
        return exitCode;
    }

    static String usage()
    {
        final StringBuilder text = new StringBuilder("""
            usage: replay-tool <verb> [options]      (or: ops/flashgate replay <verb> [options])

            verbs:
            """);
        final List<Verb> verbs = Verb.all();
        for (final Verb verb : verbs)
        {
            text.append(String.format("  %-9s %s%n", verb.name(), verb.summary()));
        }
        text.append("""

            Each verb takes --help. Most take --data-dir DIR: the engine's data folder (journal/ and snapshots/).
            exit codes: 0 done/clean
                        1 problems: verify found damage; diff found a divergence; dump, rebuild or export
                          read a damaged journal (their output covers the valid prefix only)
                        2 usage error
                        3 failure: missing folder, not a journal, wrong format version, journal locked
                          (a running engine), unreadable data
            """);
        return text.toString();
    }
}
