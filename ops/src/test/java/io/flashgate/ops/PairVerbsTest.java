package io.flashgate.ops;

import io.flashgate.cli.ExitCodes;
import io.flashgate.processes.FreePorts;
import io.flashgate.ops.drill.PairProcesses;
import io.flashgate.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's words to a pair, as real processes (docs/HTTP-API.md, "Engine process"; ops/RUNBOOK.md, "Hot
 * standby"): {@code ops/flashgate engine} and {@code standby} started through the launcher; {@code promote} makes the
 * standby primary under a newer epoch and the old primary rejoins as its standby (a planned switch-over);
 * {@code promote} of a primary and {@code solo} of a standby are refused; once the standby is killed, {@code solo}
 * lets the primary release alone; no engine at the address is exit 3.
 */
@Timeout(180)
class PairVerbsTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void promoteSwitchesOverAndSoloLetsAPrimaryWithoutItsStandbySell() throws Exception
    {
        try (PairProcesses pair = new PairProcesses(work, 100, 1000))
        {
            pair.a().start("engine");
            pair.b().start("standby");
            Await.until(() -> "A primary, B in sync: " + pair.a().status(), WAIT,
                () -> "PRIMARY".equals(pair.a().role()) && "IN_SYNC".equals(pair.a().standbyState()));
            final long firstEpoch = pair.a().epoch();

            // A planned switch-over: B is promoted, A is fenced and rejoins as B's standby.
            assertEquals(0, launcher("promote", "--metrics-port", Integer.toString(pair.b().metricsPort())));
            Await.until(() -> "B primary, A back in sync: " + pair.b().status() + " " + pair.a().status(), WAIT,
                () -> "PRIMARY".equals(pair.b().role()) && "IN_SYNC".equals(pair.b().standbyState()) &&
                    "STANDBY".equals(pair.a().role()));
            assertTrue(pair.b().epoch() > firstEpoch);
            assertEquals(pair.b().epoch(), pair.a().epoch(), "the standby applied the new epoch");

            // Refused: promote a primary, solo a standby.
            assertEquals(ExitCodes.FAILED, launcher("promote", "--metrics-port",
                Integer.toString(pair.b().metricsPort())));
            assertEquals(ExitCodes.FAILED, launcher("solo", "--metrics-port", Integer.toString(pair.a().metricsPort())));

            // The standby dies: B (STOP) releases nothing; solo lets it sell alone, shown as such.
            pair.a().killMinus9();
            Await.until(() -> "B without its standby: " + pair.b().status(), WAIT,
                () -> "ABSENT".equals(pair.b().standbyState()));
            assertEquals("PRIMARY", pair.b().role());
            assertEquals(0, launcher("solo", "--metrics-port", Integer.toString(pair.b().metricsPort())));
            Await.until(() -> "B solo: " + pair.b().status(), WAIT, () -> "SOLO".equals(pair.b().role()));
            assertTrue(pair.b().status().orElseThrow().contains("\"soloByOperator\":true"), pair.b().status()::get);

            // Bad input on the operator routes: a clear 4xx, never a 500, and nothing changed.
            final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            final String base = "http://127.0.0.1:" + pair.b().metricsPort();
            assertEquals(400, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base +
                    "/admin/sink?committed=-5&lagRecords=x")).POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(405, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base +
                "/admin/promote")).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals("SOLO", pair.b().role());

            // A heartbeat timeout shorter than two intervals is a configuration error: one line, exit 2.
            assertEquals(2, launcher("engine", "--data-dir", work.resolve("bad").toString(), "--pair-peer",
                "127.0.0.1:" + FreePorts.udp(), "--metrics-port", Integer.toString(FreePorts.tcp()),
                "--heartbeat-interval-millis", "100", "--heartbeat-timeout-millis", "150"));

            // Nobody there.
            assertEquals(ExitCodes.ENVIRONMENT, launcher("promote", "--metrics-port",
                Integer.toString(FreePorts.tcp())));
        }
    }

    private static int launcher(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int code = Launcher.run(List.of(args), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8));
        System.out.println(String.join(" ", args) + " -> " + code + ": " + out.toString(StandardCharsets.UTF_8).trim());
        return code;
    }
}
