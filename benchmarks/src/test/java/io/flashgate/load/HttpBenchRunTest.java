package io.flashgate.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ops/flashgate bench http}'s whole path, briefly, without and with a standby. In the benchmarks module, a
 * leaf, so that the modules the process tests wait for never wait for these server-JVM runs; the package is the load
 * generator's, whose entry point ({@code LoadGenerator.run}) they call as the launcher does.
 */
class HttpBenchRunTest
{
    @TempDir
    Path dir;

    private final BenchCommand command = new BenchCommand();

    /** {@code bench http}, briefly: the server JVM is the system, split by thread; this JVM is the generator. */
    @Test
    @Timeout(240)
    void aShortHttpRunReportsTheServerJvmsCpuPerRequestByThread() throws Exception
    {
        final Path reports = dir.resolve("http");
        // half a second a phase: each still sees hundreds of requests and tens of CPU ticks of the server JVM
        final int status = command.run("http", "--buyers", "500", "--connections", "8", "--warmup", "0", "--rounds",
            "1", "--seconds", "0.5", "--open-seconds", "0.3", "--out", reports.toString());
        final String printed = command.printed();
        assertEquals(0, status, printed + command.errors());
        final String summary = printed.lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(summary.matches("SUMMARY http \\| edge POST [\\d,]+/s \\(cpu [\\d.]+µs/request\\) = \\d+% of bare POST " +
            "[\\d,]+/s \\(cpu [\\d.]+µs/request\\), .*, cpu [\\d.]+µs vs [\\d.]+µs/request \\| correctness OK"), summary);
        final Matcher cpu = Pattern.compile("cpu per request: (\\S+) (\\S+) µs = (\\S+) cores of server JVM " +
            "\\[([^]]+)\\]; generator (\\S+) µs apart").matcher(printed);
        final Set<String> systems = new TreeSet<>();
        final Set<String> threads = new TreeSet<>();
        while (cpu.find())
        {
            systems.add(cpu.group(1));
            final double micros = Double.parseDouble(cpu.group(2));
            assertTrue(micros > 0 && Double.isFinite(micros) && Double.parseDouble(cpu.group(3)) > 0 &&
                Double.isFinite(Double.parseDouble(cpu.group(5))), cpu.group());
            threads.add(cpu.group(4));
        }
        assertEquals(Set.of("bare-GET", "bare-POST", "edge-GET-status", "edge-POST-purchase", "edge-POST-sold-out"),
            systems, printed);
        assertTrue(threads.stream().anyMatch(t -> t.contains("jetty ")), "Jetty's threads: " + threads);
        assertTrue(threads.stream().noneMatch(t -> t.contains("gateway poller / reply executor")),
            "the edge's poller and reply threads told apart by their Java names: " + threads);
        final String html = Files.readString(reports.resolve("report-http.html"));
        assertTrue(html.contains("<h2 id=\"cpu\">CPU per purchase</h2>") && html.contains("<h3>capacity: bare GET</h3>")
            && html.contains("/s open loop</h3>"), "a CPU table per phase in report-http.html");
    }

    /**
     * {@code bench http --standby}, briefly: a second server JVM whose engine is the primary of a pair in sync; its
     * leg runs at saturation and open loop, every purchase it acknowledged is counted by the checks, its CPU is read
     * from its own JVM, and the ratios to journal-only are printed.
     */
    @Test
    @Timeout(240)
    void aShortHttpRunWithAStandbyMeasuresTheSynchronousLegAgainstJournalOnly() throws Exception
    {
        final Path reports = dir.resolve("http-standby");
        final int status = command.run("http", "--standby", "--buyers", "500", "--connections", "8", "--warmup", "0",
            "--rounds", "1", "--seconds", "0.5", "--open-seconds", "0.3", "--rate", "300", "--out",
            reports.toString());
        final String printed = command.printed();
        assertEquals(0, status, printed + command.errors());
        final Matcher correct = Pattern.compile("(?m)^edge-POST-purchase-standby +(capacity|300/s) +[\\d,]+/s .* " +
            "OK: sold (\\d+)/").matcher(printed);
        final Set<String> phases = new TreeSet<>();
        while (correct.find())
        {
            phases.add(correct.group(1));
            assertTrue(Long.parseLong(correct.group(2)) > 0, "the standby leg sold: " + correct.group());
        }
        assertEquals(Set.of("capacity", "300/s"), phases, "the standby leg ran and passed its checks at saturation " +
            "and open loop:\n" + printed);
        assertTrue(printed.contains("correctness edge POST purchase standby: OK"), printed);
        assertTrue(Pattern.compile("standby \\(synchronous replication\\) / journal-only edge POST purchase at " +
            "saturation: throughput [\\d,]+/s vs [\\d,]+/s = \\d+% \\(target ≥ 70%\\), p99 \\S+ vs \\S+ = " +
            "[\\d.]+× \\(target ≤ 2×\\) — (met|MISSED)").matcher(printed).find(), printed);
        assertTrue(Pattern.compile("open loop at 300/s: standby / journal-only edge POST purchase: throughput")
            .matcher(printed).find(), printed);
        assertTrue(printed.contains("GET /admin/engine): PRIMARY IN_SYNC lag "), printed);
        final Matcher cpu = Pattern.compile("cpu per request: edge-POST-purchase-standby (\\S+) µs = \\S+ cores of " +
            "standby server JVM \\[").matcher(printed);
        assertTrue(cpu.find() && Double.parseDouble(cpu.group(1)) > 0, "CPU read from the standby's JVM: " + printed);
        assertTrue(printed.contains("cores of server JVM"), "and the journal-only legs' from theirs");
        final String summary = printed.lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(summary.matches("SUMMARY http \\| .* \\| standby POST [\\d,]+/s \\(cpu [\\d.]+µs/request\\) = " +
            "\\d+% of journal-only, p99 \\S+ vs \\S+ \\([\\d.]+×\\); open loop p99 .* \\| correctness OK"), summary);
        try (Stream<Path> files = Files.list(reports))
        {
            assertEquals(2, files.map(f -> f.getFileName().toString())
                .filter(f -> f.contains("standby") && f.endsWith(".hgrm")).count(), "its two .hgrm files");
        }
        assertTrue(Files.exists(reports.resolve("server-http-standby.log")), "the standby server JVM's log");
    }
}
