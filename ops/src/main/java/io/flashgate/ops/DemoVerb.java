package io.flashgate.ops;

import io.flashgate.cli.ExitCodes;
import io.flashgate.load.ContestedBurst;
import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.config.ConfigException;
import io.flashgate.config.ConfigLoader;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.config.LoadedConfig;
import io.flashgate.config.ProcessKind;
import io.flashgate.config.Settings;
import io.flashgate.edge.http.Tokens;
import io.flashgate.ops.log.KeyValueLog;
import io.flashgate.protocol.Ids;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * {@code demo}: starts Flashgate ({@code run}'s composition root) or uses a running one ({@code --url}), creates a
 * sale that opens in {@code --opens-in} seconds, prints the shopper page's and the console's addresses with ready
 * tokens, then, when the sale opens, runs a contested burst with the load generator ({@link ContestedBurst}: honest
 * shoppers and a few bots, one user each) and prints what happened (ops/RUNBOOK.md, "Demo").
 */
final class DemoVerb implements LauncherVerb
{
    @Override
    public String name()
    {
        return "demo";
    }

    @Override
    public String summary()
    {
        return "a sale opening in 20 s, the pages' addresses with tokens, then a contested burst and what it did";
    }

    @Override
    public String synopsis()
    {
        return "demo [--url URL] [--opens-in S] [--seconds S] [--stock N] [--shoppers N] [--rate N] [--bots N] " +
            "[--keep-running] [options]";
    }

    @Override
    public String description()
    {
        return String.join("\n",
            "Starts Flashgate as `run` does (or uses the one at --url, whose token secret must be the configured",
            "one), creates a sale opening in --opens-in seconds and prints the shopper page and console addresses",
            "with ready tokens. When the sale opens it runs a contested burst for --seconds: --shoppers honest",
            "shoppers at --rate requests/s, and --bots bots, one user each, at --bot-rate requests/s each. Then it",
            "prints sold vs stock, rejections by reason, throughput, latency percentiles, what the bots got against",
            "the honest shoppers, and where the HTML report is. Exit code 0 only if sold == min(stock, demand).");
    }

    @Override
    public List<Option> options()
    {
        return LauncherVerb.withSettings(Settings.usedBy(ProcessKind.RUN),
            Option.valued("url", "URL", "use the Flashgate edge at URL (default: start one, as `run` does)"),
            Option.valued("opens-in", "S", "seconds until the sale opens (default 20)"),
            Option.valued("seconds", "S", "length of the burst (default 10)"),
            Option.valued("stock", "N", "units on sale (default 500)"),
            Option.valued("limit", "L", "units per shopper (default 2)"),
            Option.valued("shoppers", "N", "honest shoppers (default 2000)"),
            Option.valued("rate", "N", "honest requests per second (default 1000)"),
            Option.valued("bots", "N", "bots, one user each (default 3; 0: none)"),
            Option.valued("bot-rate", "N", "requests per second of each bot (default 200)"),
            Option.valued("sale", "ID", "the sale's id (default demo-<time>)"),
            Option.valued("out", "DIR", "folder of the HTML report (default: a new temporary folder)"),
            Option.flag("keep-running", "keep serving after the burst until Ctrl-C (when demo started Flashgate)"));
    }

    @Override
    public int execute(final Args args, final Map<String, String> env, final PrintStream out)
        throws UsageException, ConfigException, EnvironmentException, IOException, ProcessFault
    {
        args.positionals();
        final DemoPlan plan = DemoPlan.from(args);
        final LoadedConfig loaded = ConfigLoader.load(env, args.values());
        final FlashgateConfig config = loaded.config();
        KeyValueLog.configure(config.log().levels());
        final String secret;
        FlashgateProcess process = null;
        final URI base;
        if (plan.url() == null)
        {
            Preflight.dataFolderWritable(loaded);
            Preflight.portFree(loaded, config.edge().httpHost(), config.edge().httpPort(), "edge.httpPort");
            secret = TokenSecret.resolve(config);
            KeyValueLog.neverShow(secret);
            process = RunProcess.start(config, secret);
            out.println("flashgate: ready: " + process.description());
            base = URI.create("http://" + config.edge().httpHost() + ":" + config.edge().httpPort());
        }
        else
        {
            secret = TokenSecret.resolve(config);
            KeyValueLog.neverShow(secret);
            base = plan.url();
        }
        try
        {
            return run(plan, base, new Tokens(secret), out);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        }
        catch (final IOException | RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IOException(ex.getMessage(), ex);
        }
        finally
        {
            if (process != null)
            {
                if (plan.keepRunning())
                {
                    out.println("flashgate: demo: still serving on " + base + " (Ctrl-C stops it)");
                    out.flush();
                    awaitStop(process);
                }
                else
                {
                    process.close();
                }
            }
        }
    }

    private static int run(final DemoPlan plan, final URI base, final Tokens tokens, final PrintStream out)
        throws Exception
    {
        // a whole second, never earlier than asked: the sale is SCHEDULED when created, so it opens in the log
        final Instant opens = Instant.now().plusSeconds(plan.opensInSeconds()).truncatedTo(ChronoUnit.SECONDS)
            .plusSeconds(1);
        final String admin = tokens.mint("demo-admin", Tokens.ADMIN_ROLE, Duration.ofHours(12));
        createSale(base, admin, plan, opens);
        final String viewer = tokens.mint("demo-shopper", null, Duration.ofHours(12));
        out.printf("flashgate: demo: sale %s, %,d units, %d per shopper, opens at %s (in %d s)%n", plan.saleId(),
            plan.stock(), plan.limit(), opens, (Duration.between(Instant.now(), opens).toMillis() + 999) / 1000);
        out.println("  shopper page: " + base + "/?sale=" + plan.saleId() + "#token=" + viewer);
        out.println("  console:      " + base + "/console#token=" + admin);
        out.flush();

        final String[] shoppers = new String[plan.shoppers()];
        for (int i = 0; i < shoppers.length; i++)
        {
            shoppers[i] = tokens.mint("shopper-" + i, null, Duration.ofHours(1));
        }
        final String[] bots = new String[plan.bots()];
        for (int i = 0; i < bots.length; i++)
        {
            bots[i] = tokens.mint("bot-" + i, null, Duration.ofHours(1));
        }
        final long wait = Duration.between(Instant.now(), opens).toMillis();
        if (wait > 0)
        {
            Thread.sleep(wait);
        }
        out.printf("flashgate: demo: the sale is open: %,d shoppers at %,.0f requests/s and %d bots at %,.0f/s each " +
            "for %.0f s%n", plan.shoppers(), plan.rate(), plan.bots(), plan.botRate(), plan.seconds());
        final Path report = plan.out() != null ? plan.out() : Files.createTempDirectory("flashgate-demo-");
        Files.createDirectories(report);
        final ContestedBurst.Result result = ContestedBurst.run(new ContestedBurst.Plan(base.getHost(),
            base.getPort() < 0 ? 80 : base.getPort(), plan.saleId(), plan.stock(), plan.limit(), shoppers, bots, admin,
            plan.rate(), plan.botRate(), plan.seconds(), report, plan.url() == null), out);
        return DemoSummary.print(result, plan, out);
    }

    private static void createSale(final URI base, final String admin, final DemoPlan plan, final Instant opens)
        throws IOException, InterruptedException
    {
        final String body = "{\"saleId\":\"" + plan.saleId() + "\",\"stock\":" + plan.stock() + ",\"limitPerUser\":" +
            plan.limit() + ",\"startsAt\":\"" + opens + "\",\"endsAt\":\"" + opens.plus(Duration.ofHours(1)) +
            "\",\"reservationTtlSeconds\":3600}";
        final HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                base.resolve("/admin/sales")).timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201)
        {
            throw new IOException("creating sale " + plan.saleId() + " at " + base + ": " + created.statusCode() + " " +
                created.body());
        }
    }

    /** Until SIGTERM or Ctrl-C, whose shutdown hook closes the process in reverse order of start. */
    private static void awaitStop(final FlashgateProcess process)
    {
        final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            process.close();
            stopped.countDown();
        }, "flashgate-shutdown"));
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** What {@code demo} was asked to do, every default here. */
    record DemoPlan(URI url, long opensInSeconds, double seconds, int stock, int limit, int shoppers, double rate,
        int bots, double botRate, String saleId, Path out, boolean keepRunning)
    {
        static DemoPlan from(final Args args) throws UsageException
        {
            final String sale = args.value("sale").orElse("demo-" + Instant.now().getEpochSecond());
            if (!Ids.isValid(sale))
            {
                throw new UsageException("--sale must be 1-64 characters of [A-Za-z0-9_.:-], was '" + sale + "'");
            }
            final URI url = args.value("url").map(DemoPlan::url).orElse(null);
            if (args.value("url").isPresent() && url == null)
            {
                throw new UsageException("--url must be http://host:port, was '" + args.value("url").get() + "'");
            }
            return new DemoPlan(url,
                args.number("opens-in", 0).orElse(20L),
                args.decimal("seconds", 1).orElse(10.0),
                args.number("stock", 1).orElse(500L).intValue(),
                args.number("limit", 1).orElse(2L).intValue(),
                args.number("shoppers", 1).orElse(2000L).intValue(),
                args.decimal("rate", 1).orElse(1000.0),
                args.number("bots", 0).orElse(3L).intValue(),
                args.decimal("bot-rate", 1).orElse(200.0),
                sale,
                args.value("out").map(Path::of).orElse(null),
                args.flag("keep-running"));
        }

        private static URI url(final String text)
        {
            try
            {
                final URI uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
                return "http".equals(uri.getScheme()) && uri.getHost() != null ? uri : null;
            }
            catch (final IllegalArgumentException ex)
            {
                return null;
            }
        }
    }
}
