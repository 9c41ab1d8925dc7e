package io.flashgate.benchmarks.load;

import io.flashgate.edge.EdgeConfig;
import io.flashgate.edge.http.Tokens;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Issue 3's measurement, in one run: Flashgate's HTTP edge (with engine, journaling on) against a bare Javalin
 * endpoint, both in one server JVM started by this benchmark ({@link HttpServers}), driven from this JVM over
 * {@code --connections} keep-alive connections at saturation (wrk's model: as fast as the connections allow,
 * latency per request).
 *
 * <ul>
 *   <li>POST purchase on an open sale vs the bare async POST: throughput ≥ 80 %, p99 ≤ 1.5×;</li>
 *   <li>GET status, and POST on a sold-out sale, vs the bare GET: throughput ≥ 90 %.</li>
 * </ul>
 */
final class HttpBench
{
    private HttpBench()
    {
    }

    static int run(final LoadGenerator.Options options, final PrintStream out) throws Exception
    {
        final int connections = options.integer("connections", 64);
        final int buyers = options.integer("buyers", 50_000);
        final int limit = options.integer("limit", 2);
        final double seconds = options.number("seconds", 6);
        final double warmup = options.number("warmup", 4);
        final Workload workload = new Workload(buyers, options.number("duplicates", 0.05));
        final Path outDir = LoadGenerator.outputDir(options);
        final String secret = EdgeConfig.randomSecret();
        final Path dataDir = Files.createTempDirectory("flashgate-bench-http-");
        out.printf("flashgate bench http%s: edge vs bare Javalin, %d connections, %,d buyers, limit %d, %.0fs per " +
                "phase after %.0fs warm-up; %d cores; output %s%n",
            (options.values.containsKey("wait") ? " (engine wait " + options.string("wait", "") + ")" : "") +
                (options.values.containsKey("idle") ? " (transport idle " + options.string("idle", "") + ")" : ""), connections, buyers, limit, seconds, warmup,
            Runtime.getRuntime().availableProcessors(), outDir.toAbsolutePath());

        final String wait = options.string("wait", "");
        final Process server = startServers(secret, dataDir, options.string("server-jfr", ""), wait,
            options.string("idle", ""));
        final List<OpenLoop.Result> results = new ArrayList<>();
        try
        {
            final int[] ports = awaitReady(server);
            CpuWatch.peer(server.pid(), "server JVM");
            final Tokens tokens = new Tokens(secret);
            final long mintStart = System.nanoTime();
            final String[] buyerTokens = new String[buyers];
            for (int b = 0; b < buyers; b++)
            {
                buyerTokens[b] = tokens.shopper("u" + b);
            }
            final String adminToken = tokens.admin("bench-admin");
            out.printf("server pid %d: edge on 127.0.0.1:%d, bare Javalin on 127.0.0.1:%d; %,d tokens minted in %.1fs%n",
                server.pid(), ports[0], ports[1], buyers, (System.nanoTime() - mintStart) / 1e9);

            final OpenLoop loop = new OpenLoop(out);
            final int bigStock = 100_000_000;
            int sale = 0;
            try (HttpTarget bareGet = new HttpTarget("bare-GET", HttpTarget.Kind.BARE_GET, "127.0.0.1", ports[1],
                    connections, buyerTokens, adminToken);
                HttpTarget barePost = new HttpTarget("bare-POST", HttpTarget.Kind.BARE_POST, "127.0.0.1", ports[1],
                    connections, buyerTokens, adminToken);
                HttpTarget edgeStatus = new HttpTarget("edge-GET-status", HttpTarget.Kind.EDGE_STATUS, "127.0.0.1",
                    ports[0], connections, buyerTokens, adminToken);
                HttpTarget edgeSoldOut = new HttpTarget("edge-POST-sold-out", HttpTarget.Kind.EDGE_PURCHASE_SOLD_OUT,
                    "127.0.0.1", ports[0], connections, buyerTokens, adminToken);
                HttpTarget edgePurchase = new HttpTarget("edge-POST-purchase", HttpTarget.Kind.EDGE_PURCHASE,
                    "127.0.0.1", ports[0], connections, buyerTokens, adminToken))
            {
                if (warmup > 0)
                {
                    for (final HttpTarget target : List.of(barePost, edgePurchase, bareGet, edgeStatus))
                    {
                        final OpenLoop.Result w = loop.run(target, workload, new OpenLoop.Phase("warm-up",
                            "warm" + sale++, bigStock, limit, 0, connections, warmup, 30));
                        out.printf("%s warm-up: %,.0f/s [%s]%n", target.name(), w.throughput(), w.countsText());
                    }
                }
                // Alternating bare / edge, in interleaved rounds, so a drift of the machine favours neither side.
                final int rounds = Math.max(1, options.integer("rounds", 2));
                final List<List<OpenLoop.Result>> byPhase = new ArrayList<>();
                for (int i = 0; i < 5; i++)
                {
                    byPhase.add(new ArrayList<>());
                }
                for (int round = 0; round < rounds; round++)
                {
                    final double s = seconds / rounds;
                    final OpenLoop.Result[] r = {
                        loop.run(bareGet, workload, phase("bare GET", "get" + sale++, bigStock, limit, connections, s)),
                        loop.run(edgeStatus, workload, phase("edge GET status", "status" + sale++, bigStock, limit, connections, s)),
                        loop.run(edgeSoldOut, workload, phase("edge POST sold out", "soldout" + sale++, 1, limit, connections, s)),
                        loop.run(barePost, workload, phase("bare POST", "post" + sale++, bigStock, limit, connections, s)),
                        loop.run(edgePurchase, workload, phase("edge POST purchase", "buy" + sale++, bigStock, limit, connections, s))};
                    for (int i = 0; i < r.length; i++)
                    {
                        byPhase.get(i).add(r[i]);
                        out.println(LoadGenerator.line(r[i]));
                    }
                }
                for (final List<OpenLoop.Result> list : byPhase)
                {
                    results.add(OpenLoop.Result.merge(list));
                }
                // Open loop at one common rate (half the edge's purchase capacity): latency corrected for
                // coordinated omission, bare POST vs edge POST purchase at equal load.
                final double rate = options.number("rate", LoadGenerator.roundRate(results.get(4).throughput() / 2));
                if (rate > 0 && options.number("open-seconds", seconds) > 0)
                {
                    final double s = options.number("open-seconds", seconds) / rounds;
                    final List<OpenLoop.Result> bareOpen = new ArrayList<>();
                    final List<OpenLoop.Result> edgeOpen = new ArrayList<>();
                    final String label = String.format(Locale.ROOT, "%,.0f/s", rate);
                    final int inFlight = (int)Math.max(connections, Math.min(1_000_000, rate * 2));
                    for (int round = 0; round < rounds; round++)
                    {
                        bareOpen.add(loop.run(barePost, workload, new OpenLoop.Phase(label, "opost" + sale++, bigStock,
                            limit, rate, inFlight, s, 30)));
                        out.println(LoadGenerator.line(bareOpen.get(bareOpen.size() - 1)));
                        edgeOpen.add(loop.run(edgePurchase, workload, new OpenLoop.Phase(label, "obuy" + sale++,
                            bigStock, limit, rate, inFlight, s, 30)));
                        out.println(LoadGenerator.line(edgeOpen.get(edgeOpen.size() - 1)));
                    }
                    results.add(OpenLoop.Result.merge(bareOpen));
                    results.add(OpenLoop.Result.merge(edgeOpen));
                }
            }
        }
        finally
        {
            stopServers(server);
            LoadGenerator.deleteTree(dataDir);
        }

        final OpenLoop.Result bareGet = results.get(0);
        final OpenLoop.Result edgeStatus = results.get(1);
        final OpenLoop.Result edgeSoldOut = results.get(2);
        final OpenLoop.Result barePost = results.get(3);
        final OpenLoop.Result edgePurchase = results.get(4);
        final List<String> headlines = new ArrayList<>();
        for (final OpenLoop.Result r : results)
        {
            headlines.add(String.format(Locale.ROOT, "%s: %,.0f req/s, p50 %s p99 %s p99.9 %s [%s]; %s", r.target(),
                r.throughput(), Report.micros(r.histogram().getValueAtPercentile(50)),
                Report.micros(r.histogram().getValueAtPercentile(99)),
                Report.micros(r.histogram().getValueAtPercentile(99.9)), r.countsText(), r.cpu()));
        }
        final double postRatio = edgePurchase.throughput() / barePost.throughput();
        final double p99Ratio = edgePurchase.percentileMicros(99) / barePost.percentileMicros(99);
        final double statusRatio = edgeStatus.throughput() / bareGet.throughput();
        final double soldOutRatio = edgeSoldOut.throughput() / bareGet.throughput();
        headlines.add(String.format(Locale.ROOT, "edge POST purchase / bare POST: throughput %.0f%% (target ≥ 80%%), " +
            "p99 %.2f× (target ≤ 1.5×) %s", postRatio * 100, p99Ratio, verdictMark(postRatio >= 0.8 && p99Ratio <= 1.5)));
        headlines.add(String.format(Locale.ROOT, "edge GET status / bare GET: throughput %.0f%% (target ≥ 90%%) %s",
            statusRatio * 100, verdictMark(statusRatio >= 0.9)));
        headlines.add(String.format(Locale.ROOT, "edge POST sold-out / bare GET: throughput %.0f%% (target ≥ 90%%) %s",
            soldOutRatio * 100, verdictMark(soldOutRatio >= 0.9)));
        if (results.size() > 6)
        {
            final OpenLoop.Result bareOpen = results.get(5);
            final OpenLoop.Result edgeOpen = results.get(6);
            headlines.add(String.format(Locale.ROOT, "open loop at %s: edge POST purchase / bare POST latency p50 %s, " +
                    "p99 %s, p99.9 %s (%s vs %s at p99); correctness %s", edgeOpen.phase().label(),
                LoadGenerator.ratio(edgeOpen.percentileMicros(50), bareOpen.percentileMicros(50)),
                LoadGenerator.ratio(edgeOpen.percentileMicros(99), bareOpen.percentileMicros(99)),
                LoadGenerator.ratio(edgeOpen.percentileMicros(99.9), bareOpen.percentileMicros(99.9)),
                Report.micros(edgeOpen.histogram().getValueAtPercentile(99)),
                Report.micros(bareOpen.histogram().getValueAtPercentile(99)),
                edgeOpen.verdict().summary(edgeOpen.phase().stock(), edgeOpen.phase().limitPerUser())));
        }
        headlines.add("correctness edge POST purchase: " +
            edgePurchase.verdict().summary(edgePurchase.phase().stock(), edgePurchase.phase().limitPerUser()));
        final boolean soldOutAllRejected = edgeSoldOut.count(Outcome.SOLD_OUT) == edgeSoldOut.sent();
        headlines.add("correctness edge POST sold-out: " + (soldOutAllRejected ? "OK" : "FAILED") + ", " +
            edgeSoldOut.countsText());

        Report.writeHgrm(outDir, results);
        final String title = "Flashgate HTTP edge vs bare Javalin, " + connections + " connections";
        Report.writePng(outDir.resolve("percentiles-http.png"), title, results);
        Report.writeHtml(outDir.resolve("report-http.html"), title, headlines, results, "percentiles-http.png");
        final String summary = String.format(Locale.ROOT,
            "SUMMARY http | edge POST %,.0f/s = %.0f%% of bare POST %,.0f/s, p99 %s vs %s (%.2f×) | edge GET status " +
                "%,.0f/s = %.0f%% and POST sold-out %,.0f/s = %.0f%% of bare GET %,.0f/s%s | correctness %s",
            edgePurchase.throughput(), postRatio * 100, barePost.throughput(),
            Report.micros(edgePurchase.histogram().getValueAtPercentile(99)),
            Report.micros(barePost.histogram().getValueAtPercentile(99)), p99Ratio, edgeStatus.throughput(),
            statusRatio * 100, edgeSoldOut.throughput(), soldOutRatio * 100, bareGet.throughput(),
            results.size() > 6 ? String.format(Locale.ROOT, " | open loop %s: edge/bare POST p99 %s vs %s",
                results.get(6).phase().label(), Report.micros(results.get(6).histogram().getValueAtPercentile(99)),
                Report.micros(results.get(5).histogram().getValueAtPercentile(99))) : "",
            results.stream().allMatch(r -> r.verdict().passed()) && soldOutAllRejected ? "OK" : "FAILED");
        Files.writeString(outDir.resolve("summary-http.txt"), String.join("\n", headlines) + "\n" + summary + "\n");
        for (final String headline : headlines)
        {
            out.println(headline);
        }
        out.println("files: " + outDir.toAbsolutePath() + "/{report-http.html,percentiles-http.png,*.hgrm,summary-http.txt}");
        out.println(summary);
        final boolean allPassed = results.stream().allMatch(r -> r.verdict().passed()) && soldOutAllRejected;
        return allPassed ? 0 : 1;
    }

