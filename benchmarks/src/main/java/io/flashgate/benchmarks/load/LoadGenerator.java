package io.flashgate.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ops/flashgate bench [aeron|redis|compare|http] [--flag value ...]}: the contested-sale load generator.
 *
 * <ul>
 *   <li>{@code compare} (default): Flashgate engine-direct over Aeron UDP and the Redis Lua peer (with and without
 *       pipelining), each warmed up, then driven at capacity, then all at one common open-loop rate; throughput
 *       and p50/p99/p99.9 ratios and the correctness checks of every phase.</li>
 *   <li>{@code aeron} or {@code redis}: one side only.</li>
 *   <li>{@code http}: see {@link HttpBench}: Flashgate's HTTP edge against a bare Javalin endpoint.</li>
 * </ul>
 * Output goes to {@code --out} (default {@code bench-results/<timestamp>}): .hgrm per phase, plot PNG, HTML
 * report, summary.txt; the last line printed is the one-line summary.
 */
public final class LoadGenerator
{
    static final String USAGE = String.join("\n",
        "usage: ops/flashgate bench [compare|aeron|redis|http] [options]",
        "  --rate N            common open-loop rate (requests/s); default: half the slowest measured capacity",
        "  --seconds S         open-loop phase length (default 10)",
        "  --capacity-seconds S  capacity phase length (default 6; 0 skips it, then --rate is required); each system",
        "                      drains the same requests: as many as the slowest warm-up rate gets through in that time",
        "  --capacity-requests N  requests per capacity round instead (same for every system)",
        "  --warmup S          warm-up per system, discarded (default 3)",
        "  --rounds N          capacity and open-loop time split in N interleaved rounds per system (default 3)",
        "  --buyers N          distinct buyers (default 20000)",
        "  --limit L           per-buyer limit (default 2)",
        "  --duplicates F      share of requests re-sending the buyer's previous Idempotency-Key (default 0.05)",
        "  --in-flight N       requests in flight in capacity mode (default 4096)",
        "  --redis-connections N  connections without pipelining (default 16)",
        "  --redis-pipelines N    pipelining connections (default 2), --redis-batch N (default 512)",
        "  --out DIR           output folder (default bench-results/<timestamp>)",
        "  --data-dir DIR      engine journal folder (default: a temp folder, deleted at the end)",
        "  --drivers 1|2       Aeron media drivers: 1 shared (one per host, default) or one per side",
        "  --idle backoff|yielding|sleeping  transport pollers' idle strategy (default: the engine's, backoff)",
        "  --wait blocking|lite_blocking|sleeping|yielding  engine pipeline wait strategy (default: blocking)",
        "  --also-wait W       also run a second engine with pipeline wait strategy W, as an extra labelled line",
        "  http mode: --connections N (default 64), --buyers (default 50000), --seconds (default 6) and --warmup (default 4)",
        "             per phase, --server-jfr FILE records the server JVM, --wait W sets its engine's wait strategy,",
        "             --idle I its transport pollers' idle strategy; then bare POST and edge POST open loop at --rate",
        "             (default half the edge's purchase capacity) for --open-seconds (default --seconds; 0 skips)");

    /** Parsed --flag value pairs; every option has a default here. */
    static final class Options
    {
        final Map<String, String> values = new LinkedHashMap<>();
        String mode = "compare";

        static Options parse(final String[] args)
        {
            final Options options = new Options();
            int i = 0;
            if (args.length > 0 && !args[0].startsWith("--"))
            {
                options.mode = args[0];
                i = 1;
            }
            for (; i < args.length; i++)
            {
                if (args[i].equals("--help") || args[i].equals("-h"))
                {
                    options.mode = "help";
                    continue;
                }
                if (!args[i].startsWith("--") || i + 1 >= args.length)
                {
                    throw new IllegalArgumentException("expected --flag value at '" + args[i] + "'");
                }
                options.values.put(args[i].substring(2), args[++i]);
            }
            return options;
        }

