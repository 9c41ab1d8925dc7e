package io.flashgate.ops;

import io.flashgate.processes.FreePorts;
import io.flashgate.processes.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher as a real process: a bad setting or an unusable machine stops it with one line and the documented
 * exit code (docs/CONFIG.md, "Exit codes"); {@code config --print} shows which source won.
 */
class ConfigProcessTest
{
    @TempDir
    Path dir;

    private int runs;

    private record Outcome(int exitCode, String output)
    {
    }

    /**
     * A launcher run under way. Each run is a JVM of its own that starts, reads its settings and exits; a test starts
     * all its runs at once and then reads their outcomes, so their start-ups overlap instead of queueing.
     */
    private final class Launch
    {
        private final ChildJvm child;

        Launch(final Map<String, String> env, final String... args)
        {
            child = LauncherProcess.start(dir.resolve("launch-" + (++runs) + ".log"), env, args);
            started.add(child);
        }

        Outcome outcome()
        {
            // generous: a dozen JVMs start at once on a busy 2-core machine
            final int code = child.awaitExit(Duration.ofSeconds(120));
            return new Outcome(code, child.output());
        }
    }

    private final List<ChildJvm> started = new ArrayList<>();

    @AfterEach
    void stopAll()
    {
        started.forEach(ChildJvm::close);
    }

    private Launch launch(final Map<String, String> env, final String... args)
    {
        return new Launch(env, args);
    }

    /** Exactly one line, naming what it must name, and no stack trace. */
    private void assertOneLine(final Launch launch, final int exitCode, final String... mentions)
    {
        final Outcome outcome = launch.outcome();
        final List<String> lines = outcome.output().lines().filter(line -> !line.isBlank()).toList();
        assertEquals(1, lines.size(), "expected one line:\n" + outcome.output());
        final String line = lines.get(0);
        assertTrue(line.startsWith("flashgate: "), line);
        for (final String mention : mentions)
        {
            assertTrue(line.contains(mention), "'" + mention + "' missing from: " + line);
        }
        assertFalse(outcome.output().contains("Exception"), outcome.output());
        assertFalse(outcome.output().contains("\tat "), outcome.output());
        assertEquals(exitCode, outcome.exitCode(), outcome.output());
    }

    private Map<String, String> dataDir()
    {
        return Map.of("FLASHGATE_DATA_DIR", dir.resolve("data").toString(), "FLASHGATE_TOKEN_SECRET",
            "config-test-secret-0123456789");
    }

    @Test
    @Timeout(300)
    void badSettingsStopStartUpWithOneLineAndExitCode2() throws Exception
    {
        final Path unknownKey = Files.writeString(dir.resolve("unknown.yaml"), "engine:\n  ringSise: 1024\n");
        final Path wrongType = Files.writeString(dir.resolve("type.yaml"), "edge:\n  httpPort: eighty\n");
        final Launch unknown = launch(dataDir(), "run", "--config", unknownKey.toString());
        final Launch type = launch(dataDir(), "run", "--config", wrongType.toString());
        final Launch maxInFlight = launch(Map.of("FLASHGATE_MAX_IN_FLIGHT", "lots"), "edge");
        final Launch portZero = launch(dataDir(), "run", "--http-port", "0");
        final Launch portHigh = launch(dataDir(), "run", "--http-port", "70000");
        final Launch metricsZero = launch(dataDir(), "engine", "--metrics-port", "0");
        final Launch rate = launch(dataDir(), "run", "--user-rate-per-second", "-5");
        final Launch ipBurst = launch(Map.of("FLASHGATE_IP_BURST", "-1"), "run");
        final Launch bogus = launch(dataDir(), "run", "--bogus", "1");

        assertOneLine(unknown, 2, "config: engine.ringSise: unknown key", "file " + unknownKey);
        assertOneLine(type, 2, "config: edge.httpPort: must be 1..65535", "was eighty", "file " + wrongType);
        assertOneLine(maxInFlight, 2,
            "config: protections.maxInFlight: must be 1..1000000", "was lots (env FLASHGATE_MAX_IN_FLIGHT)");
        assertOneLine(portZero, 2,
            "config: edge.httpPort: must be 1..65535 (0 is not allowed", "was 0 (flag --http-port)");
        assertOneLine(portHigh, 2, "config: edge.httpPort: must be 1..65535", "was 70000 (flag --http-port)");
        assertOneLine(metricsZero, 2, "config: metrics.port: must be 1..65535");
        assertOneLine(rate, 2,
            "config: protections.userRatePerSecond: must be a number > 0", "was -5 (flag --user-rate-per-second)");
        assertOneLine(ipBurst, 2, "config: protections.ipBurst: must be 1..1000000", "was -1 (env FLASHGATE_IP_BURST)");
        assertOneLine(bogus, 2, "unknown option --bogus");
    }