    static String verdictMark(final boolean met)
    {
        return met ? "— met" : "— MISSED";
    }

    static OpenLoop.Phase phase(final String label, final String saleId, final int stock, final int limit,
        final int connections, final double seconds)
    {
        return new OpenLoop.Phase(label, saleId, stock, limit, 0, connections, seconds, 30);
    }

    /** The server JVM: this JVM's module flags and class path, its own heap. */
    static Process startServers(final String secret, final Path dataDir, final String jfr, final String wait,
        final String idle) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle") || arg.startsWith("-Dorg.slf4j"))
            {
                command.add(arg);
            }
        }
        command.add("-Xmx2g");
        command.add("-Xms2g");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        if (!jfr.isEmpty())
        {
            command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(HttpServers.class.getName());
        command.add(secret);
        command.add(dataDir.toString());
        command.add(wait);
        command.add(idle);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    static int[] awaitReady(final Process server) throws Exception
    {
        final BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(),
            StandardCharsets.UTF_8));
        final CompletableFuture<int[]> ready = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                String line;
                while ((line = lines.readLine()) != null)
                {
                    if (line.startsWith("READY "))
                    {
                        final String[] f = line.split(" ");
                        return new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2])};
                    }
                }
                throw new IOException("the server JVM exited before it was ready");
            }
            catch (final IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        });
        return ready.get(60, TimeUnit.SECONDS);
    }

    static void stopServers(final Process server) throws InterruptedException
    {
        try
        {
            server.getOutputStream().close();
        }
        catch (final IOException ex)
        {
            // it may be gone already
        }
        if (!server.waitFor(20, TimeUnit.SECONDS))
        {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS))
            {
                server.destroyForcibly();
            }
        }
    }
}
