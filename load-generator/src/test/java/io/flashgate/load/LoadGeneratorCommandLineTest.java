package io.flashgate.load;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.config.WaitChoice;
import io.flashgate.client.aeron.IdleChoice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ops/flashgate bench}'s command line: verbs, documented options and their meaning, usage errors. */
class LoadGeneratorCommandLineTest
{
    @TempDir
    Path dir;

    private final BenchCommand command = new BenchCommand();
    private final ByteArrayOutputStream out = command.out;
    private final ByteArrayOutputStream err = command.err;

    private int bench(final String... argv) throws Exception
    {
        return command.run(argv);
    }

    @Test
    void everyOptionTheBenchmarksReadmeDocumentsIsDeclaredAndListedByHelp() throws Exception
    {
        final Set<String> documented = new TreeSet<>();
        final Matcher m = Pattern.compile("(?<![\\w-])--([a-z][a-z-]*)").matcher(Files.readString(Path.of("..", "benchmarks", "README.md")));
        while (m.find())
        {
            documented.add(m.group(1));
        }
        documented.removeAll(Set.of("help", "events")); // --events belongs to `jfr print`
        assertTrue(documented.size() >= 15, "read the options from the README: " + documented);
        final Set<String> declared = new TreeSet<>();
        Stream.concat(CompareOptions.OPTIONS.stream(), HttpOptions.OPTIONS.stream()).map(Option::name)
            .forEach(declared::add);
        final Set<String> missing = new TreeSet<>(documented);
        missing.removeAll(declared);
        assertEquals(Set.of(), missing, "documented in benchmarks/README.md but not declared");

        assertEquals(0, bench("--help", "--out", dir.toString()));
        final String help = out.toString(StandardCharsets.UTF_8);
        for (final String name : documented)
        {
            assertTrue(help.contains("--" + name + " "), "bench --help lists --" + name);
        }
        for (final BenchVerb verb : LoadGenerator.VERBS)
        {
            assertTrue(help.contains("  " + verb.name() + " "), "bench --help lists the verb " + verb.name());
        }
    }