    @Test
    @Timeout(300)
    void anUnwritableDataFolderOrABusyPortStopsStartUpWithOneLineAndExitCode3() throws Exception
    {
        // Root may write anywhere, so the folder is made unusable by a file where a parent folder should be.
        final Path inTheWay = Files.writeString(dir.resolve("a-file"), "not a folder");
        final Map<String, String> env = new HashMap<>(dataDir());
        env.put("FLASHGATE_DATA_DIR", inTheWay.resolve("data").toString());
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")))
        {
            final String port = Integer.toString(busy.getLocalPort());
            final Launch unwritable = launch(env, "run", "--http-port", Integer.toString(FreePorts.tcp()));
            final Launch httpBusy = launch(dataDir(), "run", "--http-port", port);
            final Launch metricsBusy = launch(Map.of("FLASHGATE_METRICS_PORT", port), "engine", "--data-dir",
                dir.resolve("engine-data").toString());
            assertOneLine(unwritable, 3, "engine.dataDir: folder " + inTheWay.resolve("data"), "cannot be written",
                "(env FLASHGATE_DATA_DIR)");
            assertOneLine(httpBusy, 3, "edge.httpPort: cannot listen on 127.0.0.1:" + port, "(flag --http-port)");
            assertOneLine(metricsBusy, 3, "metrics.port: cannot listen on 127.0.0.1:" + port,
                "(env FLASHGATE_METRICS_PORT)");
        }
    }

    @Test
    @Timeout(300)
    void configPrintShowsTheWinningValueAndWhereItCameFrom() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("flashgate.yaml"),
            "edge:\n  httpPort: 9001\nprotections:\n  userBurst: 11\n");
        final Map<String, String> env = Map.of("FLASHGATE_HTTP_PORT", "9002", "FLASHGATE_USER_BURST", "12");

        final Path example = Path.of("flashgate.example.yaml").toAbsolutePath();
        final Launch allLaunch = launch(env, "config", "--print", "--config", file.toString(), "--http-port", "9003");
        final Launch noFlagLaunch = launch(env, "config", "--print", "--config", file.toString());
        final Launch fileOnlyLaunch = launch(Map.of("FLASHGATE_CONFIG", file.toString()), "config", "--print");
        final Launch defaultsLaunch = launch(Map.of(), "config", "--print");
        final Launch exampleLaunch = launch(Map.of(), "config", "--print", "--config", example.toString());

        final Outcome all = allLaunch.outcome();
        assertEquals(0, all.exitCode(), all.output());
        assertLine(all, "httpPort: 9003", "# flag --http-port");
        assertLine(all, "userBurst: 12", "# env FLASHGATE_USER_BURST");
        assertLine(all, "ringSize: 16384", "# default");

        final Outcome noFlag = noFlagLaunch.outcome();
        assertLine(noFlag, "httpPort: 9002", "# env FLASHGATE_HTTP_PORT");

        final Outcome fileOnly = fileOnlyLaunch.outcome();
        assertLine(fileOnly, "httpPort: 9001", "# file " + file);
        assertLine(fileOnly, "userBurst: 11", "# file " + file);

        final Outcome defaults = defaultsLaunch.outcome();
        assertLine(defaults, "httpPort: 8080", "# default");

        // The example file loads, and every setting in it is at its default.
        final Outcome fromExample = exampleLaunch.outcome();
        assertEquals(0, fromExample.exitCode(), fromExample.output());
        assertEquals(defaults.output().lines().map(ConfigProcessTest::value).toList(),
            fromExample.output().lines().map(ConfigProcessTest::value).toList());
        assertTrue(fromExample.output().lines().allMatch(line -> line.endsWith(":") || line.contains("# file ")),
            fromExample.output());
    }

    private static String value(final String line)
    {
        final int comment = line.indexOf(" #");
        return (comment < 0 ? line : line.substring(0, comment)).strip();
    }

    private static void assertLine(final Outcome outcome, final String setting, final String origin)
    {
        assertTrue(outcome.output().lines().anyMatch(line -> line.strip().startsWith(setting) && line.endsWith(origin)),
            "no line '" + setting + " ... " + origin + "' in:\n" + outcome.output());
    }
}
