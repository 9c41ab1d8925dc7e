package io.flashgate.load;

import io.flashgate.load.InterleavedRounds.Leg;
import io.flashgate.edge.EdgeConfig;
import io.flashgate.edge.http.Tokens;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP edge measured against its ceiling, in one run: Flashgate's HTTP edge (with engine, journaling on)
 * against a bare Javalin endpoint, both in one server JVM started by this benchmark ({@link HttpServerJvm}), driven
 * from this JVM over {@code --connections} keep-alive connections at saturation (wrk's model: as fast as the
 * connections allow, latency per request), then open loop at one rate. {@link HttpSummary} says what it shows:
 *
 * <ul>
 *   <li>POST purchase on an open sale vs the bare async POST: throughput ≥ 80 %, p99 ≤ 1.5×;</li>
 *   <li>GET status, and POST on a sold-out sale, vs the bare GET: throughput ≥ 90 %.</li>
 * </ul>
 *
 * <p>With {@code --standby}, a second server JVM's edge sits on the primary of a pair with synchronous replication
 * ({@link SyncPairInJvm}); its POST purchase runs interleaved with the journal-only one (saturation and open loop,
 * same rate): throughput ≥ 70 % of journal-only, p99 ≤ 2×.
 */
final class HttpBench
{
    /** Stock no phase can sell out. */
    private static final int BIG_STOCK = 100_000_000;

    /**
     * The merged results: the five saturation phases (bare GET, edge GET status, edge POST sold out, bare POST, edge
     * POST purchase) and, when it ran, the open loop (bare POST, edge POST purchase); with a standby, each list ends
     * with edge POST purchase on the pair's primary.
     *
     * @param standbyEngine with a standby: the pair's primary as its edge saw it after the last phase ("PRIMARY
     *                      IN_SYNC lag 0"); null without.
     */
    record Measured(List<OpenLoop.Result> saturation, List<OpenLoop.Result> open, String standbyEngine)
    {
        /** Index of the standby leg among the saturation phases, and among the open-loop ones. */
        static final int SATURATION_STANDBY = 5;
        static final int OPEN_STANDBY = 2;

        boolean hasStandby()
        {
            return standbyEngine != null;
        }
    }

    private HttpBench()
    {
    }

    static int run(final HttpOptions options, final PrintStream out) throws Exception
    {
        final Workload workload = new Workload(options.buyers(), options.duplicates());
        final Path outDir = RunFolders.output(options.out());
        final String secret = EdgeConfig.randomSecret();
        final Path work = Files.createTempDirectory("flashgate-bench-http-");
        out.printf("flashgate bench http%s%s: edge vs bare Javalin%s, %d connections, %,d buyers, limit %d, %.0fs per " +
                "phase after %.0fs warm-up; %d cores; output %s%n",
            options.pipelineWait() == null ? "" : " (engine wait " + lower(options.pipelineWait()) + ")",
            options.idle() == null ? "" : " (transport idle " + lower(options.idle()) + ")",
            options.standby() ? ", journal-only vs synchronous replication to a standby" : "", options.connections(), options.buyers(), options.limit(), options.seconds(), options.warmupSeconds(),
            Runtime.getRuntime().availableProcessors(), outDir.toAbsolutePath());
        final Measured measured;
        try (HttpServerJvm server = HttpServerJvm.start(secret, work, options, outDir.resolve("server-http.log"),
                false);
            HttpServerJvm standby = options.standby() ? HttpServerJvm.start(secret, work.resolve("standby"), options,
                outDir.resolve("server-http-standby.log"), true) : null)
        {
            CpuWatch.peer(server.pid(), "server JVM");
            final Tokens tokens = new Tokens(secret);
            final long mintStart = System.nanoTime();
            final String[] buyerTokens = new String[options.buyers()];
            for (int b = 0; b < buyerTokens.length; b++)
            {
                buyerTokens[b] = tokens.shopper("u" + b);
            }
            final String adminToken = tokens.admin("bench-admin");
            out.printf("server pid %d: edge on 127.0.0.1:%d, bare Javalin on 127.0.0.1:%d; %,d tokens minted in %.1fs%n",
                server.pid(), server.edgePort(), server.barePort(), buyerTokens.length,
                (System.nanoTime() - mintStart) / 1e9);
            if (standby != null)
            {
                out.printf("standby server pid %d: edge on 127.0.0.1:%d over the primary of a pair in sync%n",
                    standby.pid(), standby.edgePort());
            }
            measured = measure(options, workload, server, standby, buyerTokens, adminToken, out);
        }
        finally
        {
            RunFolders.deleteTree(work);
        }
        return HttpSummary.report(options, measured, outDir, out);
    }

