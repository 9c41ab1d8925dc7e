package io.flashgate.ops;

import io.flashgate.edge.http.OperationsServer;
import io.flashgate.cli.ExitCodes;
import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.config.ConfigException;
import io.flashgate.config.ConfigLoader;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.config.LoadedConfig;
import io.flashgate.config.ProcessKind;
import io.flashgate.config.Settings;
import io.flashgate.sink.BackgroundPriority;
import io.flashgate.sink.OrderSink;
import io.flashgate.sink.PrivatePostgres;
import io.flashgate.sink.SinkConfig;
import io.flashgate.sink.SinkDatabase;
import io.flashgate.sink.SinkException;
import io.flashgate.sink.SinkMetrics;
import io.flashgate.sink.SinkVerify;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code sink}: the order sink, an engine's journal into PostgreSQL, until SIGTERM; {@code sink verify}: the database
 * against {@code replay export} and {@code replay rebuild} at the database's sequence. With
 * {@code --embedded-postgres} both use a private PostgreSQL in {@code sink.embeddedFolder}: the sink owns it (starts
 * it, or takes on the one a killed sink left running, and stops it at the end); verify uses the one running there
 * and leaves it running, or starts and stops one when none runs ({@link PrivatePostgres}). A failure is one line and an exit code: 3 for a database that cannot be reached or logged in to, 1 for a
 * schema newer than this build, a journal that does not match the database, or differences found by verify.
 */
final class SinkVerb implements LauncherVerb
{
    private static final String EMBEDDED = "embedded-postgres";
    private static final System.Logger LOG = System.getLogger("flashgate.ops");

    @Override
    public String name()
    {
        return "sink";
    }

    @Override
    public String summary()
    {
        return "the order sink: an engine's journal into PostgreSQL (sink verify: compare the two)";
    }

    @Override
    public String synopsis()
    {
        return "sink [verify] [--config FILE] [--embedded-postgres] [options]";
    }

    @Override
    public String description()
    {
        return "Follows the journal in --source-dir (read-only, beside a running engine or a standby) and writes\n" +
            "every sale and order into the flashgate schema of --jdbc-url, exactly once: the rows and the journal\n" +
            "sequence they cover are committed together. Lag is on http://<metrics host>:<metrics port>/metrics.\n" +
            "A database that goes away is retried with backoff; nothing is dropped. 'sink verify' compares the\n" +
            "database with replay rebuild and export at the database's sequence: exit 0 equal, 1 different.\n" +
            "--embedded-postgres alone means --embedded-postgres true (a private PostgreSQL for trying it).";
    }

    @Override
    public List<Option> options()
    {
        return LauncherVerb.withSettings(Settings.usedBy(ProcessKind.SINK));
    }

    /** A bare {@code --embedded-postgres} means true; the setting's flag otherwise takes a value like any other. */
    @Override
    public Args parse(final String program, final List<String> argv) throws UsageException
    {
        final List<String> rewritten = new ArrayList<>(argv);
        for (int i = 0; i < rewritten.size(); i++)
        {
            final boolean bare = rewritten.get(i).equals("--" + EMBEDDED) && (i + 1 == rewritten.size()
                || !Set.of("true", "false").contains(rewritten.get(i + 1)));
            if (bare)
            {
                rewritten.set(i, "--" + EMBEDDED + "=true");
            }
        }
        return LauncherVerb.super.parse(program, rewritten);
    }

    @Override
    public int execute(final Args args, final Map<String, String> env, final PrintStream out)
        throws UsageException, ConfigException, EnvironmentException, IOException, ProcessFault
    {
        final boolean verify = verifyAsked(args);
        final LoadedConfig loaded = ConfigLoader.load(env, args.values());
        final FlashgateConfig.Sink settings = loaded.config().sink();
        if (!verify)
        {
            Preflight.portFree(loaded, settings.metricsHost(), settings.metricsPort(), "sink.metricsPort");
            // ops/flashgate sink starts the JVM at background priority (it execs into it, so the pid its caller holds
            // is this one); the session's rank is set here, where the JVM knows whether the session is its own.
            LOG.log(System.Logger.Level.INFO, "sink.priority " + BackgroundPriority.rankOwnSessionLowest());
        }
        final StartedParts parts = new StartedParts();
        try
        {
            final SinkDatabase database;
            if (settings.embeddedPostgres())
            {
                // verify beside a running sink uses the sink's server and leaves it running
                final PrivatePostgres postgres = parts.add(verify
                    ? PrivatePostgres.useOrStart(settings.embeddedFolder(), settings.embeddedPort(), settings.user(),
                        settings.password())
                    : PrivatePostgres.start(settings.embeddedFolder(), settings.embeddedPort(), settings.user(),
                        settings.password()));
                database = postgres.database();
            }
            else
            {
                database = SinkConfig.database(settings);
            }
            return verify ? verify(database, settings, out) : serve(database, settings, parts, out);
        }
        catch (final SinkException ex)
        {
            throw new ProcessFault(ex.exitCode(), "sink: " + ex.getMessage());
        }
        finally
        {
            parts.close();
        }
    }

    /** {@code sink} alone serves; {@code sink verify} checks; any other word is a usage error. */
    private static boolean verifyAsked(final Args args) throws UsageException
    {
        List<String> words;
        try
        {
            words = args.positionals();
        }
        catch (final UsageException oneGiven)
        {
            words = args.positionals("verify");
        }
        if (!words.isEmpty() && !words.get(0).equals("verify"))
        {
            throw new UsageException("sink takes one word at most, 'verify', not '" + words.get(0)
                + "' (see: ops/flashgate sink --help)");
        }
        return !words.isEmpty();
    }

    private static int verify(final SinkDatabase database, final FlashgateConfig.Sink settings, final PrintStream out)
        throws SinkException
    {
        final SinkVerify.Report report = SinkVerify.check(database, settings.sourceDir());
        out.print(report.text());
        return report.equal() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Runs until SIGTERM (exit 0) or until the sink stops by itself (its exit code). */
    private static int serve(final SinkDatabase database, final FlashgateConfig.Sink settings,
        final StartedParts parts, final PrintStream out) throws SinkException, IOException
    {
        final OrderSink sink = parts.add(OrderSink.start(SinkConfig.of(settings, database), System.err));
        final PrometheusRegistry registry = new PrometheusRegistry();
        SinkMetrics.register(registry, sink.status());
        if (!settings.reportTo().isEmpty())
        {
            parts.add(new SinkReporter(settings.reportTo(), sink.status()));
        }
        final OperationsServer metrics = parts.add(OperationsServer.start(settings.metricsHost(),
            settings.metricsPort(), registry, () -> sink.status().databaseUp(), "database not reachable",
            "flashgate-sink-http", null));
        Runtime.getRuntime().addShutdownHook(new Thread(parts::close, "flashgate-shutdown"));
        out.println("flashgate: ready: sink from " + settings.sourceDir().toAbsolutePath() + " into " + database.url()
            + ", starting at " + sink.origin() + ", metrics on http://" + settings.metricsHost() + ":"
            + metrics.port() + "/metrics");
        out.flush();
        try
        {
            final SinkException failure = sink.awaitStop();
            if (failure != null)
            {
                throw failure;
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }
}
