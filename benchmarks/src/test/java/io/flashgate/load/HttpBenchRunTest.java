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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ops/flashgate bench http}'s whole path, briefly. In the benchmarks module, a leaf, so that the modules the
 * process tests wait for never wait for these server-JVM runs; the package is the load generator's, whose entry
 * point ({@code LoadGenerator.run}) they call as the launcher does.
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
}
