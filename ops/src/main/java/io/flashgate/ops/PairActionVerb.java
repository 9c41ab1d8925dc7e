package io.flashgate.ops;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.config.ConfigException;
import io.flashgate.config.ConfigLoader;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.config.Settings;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code promote [--force]} and {@code solo}: an operator's word to one engine of a pair, through the operator routes
 * beside its /metrics ({@code metrics.host:metrics.port}, docs/HTTP-API.md, "Engine process"). Prints the engine's
 * answer; exit 0 when it acts, 1 when it refuses (a standby not in sync, an engine alone), 3 when no engine answers.
 */
final class PairActionVerb implements LauncherVerb
{
    private final String name;
    private final String summary;
    private final String description;

    private PairActionVerb(final String name, final String summary, final String description)
    {
        this.name = name;
        this.summary = summary;
        this.description = description;
    }

    static List<PairActionVerb> all()
    {
        return List.of(
            new PairActionVerb("promote", "make a standby in sync the primary, under a new epoch (--force: one that is not)",
                "Tells the engine at metrics.host:metrics.port, a pair's standby, to become the primary: it journals a\n" +
                "new epoch, takes commands and releases alone until its peer rejoins as the standby. The old primary,\n" +
                "if alive, is fenced: it releases nothing more and rejoins as the standby. A standby that is not in\n" +
                "sync is refused unless --force (it may lack acknowledged orders: they would be lost)."),
            new PairActionVerb("solo", "let a pair's primary release without its standby (one copy) until one is back",
                "Tells the engine at metrics.host:metrics.port, a pair's primary whose standby is absent, to release\n" +
                "results alone: the sale goes on, with every order on one machine only, until a standby is in sync\n" +
                "again (then it is synchronous again by itself). Shown in /admin/engine, /metrics and the log."));
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
        return name + ("promote".equals(name) ? " [--force]" : "") + " [--config FILE] [--metrics-host H] [--metrics-port P]";
    }

    @Override
    public String description()
    {
        return description;
    }

    @Override
    public List<Option> options()
    {
        final List<Option> extra = new ArrayList<>();
        if ("promote".equals(name))
        {
            extra.add(Option.flag("force", "promote a standby that is not in sync (it may lack acknowledged orders)"));
        }
        return LauncherVerb.withSettings(List.of(Settings.get("metrics.host"), Settings.get("metrics.port")),
            extra.toArray(Option[]::new));
    }

    @Override
    public int execute(final Args args, final Map<String, String> env, final PrintStream out)
        throws UsageException, ConfigException, EnvironmentException, IOException
    {
        args.positionals();
        final boolean force = "promote".equals(name) && args.flag("force");
        final FlashgateConfig config = ConfigLoader.load(env, args.values()).config();
        final String base = "http://" + config.metrics().host() + ":" + config.metrics().port();
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try
        {
            final HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(base + "/admin/" + name +
                    (force ? "?force=true" : ""))).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            out.println(answer.body());
            return answer.statusCode() / 100 == 2 ? Launcher.OK : Launcher.FAILED;
        }
        catch (final IOException ex)
        {
            throw new EnvironmentException("no engine answers at " + base + " (" + ex + "): start it, or give its " +
                "--metrics-host/--metrics-port");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }
}
