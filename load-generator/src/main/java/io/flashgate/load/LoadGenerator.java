package io.flashgate.load;

import io.flashgate.cli.Args;
import io.flashgate.cli.UsageException;
import io.flashgate.cli.Verb;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * {@code ops/flashgate bench [compare|aeron|redis|http] [options]}: the contested-sale load generator. Finds the
 * sub-command ({@link CompareVerb} by default, or {@link HttpVerb}), parses its options with the one command-line
 * parser, and runs it. Usage errors print one line and exit 2; the exit code is otherwise the run's: 0 only if
 * every correctness check passed.
 */
public final class LoadGenerator
{
    static final String PROGRAM = "ops/flashgate bench";
    static final List<BenchVerb> VERBS = List.of(CompareVerb.COMPARE, CompareVerb.AERON, CompareVerb.REDIS,
        HttpVerb.HTTP);

    private LoadGenerator()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
            System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Runs the command line {@code argv} (what follows {@code bench}); returns the exit code. */
    static int run(final List<String> argv, final PrintStream out, final PrintStream err) throws Exception
    {
        final boolean verbGiven = !argv.isEmpty() && !argv.get(0).startsWith("-");
        final String name = verbGiven ? argv.get(0) : CompareVerb.COMPARE.name();
        final Optional<BenchVerb> verb = VERBS.stream().filter(v -> v.name().equals(name)).findFirst();
        if (verb.isEmpty())
        {
            err.println("unknown bench verb '" + name + "' (see: " + PROGRAM + " --help)");
            return UsageException.EXIT_CODE;
        }
        try
        {
            final Args args = verb.get().parse(PROGRAM, verbGiven ? argv.subList(1, argv.size()) : argv);
            if (args.help())
            {
                out.print(verbGiven ? verb.get().help(PROGRAM) : usage());
                return 0;
            }
            args.positionals();
            return verb.get().run(args, out);
        }
        catch (final UsageException ex)
        {
            err.println(ex.getMessage());
            return UsageException.EXIT_CODE;
        }
    }

    /** {@code bench --help}: the verbs, then the options of compare (aeron and redis take the same) and http. */
    static String usage()
    {
        return "usage: " + PROGRAM + " [compare|aeron|redis|http] [options]\n\nverbs:\n" + Verb.list(VERBS) + "\n" +
            CompareVerb.COMPARE.help(PROGRAM) + "(aeron and redis take the same options)\n\n" +
            HttpVerb.HTTP.help(PROGRAM);
    }
}