    /** @param standby the second server JVM (its engine the primary of a pair), or null. */
    private static Measured measure(final HttpOptions options, final Workload workload, final HttpServerJvm server,
        final HttpServerJvm standby, final String[] buyerTokens, final String adminToken, final PrintStream out)
        throws Exception
    {
        final OpenLoop loop = new OpenLoop(out);
        final SaleIds sales = new SaleIds();
        final int limit = options.limit();
        final int connections = options.connections();
        try (HttpTarget bareGet = target("bare-GET", HttpTarget.Kind.BARE_GET, server.barePort(), options,
                buyerTokens, adminToken);
            HttpTarget barePost = target("bare-POST", HttpTarget.Kind.BARE_POST, server.barePort(), options,
                buyerTokens, adminToken);
            HttpTarget edgeStatus = target("edge-GET-status", HttpTarget.Kind.EDGE_STATUS, server.edgePort(), options,
                buyerTokens, adminToken);
            HttpTarget edgeSoldOut = target("edge-POST-sold-out", HttpTarget.Kind.EDGE_PURCHASE_SOLD_OUT,
                server.edgePort(), options, buyerTokens, adminToken);
            HttpTarget edgePurchase = target("edge-POST-purchase", HttpTarget.Kind.EDGE_PURCHASE, server.edgePort(),
                options, buyerTokens, adminToken);
            HttpTarget standbyPurchase = standby == null ? null : new HttpTarget("edge-POST-purchase-standby",
                HttpTarget.Kind.EDGE_PURCHASE, "127.0.0.1", standby.edgePort(), options.connections(), buyerTokens,
                adminToken, new Target.ServerProcess(standby.pid(), "standby server JVM")))
        {
            final boolean settle = CompilerQuiet.settles(options.warmupSeconds());
            if (options.warmupSeconds() > 0)
            {
                final List<HttpTarget> warmed = List.of(barePost, edgePurchase, bareGet, edgeStatus);
                CompilerQuiet.warmUntilCompiled(server.pid(), "the server JVM", () ->
                {
                    for (final HttpTarget target : warmed)
                    {
                        warmUp(loop, workload, target, sales, options, options.warmupSeconds(), out);
                    }
                    warmUp(loop, workload, edgeSoldOut, sales, options, options.warmupSeconds(), 1, out);
                }, (warmed.size() + 1) * options.warmupSeconds(), settle, out);
                if (standbyPurchase != null)
                {
                    // Rounds as long as the first server JVM's: its JIT and Jetty got all of its legs.
                    final double round = (warmed.size() + 1) * options.warmupSeconds();
                    CompilerQuiet.warmUntilCompiled(standby.pid(), "the standby server JVM", () ->
                        warmUp(loop, workload, standbyPurchase, sales, options, round, out), round, settle, out);
                }
            }
            // Alternating bare / edge, so a drift of the machine favours neither side.
            final int rounds = options.rounds();
            final double s = options.seconds() / rounds;
            final List<Leg> saturationLegs = new ArrayList<>(List.of(
                new Leg(bareGet, () -> saturated("bare GET", sales.next("get"), BIG_STOCK, limit, connections, s)),
                new Leg(edgeStatus, () -> saturated("edge GET status", sales.next("status"), BIG_STOCK, limit,
                    connections, s)),
                new Leg(edgeSoldOut, () -> saturated("edge POST sold out", sales.next("soldout"), 1, limit,
                    connections, s)),
                new Leg(barePost, () -> saturated("bare POST", sales.next("post"), BIG_STOCK, limit, connections, s)),
                new Leg(edgePurchase, () -> saturated("edge POST purchase", sales.next("buy"), BIG_STOCK, limit,
                    connections, s))));
            if (standbyPurchase != null)
            {
                // Right after the journal-only leg, so each round compares the two under the same machine load.
                saturationLegs.add(new Leg(standbyPurchase, () -> saturated("edge POST purchase standby",
                    sales.next("sbuy"), BIG_STOCK, limit, connections, s)));
            }
            final List<OpenLoop.Result> saturation = InterleavedRounds.run(loop, workload, rounds, saturationLegs,
                r -> out.println(ResultText.line(r)), settle);
            // Open loop at one common rate (half the edge's purchase capacity): latency corrected for coordinated
            // omission, bare POST vs edge POST purchase at equal load.
            final double rate = options.rate().orElse(OpenLoop.commonRate(saturation.get(4).throughput()));
            if (rate <= 0 || options.openSeconds() <= 0)
            {
                return new Measured(saturation, List.of(), engineState(standbyPurchase));
            }
            final double openSeconds = options.openSeconds() / rounds;
            final String label = String.format(Locale.ROOT, "%,.0f/s", rate);
            final int inFlight = (int)Math.max(connections, Math.min(1_000_000, rate * 2));
            final List<Leg> openLegs = new ArrayList<>(List.of(
                new Leg(barePost, () -> new OpenLoop.Phase(label, sales.next("opost"), BIG_STOCK, limit, rate,
                    inFlight, openSeconds, 30)),
                new Leg(edgePurchase, () -> new OpenLoop.Phase(label, sales.next("obuy"), BIG_STOCK, limit, rate,
                    inFlight, openSeconds, 30))));
            if (standbyPurchase != null)
            {
                openLegs.add(new Leg(standbyPurchase, () -> new OpenLoop.Phase(label, sales.next("osbuy"), BIG_STOCK,
                    limit, rate, inFlight, openSeconds, 30)));
            }
            final List<OpenLoop.Result> open = InterleavedRounds.run(loop, workload, rounds, openLegs,
                r -> out.println(ResultText.line(r)), settle);
            return new Measured(saturation, open, engineState(standbyPurchase));
        }
    }

