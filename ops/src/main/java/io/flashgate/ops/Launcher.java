package io.flashgate.ops;

import io.flashgate.cli.ExitCodes;
import io.flashgate.cli.Args;
import io.flashgate.cli.UsageException;
import io.flashgate.cli.Verb;
import io.flashgate.config.ConfigException;
import io.flashgate.config.ConfigLoader;
import io.flashgate.config.SettingsText;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ops/flashgate run | engine | standby | edge | sink | promote | solo | drill | token | config | demo | zookeeper}: see {@link #help()}. Exit codes: {@link ExitCodes}
 * (docs/CONFIG.md, "Exit codes"). Every failure is one line on stderr, never a stack trace. Processes run until SIGTERM
 * or Ctrl-C, then shut down in reverse order of start.
 */
public final class Launcher
{
    static final int OK = ExitCodes.OK;
    static final int FAILED = ExitCodes.FAILED;
    static final String PROGRAM = "ops/flashgate";

    private static final List<LauncherVerb> VERBS = verbs();

    private Launcher()
    {
    }

    private static List<LauncherVerb> verbs()
    {
        final List<LauncherVerb> verbs = new ArrayList<>(ServeVerb.all());
        verbs.addAll(PairActionVerb.all());
        verbs.add(new DrillVerb());
        verbs.add(new SinkVerb());
        verbs.add(new TokenVerb());
        verbs.add(new ConfigVerb());
        verbs.add(new DemoVerb());
        verbs.add(new ZooKeeperVerb());
        return List.copyOf(verbs);
    }

    public static void main(final String[] args)
    {
        final int code = run(Arrays.asList(args), System.getenv(), System.out, System.err);
        if (code != OK)
        {
            System.exit(code);
        }
    }

    static int run(final List<String> args, final PrintStream out, final PrintStream err)
    {
        return run(args, System.getenv(), out, err);
    }

    static int run(final List<String> args, final Map<String, String> env, final PrintStream out, final PrintStream err)
    {
        if (args.isEmpty())
        {
            err.print(usage());
            return UsageException.EXIT_CODE;
        }
        if (List.of("help", "-h", "--help").contains(args.get(0)))
        {
            out.print(help());
            return OK;
        }
        final Optional<LauncherVerb> verb = VERBS.stream().filter(v -> v.name().equals(args.get(0))).findFirst();
        if (verb.isEmpty())
        {
            err.println("flashgate: unknown command '" + args.get(0) + "' (try: " + PROGRAM + " help)");
            return UsageException.EXIT_CODE;
        }
        try
        {
            final Args parsed = verb.get().parse(PROGRAM, args.subList(1, args.size()));
            if (parsed.help())
            {
                out.print(verb.get().help(PROGRAM));
                return OK;
            }
            return verb.get().execute(parsed, env, out);
        }
        catch (final UsageException ex)
        {
            err.println("flashgate: " + ex.getMessage());
            return UsageException.EXIT_CODE;
        }
        catch (final ConfigException ex)
        {
            err.println("flashgate: config: " + ex.getMessage());
            return ConfigException.EXIT_CODE;
        }
        catch (final EnvironmentException ex)
        {
            err.println("flashgate: " + ex.getMessage());
            return EnvironmentException.EXIT_CODE;
        }
        catch (final ProcessFault ex)
        {
            err.println("flashgate: " + ex.getMessage());
            return ex.exitCode();
        }
        catch (final IOException | RuntimeException ex)
        {
            if (causedBy(ex, BindException.class))
            {
                err.println("flashgate: a port is in use: " + oneLine(ex));
                return EnvironmentException.EXIT_CODE;
            }
            err.println("flashgate: failed: " + oneLine(ex));
            return FAILED;
        }
    }

    private static boolean causedBy(final Throwable failure, final Class<? extends Throwable> type)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (type.isInstance(cause))
            {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(final Throwable failure)
    {
        final String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return message.lines().findFirst().orElse("") + " (" + failure.getClass().getSimpleName() + ")";
    }

    /** The short usage printed on a bare {@code ops/flashgate}. */
    static String usage()
    {
        return "usage: " + PROGRAM + " <command> [options]   (" + PROGRAM + " help: every command and setting)\n" +
            Verb.list(VERBS);
    }

    /** The commands, then every setting with its flag, variable and default, generated from the settings. */
    static String help()
    {
        return usage() + "\n" +
            "Settings (docs/CONFIG.md): defaults, then the YAML file (--config FILE or " + ConfigLoader.CONFIG_ENV +
            "),\nthen FLASHGATE_* variables, then flags; each command takes the flags of the settings it reads\n" +
            "(" + PROGRAM + " <command> --help).\n" + SettingsText.help() + "\n" +
            "Exit codes: 0 ok, 1 failed at run time, 2 usage or configuration error, 3 environment (a folder that\n" +
            "cannot be written, a port in use; also the JVM out of memory), 5 media driver lost (restart it).\n";
    }
}