    @Test
    void eachVerbHasItsOwnHelp() throws Exception
    {
        assertEquals(0, bench("http", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: ops/flashgate bench http [options]"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--server-jfr FILE"));
        out.reset();
        assertEquals(0, bench("aeron", "-h"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--also-wait W"));
    }

    @Test
    void usageErrorsAreOneLineAndExitTwo() throws Exception
    {
        final List<List<String>> bad = List.of(
            List.of("bogus"),
            List.of("--bogus", "1"),
            List.of("http", "--in-flight", "10"),
            List.of("--rate", "fast"),
            List.of("--wait", "spinning"),
            List.of("--duplicates", "1.5"),
            List.of("--drivers", "3"),
            List.of("aeron", "--ring-size", "1000"),
            List.of("aeron", "--ring-size", "32"),
            List.of("aeron", "--ring-size", "33554432"),
            List.of("aeron", "--ring-size", "4294967296"),
            List.of("--buyers", "0"),
            List.of("--capacity-seconds", "0"),
            List.of("aeron", "extra"),
            List.of("--rate"));
        for (final List<String> argv : bad)
        {
            err.reset();
            assertEquals(UsageException.EXIT_CODE, bench(argv.toArray(String[]::new)), argv.toString());
            final String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, message.lines().count(), argv + " -> " + message);
        }
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing ran");
    }

    @Test
    void compareOptionsKeepTheirDefaultsAndMeaning() throws Exception
    {
        final CompareOptions defaults = CompareOptions.from(parse(CompareVerb.COMPARE));
        assertEquals(new CompareOptions(20_000, 2, 0.05, 3, 6, java.util.OptionalLong.empty(), 10, 3, 4096, 0, 16, 2,
            512, null, null, 2, null, null, null, null, 0, false, false, "udp"), defaults);
        final io.flashgate.engine.pipeline.EngineConfig engineDefaults =
            io.flashgate.engine.pipeline.EngineConfig.defaults(dir);
        assertEquals(engineDefaults, defaults.engineTuning().apply(engineDefaults), "no option: the engine's defaults");

        final CompareOptions given = CompareOptions.from(parse(CompareVerb.AERON, "--capacity-requests", "1500000",
            "--rounds", "1", "--wait", "sleeping", "--idle", "yielding", "--also-wait", "sleeping", "--rate", "13000",
            "--seconds", "2.5", "--buyers", "300", "--limit", "3", "--duplicates", "0.2", "--drivers", "1",
            "--data-dir", dir.toString(), "--out=" + dir.resolve("o"), "--redis-batch", "64", "--standby",
            "--zookeeper", "--channel", "ipc", "--stage-layout", "own_threads", "--ring-size", "2048"));
        assertTrue(given.ipc() && !given.udp());
        assertTrue(given.standby());
        assertTrue(given.zookeeper());
        assertEquals(1_500_000, given.capacityRequests().orElseThrow());
        assertEquals(1, given.rounds());
        assertEquals(WaitChoice.SLEEPING, given.pipelineWait());
        assertEquals(WaitChoice.SLEEPING, given.alsoWait());
        final io.flashgate.engine.pipeline.EngineConfig tuned =
            given.engineTuning().apply(io.flashgate.engine.pipeline.EngineConfig.defaults(dir));
        assertEquals(io.flashgate.config.StageLayout.OWN_THREADS, tuned.stageLayout());
        assertEquals(WaitChoice.SLEEPING, tuned.waitChoice());
        assertEquals(2048, tuned.ringSize());
        assertEquals(IdleChoice.YIELDING, given.idle());
        assertEquals(13_000, given.rate());
        assertEquals(2.5, given.seconds());
        assertEquals(300, given.buyers());
        assertEquals(3, given.limit());
        assertEquals(0.2, given.duplicates());
        assertEquals(1, given.drivers());
        assertEquals(dir, given.dataDir());
        assertEquals(dir.resolve("o"), given.out());
        assertEquals(64, given.redisBatch());
    }

    @Test
    void httpOptionsKeepTheirDefaultsAndMeaning() throws Exception
    {
        final HttpOptions defaults = HttpOptions.from(parse(HttpVerb.HTTP));
        assertEquals(64, defaults.connections());
        assertEquals(50_000, defaults.buyers());
        assertEquals(6, defaults.seconds());
        assertEquals(4, defaults.warmupSeconds());
        assertEquals(2, defaults.rounds());
        assertTrue(defaults.rate().isEmpty(), "rate: half the edge's purchase capacity");
        assertEquals(6, defaults.openSeconds(), "open loop as long as --seconds");
        assertNull(defaults.serverJfr());
        assertFalse(defaults.standby(), "no standby leg unless asked");

        final HttpOptions given = HttpOptions.from(parse(HttpVerb.HTTP, "--rounds", "1", "--server-jfr", "s.jfr",
            "--seconds", "3", "--rate", "0", "--connections", "8"));
        assertEquals(Path.of("s.jfr"), given.serverJfr());
        assertEquals(3, given.openSeconds());
        assertEquals(0, given.rate().orElseThrow(), "--rate 0 skips the open loop");
        assertEquals(8, given.connections());
        assertTrue(HttpOptions.from(parse(HttpVerb.HTTP, "--standby")).standby());
    }

    /** The whole path of {@code bench aeron}, briefly: engine over Aeron UDP, one open-loop round, the files. */
    @Test
    @Timeout(90)
    void aShortAeronRunPassesItsChecksAndWritesEveryReport() throws Exception
    {
        final Path reports = dir.resolve("reports");
        final int status = bench("aeron", "--buyers", "300", "--warmup", "0.2", "--capacity-requests", "3000",
            "--capacity-seconds", "2", "--rounds", "2", "--seconds", "0.4", "--out", reports.toString());
        final String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed + err.toString(StandardCharsets.UTF_8));
        final List<String> lines = printed.lines().toList();
        assertTrue(lines.get(lines.size() - 1).startsWith("SUMMARY | flashgate-aeron max "), printed);
        assertTrue(lines.get(lines.size() - 1).endsWith("correctness OK"), printed);
        final List<String> rounds = new ArrayList<>(lines);
        rounds.removeIf(line -> !line.startsWith("flashgate-aeron ") || line.contains("warm-up"));
        assertEquals(4, rounds.size(), "2 capacity and 2 open-loop rounds: " + rounds);
        for (final String file : List.of("report.html", "percentiles.png", "percentiles-capacity.png", "summary.txt"))
        {
            assertTrue(Files.size(reports.resolve(file)) > 0, file);
        }
        try (Stream<Path> files = Files.list(reports))
        {
            assertEquals(2, files.filter(f -> f.toString().endsWith(".hgrm")).count(), "capacity and open loop");
        }
        assertFalse(Files.readString(reports.resolve("summary.txt")).contains("FAILED"));

        // CPU per purchase: after each round (4) and in the headlines (capacity and open loop), plausible figures.
        final Matcher cpu = Pattern.compile("cpu per purchase: flashgate-aeron (\\S+) µs = (\\S+) cores of this JVM " +
            "without the generator \\[[^]]+\\]; generator (\\S+) µs apart").matcher(printed);
        int found = 0;
        while (cpu.find())
        {
            found++;
            final double micros = Double.parseDouble(cpu.group(1));
            final double cores = Double.parseDouble(cpu.group(2));
            final double generator = Double.parseDouble(cpu.group(3));
            assertTrue(micros > 0 && Double.isFinite(micros) && cores > 0 && cores <= 64 && generator >= 0 &&
                Double.isFinite(generator), cpu.group());
        }
        assertEquals(6, found, printed);
        assertTrue(lines.get(lines.size() - 1).matches("SUMMARY \\| flashgate-aeron max [\\d,]+/s \\(cpu [\\d.]+µs/purchase\\) " +
            "\\| flashgate-aeron @[\\d,]+/s p50/p99/p99.9 \\S+ \\(cpu [\\d.]+µs/purchase\\) \\| correctness OK"),
            lines.get(lines.size() - 1));
        assertTrue(printed.lines().anyMatch(line -> line.startsWith("capacity cpu per purchase: flashgate-aeron ")),
            printed);
        final String html = Files.readString(reports.resolve("report.html"));
        assertTrue(html.contains("<h2 id=\"cpu\">CPU per purchase</h2>") && html.contains("<h3>capacity</h3>") &&
            html.contains("/s open loop</h3>"), "a CPU table per phase in report.html");
    }

    private static Args parse(final BenchVerb verb, final String... argv) throws UsageException
    {
        return verb.parse(LoadGenerator.PROGRAM, List.of(argv));
    }
}