    private static void warmUp(final OpenLoop loop, final Workload workload, final HttpTarget target,
        final SaleIds sales, final HttpOptions options, final double seconds, final PrintStream out) throws Exception
    {
        warmUp(loop, workload, target, sales, options, seconds, BIG_STOCK, out);
    }

    private static void warmUp(final OpenLoop loop, final Workload workload, final HttpTarget target,
        final SaleIds sales, final HttpOptions options, final double seconds, final int stock, final PrintStream out)
        throws Exception
    {
        final OpenLoop.Result w = loop.run(target, workload, new OpenLoop.Phase("warm-up", sales.next("warm"),
            stock, options.limit(), 0, options.connections(), seconds, 30));
        out.printf("%s warm-up: %,.0f/s [%s]%n", target.name(), w.throughput(), w.countsText());
    }

    /** The standby leg's engine after the run, as its edge reports it; null without a standby. */
    private static String engineState(final HttpTarget standbyPurchase) throws Exception
    {
        return standbyPurchase == null ? null : standbyPurchase.engineState();
    }

    private static HttpTarget target(final String name, final HttpTarget.Kind kind, final int port,
        final HttpOptions options, final String[] buyerTokens, final String adminToken) throws Exception
    {
        return new HttpTarget(name, kind, "127.0.0.1", port, options.connections(), buyerTokens, adminToken);
    }

    private static String lower(final Enum<?> choice)
    {
        return choice.name().toLowerCase(Locale.ROOT);
    }

    /** A saturation phase: as fast as one request in flight per connection allows. */
    static OpenLoop.Phase saturated(final String label, final String saleId, final int stock, final int limit,
        final int connections, final double seconds)
    {
        return new OpenLoop.Phase(label, saleId, stock, limit, 0, connections, seconds, 30);
    }
}