        String string(final String name, final String fallback)
        {
            return values.getOrDefault(name, fallback);
        }

        double number(final String name, final double fallback)
        {
            final String value = values.get(name);
            return value == null ? fallback : Double.parseDouble(value);
        }

        int integer(final String name, final int fallback)
        {
            return (int)number(name, fallback);
        }
    }

    private LoadGenerator()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
            System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        final Options options;
        try
        {
            options = Options.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println(ex.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        final PrintStream out = System.out;
        final int status = switch (options.mode)
        {
            case "help" ->
            {
                out.println(USAGE);
                yield 0;
            }
            case "compare", "aeron", "redis" -> compare(options, out);
            case "http" -> HttpBench.run(options, out);
            default ->
            {
                System.err.println("unknown mode '" + options.mode + "'");
                System.err.println(USAGE);
                yield 2;
            }
        };
        System.exit(status);
    }

    static Path outputDir(final Options options) throws IOException
    {
        final Path dir = Path.of(options.string("out", "bench-results/" +
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        Files.createDirectories(dir);
        return dir;
    }

    /** A sale's stock for an open-loop phase: half the demand the planned requests carry, so it sells out. */
    static int stockFor(final Workload workload, final long requests, final int limit)
    {
        final int[] keys = new int[workload.buyers()];
        for (long i = 0; i < requests; i++)
        {
            if (!workload.isDuplicate(i))
            {
                keys[workload.buyer(i)]++;
            }
        }
        long demand = 0;
        for (final int k : keys)
        {
            demand += Math.min(limit, k);
        }
        return (int)Math.max(1, Math.min(Integer.MAX_VALUE, demand / 2));
    }

    static int compare(final Options options, final PrintStream out) throws Exception
    {
        final boolean withAeron = !options.mode.equals("redis");
        final boolean withRedis = !options.mode.equals("aeron");
        final int buyers = options.integer("buyers", 20_000);
        final int limit = options.integer("limit", 2);
        final Workload workload = new Workload(buyers, options.number("duplicates", 0.05));
        final double warmup = options.number("warmup", 3);
        final double capacitySeconds = options.number("capacity-seconds", 6);
        final double seconds = options.number("seconds", 10);
        final int inFlight = options.integer("in-flight", 4096);
        final Path outDir = outputDir(options);
        final String redisBinary = RedisServer.findBinary();
        if (withRedis && redisBinary == null)
        {
            System.err.println("redis-server is not installed: run ops/redis-peer.sh (apt-get install redis-server)");
            return 3;
        }
        final boolean tempData = !options.values.containsKey("data-dir");
        final Path dataDir = tempData ? Files.createTempDirectory("flashgate-bench-journal-") :
            Path.of(options.string("data-dir", ""));
        out.printf("flashgate bench %s: %,d buyers, limit %d, %.0f%% re-sent keys; warm-up %.0fs, capacity %.0fs, " +
                "open loop %.0fs; %d cores; output %s%n", options.mode, buyers, limit,
            workload.duplicateRate() * 100, warmup, capacitySeconds, seconds,
            Runtime.getRuntime().availableProcessors(), outDir.toAbsolutePath());

        final List<Target> targets = new ArrayList<>();
        RedisServer redis = null;
        final OpenLoop loop = new OpenLoop(out);
        final List<OpenLoop.Result> capacity = new ArrayList<>();
        final List<OpenLoop.Result> fixed = new ArrayList<>();
        int sale = 0;
        try
        {
            if (withAeron)
            {
                final String idle = options.string("idle", "");
                final String wait = options.string("wait", "");
                targets.add(AeronTarget.start(dataDir.resolve("engine"), buyers, options.integer("drivers", 1),
                    idle.isEmpty() ? null : io.flashgate.protocol.IdleChoice.valueOf(idle.toUpperCase(Locale.ROOT)),
                    wait.isEmpty() ? null : io.flashgate.config.WaitChoice.valueOf(wait.toUpperCase(Locale.ROOT))));
                final String alsoWait = options.string("also-wait", "");
                if (!alsoWait.isEmpty())
                {
                    // The same engine with another pipeline wait strategy, as a labelled extra line (not the default).
                    targets.add(new Renamed(AeronTarget.start(dataDir.resolve("engine-" + alsoWait), buyers,
                        options.integer("drivers", 1), null,
                        io.flashgate.config.WaitChoice.valueOf(alsoWait.toUpperCase(Locale.ROOT))),
                        "flashgate-aeron-wait-" + alsoWait.toLowerCase(Locale.ROOT)));
                }
            }
            if (withRedis)
            {
                redis = RedisServer.start(redisBinary);
                CpuWatch.peer(redis.pid(), "redis-server");
                out.printf("redis-server pid %d on 127.0.0.1:%d (appendonly yes, appendfsync no)%n", redis.pid(),
                    redis.port());
                targets.add(new RedisLuaTarget(redis, false, options.integer("redis-connections", 16), 1));
                targets.add(new RedisLuaTarget(redis, true, options.integer("redis-pipelines", 2),
                    options.integer("redis-batch", 512)));
            }
            final int capacityStock = (int)Math.min(Integer.MAX_VALUE, (long)buyers * limit / 2);
            double slowest = Double.MAX_VALUE;
            for (final Target target : targets)
            {
                if (warmup > 0)
                {
                    final OpenLoop.Result w = loop.run(target, workload, new OpenLoop.Phase("warm-up", "warmup" + sale++,
                        capacityStock, limit, 0, inFlight, warmup, 30));
                    out.printf("%s warm-up: %,.0f/s, %s%n", target.name(), w.throughput(),
                        w.verdict().summary(capacityStock, limit));
                    slowest = Math.min(slowest, w.throughput());
                }
            }
            // Interleaved rounds (A B C A B C ...): a machine whose load drifts does not favour one system.
            final int rounds = Math.max(1, options.integer("rounds", 3));
            // Capacity: every system drains the SAME requests (as many as the slowest warm-up rate gets through in
            // the round's time), on a sale holding half their demand, so all get the same mix of sales and refusals.
            final long capacityRequests = options.values.containsKey("capacity-requests") ?
                (long)options.number("capacity-requests", 0) : slowest == Double.MAX_VALUE ? 0 :
                Math.max(60_000, (long)(slowest * capacitySeconds / rounds));
            final int roundStock = capacityRequests > 0 ? stockFor(workload, capacityRequests, limit) : capacityStock;
            if (capacityRequests > 0)
            {
                out.printf("capacity: %d rounds of the same %,d requests per system, stock %,d per round%n", rounds,
                    capacityRequests, roundStock);
            }
            final Map<Target, List<OpenLoop.Result>> capacityRounds = new LinkedHashMap<>();
            for (int round = 0; round < rounds && capacitySeconds > 0; round++)
            {
                for (final Target target : targets)
                {
                    final OpenLoop.Result r = loop.run(target, workload, new OpenLoop.Phase("capacity",
                        "capacity" + sale++, roundStock, limit, 0, inFlight, capacitySeconds / rounds, 30,
                        capacityRequests));
                    capacityRounds.computeIfAbsent(target, t -> new ArrayList<>()).add(r);
                    out.println(line(r));
                }
            }
            for (final List<OpenLoop.Result> list : capacityRounds.values())
            {
                capacity.add(OpenLoop.Result.merge(list));
            }
            double rate = options.number("rate", 0);
            if (rate <= 0)
            {
                if (capacity.isEmpty())
                {
                    throw new IllegalArgumentException("--rate is required when --capacity-seconds is 0");
                }
                rate = capacity.stream().mapToDouble(OpenLoop.Result::throughput).min().orElseThrow() / 2;
                rate = roundRate(rate);
            }
            final int stock = stockFor(workload, (long)(rate * seconds / rounds), limit);
            final Map<Target, List<OpenLoop.Result>> fixedRounds = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++)
            {
                for (final Target target : targets)
                {
                    final OpenLoop.Result r = loop.run(target, workload, new OpenLoop.Phase(
                        String.format(Locale.ROOT, "%,.0f/s", rate), "rate" + sale++, stock, limit, rate,
                        Math.max(inFlight, (int)Math.min(1_000_000, rate * 2)), seconds / rounds, 30));
                    fixedRounds.computeIfAbsent(target, t -> new ArrayList<>()).add(r);
                    out.println(line(r));
                }
            }
            for (final List<OpenLoop.Result> list : fixedRounds.values())
            {
                fixed.add(OpenLoop.Result.merge(list));
            }
        }
        finally
        {
            for (final Target target : targets)
            {
                target.close();
            }
            if (redis != null)
            {
                redis.close();
            }
            if (tempData)
            {
                deleteTree(dataDir);
            }
        }

        final List<OpenLoop.Result> all = new ArrayList<>(capacity);
        all.addAll(fixed);
        Report.writeHgrm(outDir, all);
        final List<OpenLoop.Result> plotted = fixed.isEmpty() ? capacity : fixed;
        final String title = "Flashgate vs Redis Lua: contested sale, " + String.format(Locale.ROOT, "%,d", buyers) +
            " buyers, limit " + limit;
        Report.writePng(outDir.resolve("percentiles.png"), title + " (open loop)", plotted);
        if (!capacity.isEmpty())
        {
            Report.writePng(outDir.resolve("percentiles-capacity.png"), title + " (capacity)", capacity);
        }
        final List<String> headlines = headlines(capacity, fixed);
        Report.writeHtml(outDir.resolve("report.html"), title, headlines, all, "percentiles.png");
        final String summary = summary(capacity, fixed);
        Files.writeString(outDir.resolve("summary.txt"), String.join("\n", headlines) + "\n" + summary + "\n");
        for (final String headline : headlines)
        {
            out.println(headline);
        }
        out.println("files: " + outDir.toAbsolutePath() + "/{report.html,percentiles.png,*.hgrm,summary.txt}");
        out.println(summary);
        return all.stream().allMatch(r -> r.verdict().passed()) ? 0 : 1;
    }

    static double roundRate(final double rate)
    {
        final double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(rate, 1))) - 1);
        return Math.max(1, Math.floor(rate / magnitude) * magnitude);
    }

    static String line(final OpenLoop.Result r)
    {
        return String.format(Locale.ROOT, "%-20s %-10s %,12.0f/s  p50 %8s  p99 %8s  p99.9 %8s  max %8s  [%s]  %s",
            r.target(), r.phase().isCapacity() ? "capacity" : r.phase().label(), r.throughput(),
            Report.micros(r.histogram().getValueAtPercentile(50)), Report.micros(r.histogram().getValueAtPercentile(99)),
            Report.micros(r.histogram().getValueAtPercentile(99.9)), Report.micros(r.histogram().getMaxValue()),
            r.countsText(), r.verdict().summary(r.phase().stock(), r.phase().limitPerUser())) +
            (r.cpu().isEmpty() ? "" : "\n    " + r.cpu());
    }

    static String ratio(final double a, final double b)
    {
        return b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f×", a / b);
    }

    static List<String> headlines(final List<OpenLoop.Result> capacity, final List<OpenLoop.Result> fixed)
    {
        final List<String> lines = new ArrayList<>();
        for (final OpenLoop.Result r : capacity)
        {
            lines.add(String.format(Locale.ROOT, "capacity %s: %,.0f purchases/s (p99 %s at %d in flight); %s",
                r.target(), r.throughput(), Report.micros(r.histogram().getValueAtPercentile(99)),
                r.phase().maxInFlight(), r.cpu()));
        }
        for (final OpenLoop.Result r : fixed)
        {
            lines.add(String.format(Locale.ROOT, "at %s open loop %s: %,.0f/s answered, p50 %s p99 %s p99.9 %s; %s",
                r.phase().label(), r.target(), r.throughput(), Report.micros(r.histogram().getValueAtPercentile(50)),
                Report.micros(r.histogram().getValueAtPercentile(99)),
                Report.micros(r.histogram().getValueAtPercentile(99.9)), r.cpu()));
        }
        for (final OpenLoop.Result f : capacity)
        {
            for (final OpenLoop.Result p : capacity)
            {
                if (f.target().startsWith("flashgate") && p.target().startsWith("redis"))
                {
                    lines.add("throughput " + f.target() + " / " + p.target() + " = " + ratio(f.throughput(),
                        p.throughput()));
                }
            }
        }
        for (final OpenLoop.Result f : fixed)
        {
            for (final OpenLoop.Result p : fixed)
            {
                if (f.target().startsWith("flashgate") && p.target().startsWith("redis"))
                {
                    lines.add(String.format(Locale.ROOT, "latency at %s, %s / %s: p50 %s, p99 %s, p99.9 %s",
                        f.phase().label(), p.target(), f.target(), ratio(p.percentileMicros(50), f.percentileMicros(50)),
                        ratio(p.percentileMicros(99), f.percentileMicros(99)),
                        ratio(p.percentileMicros(99.9), f.percentileMicros(99.9))));
                }
            }
        }
        for (final OpenLoop.Result r : fixed)
        {
            lines.add("correctness " + r.target() + " @ " + r.phase().label() + ": " +
                r.verdict().summary(r.phase().stock(), r.phase().limitPerUser()));
        }
        for (final OpenLoop.Result r : capacity)
        {
            lines.add("correctness " + r.target() + " capacity: " +
                r.verdict().summary(r.phase().stock(), r.phase().limitPerUser()));
        }
        return lines;
    }

    /** The one-line summary. */
    static String summary(final List<OpenLoop.Result> capacity, final List<OpenLoop.Result> fixed)
    {
        final StringBuilder s = new StringBuilder("SUMMARY");
        for (final OpenLoop.Result r : capacity)
        {
            s.append(String.format(Locale.ROOT, " | %s max %,.0f/s", r.target(), r.throughput()));
        }
        for (final OpenLoop.Result r : fixed)
        {
            s.append(String.format(Locale.ROOT, " | %s @%s p50/p99/p99.9 %s/%s/%s", r.target(), r.phase().label(),
                Report.micros(r.histogram().getValueAtPercentile(50)), Report.micros(r.histogram().getValueAtPercentile(99)),
                Report.micros(r.histogram().getValueAtPercentile(99.9))));
        }
        final boolean ok = Stream.concat(capacity.stream(), fixed.stream()).allMatch(r -> r.verdict().passed());
        s.append(" | correctness ").append(ok ? "OK" : "FAILED");
        return s.toString();
    }

    /** A target under another name (a variant of the same system). */
    record Renamed(Target target, String name) implements Target
    {
        @Override
        public void createSale(final String saleId, final int stock, final int limitPerUser) throws Exception
        {
            target.createSale(saleId, stock, limitPerUser);
        }

        @Override
        public void purchase(final String saleId, final long index, final String userId, final String key,
            final Completion done)
        {
            target.purchase(saleId, index, userId, key, done);
        }

        @Override
        public SaleFigures figures(final String saleId, final int limitPerUser) throws Exception
        {
            return target.figures(saleId, limitPerUser);
        }

        @Override
        public void close()
        {
            target.close();
        }
    }

    static void deleteTree(final Path dir)
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            // best effort: a temp folder
        }
    }
}
