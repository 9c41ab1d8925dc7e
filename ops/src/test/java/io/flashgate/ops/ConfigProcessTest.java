package io.flashgate.ops;

import io.flashgate.testsupport.ChildJvm;
import io.flashgate.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private Outcome launch(final Map<String, String> env, final String... args)
    {
        final Path log = dir.resolve("launch-" + (++runs) + ".log");
        try (ChildJvm child = LauncherProcess.start(log, env, args))
        {
            final int code = child.awaitExit(Duration.ofSeconds(60));
            return new Outcome(code, child.output());
        }
    }

    /** Exactly one line, naming what it must name, and no stack trace. */
    private void assertOneLine(final Outcome outcome, final int exitCode, final String... mentions)
    {
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
        assertOneLine(launch(dataDir(), "run", "--config", unknownKey.toString()), 2,
            "config: engine.ringSise: unknown key", "file " + unknownKey);

        final Path wrongType = Files.writeString(dir.resolve("type.yaml"), "edge:\n  httpPort: eighty\n");
        assertOneLine(launch(dataDir(), "run", "--config", wrongType.toString()), 2,
            "config: edge.httpPort: must be 1..65535", "was eighty", "file " + wrongType);
        assertOneLine(launch(Map.of("FLASHGATE_MAX_IN_FLIGHT", "lots"), "edge"), 2,
            "config: protections.maxInFlight: must be 1..1000000", "was lots (env FLASHGATE_MAX_IN_FLIGHT)");

        assertOneLine(launch(dataDir(), "run", "--http-port", "0"), 2,
            "config: edge.httpPort: must be 1..65535 (0 is not allowed", "was 0 (flag --http-port)");
        assertOneLine(launch(dataDir(), "run", "--http-port", "70000"), 2,
            "config: edge.httpPort: must be 1..65535", "was 70000 (flag --http-port)");
        assertOneLine(launch(dataDir(), "engine", "--metrics-port", "0"), 2, "config: metrics.port: must be 1..65535");

        assertOneLine(launch(dataDir(), "run", "--user-rate-per-second", "-5"), 2,
            "config: protections.userRatePerSecond: must be a number > 0", "was -5 (flag --user-rate-per-second)");
        assertOneLine(launch(Map.of("FLASHGATE_IP_BURST", "-1"), "run"), 2,
            "config: protections.ipBurst: must be 1..1000000", "was -1 (env FLASHGATE_IP_BURST)");

        assertOneLine(launch(dataDir(), "run", "--bogus", "1"), 2, "unknown option --bogus");
    }

    @Test
    @Timeout(300)
    void anUnwritableDataFolderOrABusyPortStopsStartUpWithOneLineAndExitCode3() throws Exception
    {
        // Root may write anywhere, so the folder is made unusable by a file where a parent folder should be.
        final Path inTheWay = Files.writeString(dir.resolve("a-file"), "not a folder");
        final Map<String, String> env = new HashMap<>(dataDir());
        env.put("FLASHGATE_DATA_DIR", inTheWay.resolve("data").toString());
        assertOneLine(launch(env, "run", "--http-port", Integer.toString(FreePorts.tcp())), 3,
            "engine.dataDir: folder " + inTheWay.resolve("data"), "cannot be written", "(env FLASHGATE_DATA_DIR)");

        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")))
        {
            final String port = Integer.toString(busy.getLocalPort());
            assertOneLine(launch(dataDir(), "run", "--http-port", port), 3,
                "edge.httpPort: cannot listen on 127.0.0.1:" + port, "(flag --http-port)");
            assertOneLine(launch(Map.of("FLASHGATE_METRICS_PORT", port), "engine", "--data-dir",
                dir.resolve("engine-data").toString()), 3,
                "metrics.port: cannot listen on 127.0.0.1:" + port, "(env FLASHGATE_METRICS_PORT)");
        }
    }

    @Test
    @Timeout(300)
    void configPrintShowsTheWinningValueAndWhereItCameFrom() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("flashgate.yaml"),
            "edge:\n  httpPort: 9001\nprotections:\n  userBurst: 11\n");
        final Map<String, String> env = Map.of("FLASHGATE_HTTP_PORT", "9002", "FLASHGATE_USER_BURST", "12");

        final Outcome all = launch(env, "config", "--print", "--config", file.toString(), "--http-port", "9003");
        assertEquals(0, all.exitCode(), all.output());
        assertLine(all, "httpPort: 9003", "# flag --http-port");
        assertLine(all, "userBurst: 12", "# env FLASHGATE_USER_BURST");
        assertLine(all, "ringSize: 16384", "# default");

        final Outcome noFlag = launch(env, "config", "--print", "--config", file.toString());
        assertLine(noFlag, "httpPort: 9002", "# env FLASHGATE_HTTP_PORT");

        final Outcome fileOnly = launch(Map.of("FLASHGATE_CONFIG", file.toString()), "config", "--print");
        assertLine(fileOnly, "httpPort: 9001", "# file " + file);
        assertLine(fileOnly, "userBurst: 11", "# file " + file);

        final Outcome defaults = launch(Map.of(), "config", "--print");
        assertLine(defaults, "httpPort: 8080", "# default");

        // The example file loads, and every setting in it is at its default.
        final Path example = Path.of("flashgate.example.yaml").toAbsolutePath();
        final Outcome fromExample = launch(Map.of(), "config", "--print", "--config", example.toString());
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
