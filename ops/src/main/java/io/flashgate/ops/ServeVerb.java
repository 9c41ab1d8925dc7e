package io.flashgate.ops;

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
import io.flashgate.ops.log.KeyValueLog;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code run}, {@code engine} and {@code edge}: load the settings, check the machine can serve them, start the
 * process kind's composition root, print one ready line and serve until SIGTERM or Ctrl-C, when a shutdown hook
 * closes everything in reverse order.
 */
final class ServeVerb implements LauncherVerb
{
    private final ProcessKind kind;
    private final String name;
    private final String summary;
    private final String description;

    private ServeVerb(final ProcessKind kind, final String summary, final String description)
    {
        this(kind, kind.name().toLowerCase(java.util.Locale.ROOT), summary, description);
    }

    private ServeVerb(final ProcessKind kind, final String name, final String summary, final String description)
    {
        this.kind = kind;
        this.name = name;
        this.summary = summary;
        this.description = description;
    }

    static List<ServeVerb> all()
    {
        return List.of(
            new ServeVerb(ProcessKind.RUN, "engine + edge + embedded media driver in one JVM (HTTP on 127.0.0.1:8080)",
                "Runs the engine and an HTTP edge in one JVM over Aeron IPC, with an embedded media driver.\n" +
                "The journal, snapshots and the kept token secret go in the data folder."),
            new ServeVerb(ProcessKind.ENGINE, "the engine alone, taking commands over UDP (--ingress, --egress)",
                "Runs the engine alone: commands on UDP --ingress, events as multi-destination-cast from the\n" +
                "control endpoint --egress, its figures on http://<metrics host>:<metrics port>/metrics.\n" +
                "With --pair-peer it is one engine of a hot-standby pair: it joins a primary it hears as the standby.\n" +
                "With --zookeeper it becomes the primary (a new epoch) if ZooKeeper's synchronous set lets it; without,\n" +
                "only when the other engine, a standby too, holds an older history, or on ops/flashgate promote."),
            new ServeVerb(ProcessKind.ENGINE, "standby", "the standby engine of a pair (--pair-peer, --pair-listen)",
                "Runs an engine as the hot standby of the engine at --pair-peer: it journals and applies every record\n" +
                "the primary sends, acknowledges them, answers no shopper, and takes over (a new epoch) when the\n" +
                "primary falls silent for pair.heartbeatTimeoutMillis after being in sync (pair.autoPromote), or on\n" +
                "ops/flashgate promote. ops/RUNBOOK.md, \"Hot standby\", has the two-host setup."),
            new ServeVerb(ProcessKind.EDGE, "an HTTP edge for a separate engine over UDP (--http-port, --ingress, --egress)",
                "Runs an HTTP edge for an engine in another process. It answers 503 NOT_READY until the engine\n" +
                "does. Every edge of one engine needs the same token secret."));
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public String summary()
    {
        return summary;
    }

    @Override
    public String synopsis()
    {
        return name() + " [--config FILE] [options]";
    }

    @Override
    public String description()
    {
        return description + "\nEach option also has an environment variable and a key in the --config file; a flag wins" +
            " over\nthe variable, which wins over the file (ops/flashgate config --print shows the result).";
    }

    @Override
    public List<Option> options()
    {
        return LauncherVerb.withSettings(Settings.usedBy(kind));
    }

    @Override
    public int execute(final Args args, final Map<String, String> env, final PrintStream out)
        throws UsageException, ConfigException, EnvironmentException, IOException, ProcessFault
    {
        args.positionals();
        final LoadedConfig loaded = ConfigLoader.load(env, args.values());
        final FlashgateConfig config = loaded.config();
        KeyValueLog.configure(config.log().levels());
        config.edge().secret().ifPresent(KeyValueLog::neverShow);
        if (kind != ProcessKind.EDGE || config.edge().secret().isEmpty())
        {
            Preflight.dataFolderWritable(loaded);
        }
        if (kind == ProcessKind.ENGINE)
        {
            Preflight.portFree(loaded, config.metrics().host(), config.metrics().port(), "metrics.port");
        }
        else
        {
            Preflight.portFree(loaded, config.edge().httpHost(), config.edge().httpPort(), "edge.httpPort");
        }
        final String secret = kind == ProcessKind.ENGINE ? null : TokenSecret.resolve(config);
        KeyValueLog.neverShow(secret);
        final FlashgateProcess process = switch (kind)
        {
            case RUN -> RunProcess.start(config, secret);
            case ENGINE -> EngineProcess.start(config, "standby".equals(name));
            case EDGE -> EdgeProcess.start(config, secret);
            case SINK -> throw new IllegalStateException("the sink is SinkVerb's");
        };
        return serve(process, out);
    }

    /**
     * Prints one ready line and blocks until the JVM is asked to stop (the shutdown hook closes everything) or a part
     * raises a {@link ProcessFault}: then the process closes in reverse order (the engine drains what it took in and
     * closes its journal, as on SIGTERM) and the fault is thrown for the launcher to print and exit with.
     */
    private static int serve(final FlashgateProcess process, final PrintStream out) throws ProcessFault
    {
        final FaultSignal faults = process.faults();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            faults.stopRequested();
            process.close();
            stopped.countDown();
        }, "flashgate-shutdown"));
        out.println("flashgate: ready: " + process.description());
        out.flush();
        try
        {
            final Optional<ProcessFault> fault = faults.await();
            if (fault.isPresent())
            {
                process.close();
                throw fault.get();
            }
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }
}
