package io.flashgate.load;

import io.flashgate.load.InterleavedRounds.Leg;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One run of {@code bench compare|aeron|redis}: starts the systems, warms each up, measures capacity (every
 * system drains the same requests) and then latency at one common open-loop rate, in interleaved rounds; stops
 * everything; writes the reports ({@link CompareSummary} for the text).
 */
final class CompareRun
{
    /** Both phases' merged results, one per system. */
    record Measured(List<OpenLoop.Result> capacity, List<OpenLoop.Result> fixed)
    {
        List<OpenLoop.Result> all()
        {
            final List<OpenLoop.Result> all = new ArrayList<>(capacity);
            all.addAll(fixed);
            return all;
        }
    }

    private final CompareVerb verb;
    private final CompareOptions options;
    private final PrintStream out;
    private final Workload workload;
    private final SaleIds sales = new SaleIds();

    CompareRun(final CompareVerb verb, final CompareOptions options, final PrintStream out)
    {
        this.verb = verb;
        this.options = options;
        this.out = out;
        this.workload = new Workload(options.buyers(), options.duplicates());
    }

    int run() throws Exception
    {
        final String redisBinary = RedisServer.findBinary();
        if (verb.withRedis() && redisBinary == null)
        {
            System.err.println("redis-server is not installed: run ops/redis-peer.sh (apt-get install redis-server)");
            return BenchVerb.MISSING;
        }
        final Path outDir = RunFolders.output(options.out());
        final boolean tempData = options.dataDir() == null;
        final Path dataDir = tempData ? Files.createTempDirectory("flashgate-bench-journal-") : options.dataDir();
        out.printf("flashgate bench %s: %,d buyers, limit %d, %.0f%% re-sent keys; warm-up %.0fs, capacity %.0fs, " +
                "open loop %.0fs; %d cores;%s output %s%n", verb.name(), options.buyers(), options.limit(),
            workload.duplicateRate() * 100, options.warmupSeconds(), options.capacitySeconds(), options.seconds(),
            Runtime.getRuntime().availableProcessors(), options.stageLayout() == null ? "" :
                " engine stages " + options.stageLayout().name().toLowerCase(Locale.ROOT) + ";",
            outDir.toAbsolutePath());

        final List<Target> targets = new ArrayList<>();
        RedisServer redis = null;
        final Measured measured;
        try
        {
            if (verb.withAeron())
            {
                startEngines(dataDir, targets);
            }
            if (verb.withRedis())
            {
                redis = RedisServer.start(redisBinary);
                CpuWatch.peer(redis.pid(), "redis-server");
                out.printf("redis-server pid %d on 127.0.0.1:%d (appendonly yes, appendfsync no)%n", redis.pid(),
                    redis.port());
                targets.add(new RedisLuaTarget(redis, false, options.redisConnections(), 1));
                targets.add(new RedisLuaTarget(redis, true, options.redisPipelines(), options.redisBatch()));
            }
            measured = measure(targets);
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
                RunFolders.deleteTree(dataDir);
            }
        }
        return report(outDir, measured);
    }

    private void startEngines(final Path dataDir, final List<Target> targets) throws Exception
    {
        if (options.udp())
        {
            targets.add(AeronTarget.start(dataDir.resolve("engine"), options.buyers(), options.drivers(),
                options.idle(), options.engineTuning()));
        }
        if (options.ipc())
        {
            // As ops/flashgate run has engine and edge: one driver, one Aeron thread, aeron:ipc.
            targets.add(AeronTarget.startIpc(dataDir.resolve("engine-ipc"), options.buyers(), options.idle(),
                options.engineTuning()));
        }
        if (options.standby())
        {
            // The same engine as the primary of a pair: every result waits for the standby's acknowledgement.
            targets.add(AeronTarget.start(dataDir.resolve("engine-primary"), options.buyers(), options.drivers(),
                options.idle(), options.engineTuning(), true));
        }
        if (options.zookeeper())
        {
            // The same pair coordinated through ZooKeeper: it must cost nothing on the purchase path.
            targets.add(AeronTarget.start(dataDir.resolve("engine-primary-zk"), options.buyers(), options.drivers(),
                options.idle(), options.engineTuning(), true, true));
        }
        if (options.alsoWait() != null)
        {
            // The same engine with another pipeline wait strategy, as a labelled extra line (not the default).
            final String wait = options.alsoWait().name().toLowerCase(Locale.ROOT);
            targets.add(new RenamedTarget(AeronTarget.start(dataDir.resolve("engine-" + wait), options.buyers(),
                options.drivers(), null,
                config -> options.engineTuning().apply(config).withWaitChoice(options.alsoWait())),
                "flashgate-aeron-wait-" + wait));
        }
    }

    Measured measure(final List<Target> targets) throws Exception
    {
        final OpenLoop loop = new OpenLoop(out);
        final int limit = options.limit();
        final int rounds = options.rounds();
        final int capacityStock = (int)Math.min(Integer.MAX_VALUE, (long)options.buyers() * limit / 2);
        final double slowest = warmUp(loop, targets, capacityStock);

        // Capacity: every system drains the SAME requests (as many as the slowest warm-up rate gets through in the
        // round's time), on a sale holding half their demand, so all get the same mix of sales and refusals.
        final long capacityRequests = options.capacityRequests().orElse(slowest == Double.MAX_VALUE ? 0 :
            Math.max(60_000, (long)(slowest * options.capacitySeconds() / rounds)));
        final int roundStock = capacityRequests > 0 ? workload.stockFor(capacityRequests, limit) : capacityStock;
        if (capacityRequests > 0)
        {
            out.printf("capacity: %d rounds of the same %,d requests per system, stock %,d per round%n", rounds,
                capacityRequests, roundStock);
        }
        if (options.capacitySeconds() > 0)
        {
            warmUpAsMeasured(loop, targets, roundStock, capacityRequests);
        }
        final List<OpenLoop.Result> capacity = options.capacitySeconds() <= 0 ? List.of() :
            InterleavedRounds.run(loop, workload, rounds, legs(targets, () -> new OpenLoop.Phase("capacity",
                    sales.next("capacity"), roundStock, limit, 0, options.inFlight(),
                    options.capacitySeconds() / rounds, 30, capacityRequests)),
                r -> out.println(ResultText.line(r)),
                CompilerQuiet.settles(options.warmupSeconds()));

        final double rate = options.rate() > 0 ? options.rate() : OpenLoop.commonRate(capacity.stream()
            .mapToDouble(OpenLoop.Result::throughput).min()
            .orElseThrow(() -> new IllegalStateException("no capacity measured to derive --rate from")));
        final int stock = workload.stockFor((long)(rate * options.seconds() / rounds), limit);
        final int inFlight = Math.max(options.inFlight(), (int)Math.min(1_000_000, rate * 2));
        warmUpAtRate(loop, targets, rate, inFlight);
        final List<OpenLoop.Result> fixed = InterleavedRounds.run(loop, workload, rounds, legs(targets,
                () -> new OpenLoop.Phase(String.format(Locale.ROOT, "%,.0f/s", rate), sales.next("rate"), stock, limit,
                    rate, inFlight, options.seconds() / rounds, 30)),
            r -> out.println(ResultText.line(r)),
                CompilerQuiet.settles(options.warmupSeconds()));
        return new Measured(capacity, fixed);
    }

    /**
     * Each system's warm-up, discarded, in rounds until the compilers are nearly idle; returns the slowest rate of the
     * last round (MAX_VALUE when there was none).
     */
    private double warmUp(final OpenLoop loop, final List<Target> targets, final int stock) throws Exception
    {
        final double[] slowest = {Double.MAX_VALUE};
        if (options.warmupSeconds() <= 0)
        {
            return slowest[0];
        }
        // Rounds until this JVM (the engine's, the generator's and the Redis clients' code) is compiled.
        CompilerQuiet.warmUntilCompiled(ProcessHandle.current().pid(), "this JVM", () ->
        {
            slowest[0] = Double.MAX_VALUE;
            for (final Target target : targets)
            {
                final OpenLoop.Result w = loop.run(target, workload, new OpenLoop.Phase("warm-up",
                    sales.next("warmup"), stock, options.limit(), 0, options.inFlight(), options.warmupSeconds(), 30));
                out.printf("%s warm-up: %,.0f/s, %s%n", target.name(), w.throughput(),
                    w.verdict().summary(stock, options.limit()));
                slowest[0] = Math.min(slowest[0], w.throughput());
            }
        }, targets.size() * options.warmupSeconds(), CompilerQuiet.settles(options.warmupSeconds()), out);
        return slowest[0];
    }

    /**
     * Each system through one capacity round as it will be measured, discarded: the same requests on a sale of the
     * same stock. The warm-ups run out of time on a sale that sold out early, so nearly every purchase in them is
     * refused; a measured round sells a quarter of its requests. The JIT recompiled the engine's purchase path for
     * that mix (and the pacer for a phase that ends when its requests are sent) inside the first measured window
     * (docs/PERFORMANCE.md, "The pacer's recompiles").
     */
    private void warmUpAsMeasured(final OpenLoop loop, final List<Target> targets, final int stock,
        final long requests) throws Exception
    {
        if (!CompilerQuiet.settles(options.warmupSeconds()))
        {
            return; // a smoke run (the tests'): its figures are not the point
        }
        for (final Target target : targets)
        {
            final OpenLoop.Result r = loop.run(target, workload, new OpenLoop.Phase("capacity warm-up as measured",
                sales.next("measured-warmup"), stock, options.limit(), 0, options.inFlight(),
                options.capacitySeconds() / options.rounds(), 30, requests));
            out.printf("%s capacity warm-up as measured: %,.0f/s, %s%n", target.name(), r.throughput(),
                r.verdict().summary(stock, options.limit()));
        }
    }

    /**
     * Each system at the measured rate for as long as its warm-up, at most {@link #RATE_WARM_UP_SECONDS}, discarded.
     * After the capacity legs the open loop's pacing and recording at a fixed rate are not compiled yet: the JIT
     * compiled them (the generator's own code, mostly: {@code OpenLoop.pace}, the histograms) inside the first
     * measured window, and its CPU counted against the system in this JVM (docs/PERFORMANCE.md, "The whole pipeline
     * on the Aeron thread").
     */
    private void warmUpAtRate(final OpenLoop loop, final List<Target> targets, final double rate, final int inFlight)
        throws Exception
    {
        if (options.warmupSeconds() <= 0)
        {
            return;
        }
        final double seconds = Math.min(RATE_WARM_UP_SECONDS, options.warmupSeconds());
        final int stock = workload.stockFor((long)Math.max(1, rate * seconds), options.limit());
        for (final Target target : targets)
        {
            final OpenLoop.Result w = loop.run(target, workload, new OpenLoop.Phase(String.format(Locale.ROOT,
                "warm-up at %,.0f/s", rate), sales.next("rate-warmup"), stock, options.limit(), rate, inFlight,
                seconds, 30));
            out.printf("%s warm-up at %,.0f/s: %s%n", target.name(), rate, w.verdict().summary(stock, options.limit()));
        }
    }

    /** The longest each system runs at the measured rate before it is measured. */
    static final double RATE_WARM_UP_SECONDS = 2;

    private static List<Leg> legs(final List<Target> targets, final Supplier<OpenLoop.Phase> phase)
    {
        return targets.stream().map(target -> new Leg(target, phase)).toList();
    }

    private int report(final Path outDir, final Measured measured) throws Exception
    {
        final List<OpenLoop.Result> capacity = measured.capacity();
        final List<OpenLoop.Result> fixed = measured.fixed();
        final List<OpenLoop.Result> all = measured.all();
        Report.writeHgrm(outDir, all);
        final String title = "Flashgate vs Redis Lua: contested sale, " +
            String.format(Locale.ROOT, "%,d", options.buyers()) + " buyers, limit " + options.limit();
        PercentilePlot.of(title + " (open loop)", fixed.isEmpty() ? capacity : fixed)
            .writePng(outDir.resolve("percentiles.png"));
        if (!capacity.isEmpty())
        {
            PercentilePlot.of(title + " (capacity)", capacity).writePng(outDir.resolve("percentiles-capacity.png"));
        }
        final List<String> headlines = CompareSummary.headlines(capacity, fixed);
        HtmlReport.write(outDir.resolve("report.html"), headlines, PercentilePlot.of(title, all), all,
            "percentiles.png");
        final String summary = CompareSummary.line(capacity, fixed);
        Files.writeString(outDir.resolve("summary.txt"), String.join("\n", headlines) + "\n" + summary + "\n");
        for (final String headline : headlines)
        {
            out.println(headline);
        }
        out.println("files: " + outDir.toAbsolutePath() + "/{report.html,percentiles.png,*.hgrm,summary.txt}");
        out.println(summary);
        return all.stream().allMatch(r -> r.verdict().passed()) ? BenchVerb.PASSED : BenchVerb.FAILED;
    }
}
