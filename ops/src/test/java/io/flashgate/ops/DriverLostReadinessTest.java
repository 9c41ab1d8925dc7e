package io.flashgate.ops;

import io.flashgate.cli.ExitCodes;
import io.flashgate.processes.FreePorts;
import io.flashgate.config.ConfigLoader;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Between noticing a lost driver and closing, an engine and an edge say "not ready": run in this JVM, so the test
 * looks at them after the fault and before the close the launcher would do at once.
 */
class DriverLostReadinessTest
{
    private static final String SECRET = "readiness-test-secret-0123456789";

    @TempDir
    Path dataDir;

    @TempDir
    Path driverDir;

    @TempDir
    Path logs;

    private static int status(final String url) throws Exception
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
            .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @Timeout(60)
    void anEngineAndAnEdgeReportNotReadyOnceTheirDriverIsLost() throws Exception
    {
        final int httpPort = FreePorts.tcp();
        final int metricsPort = FreePorts.tcp();
        final FlashgateConfig config = ConfigLoader.load(Map.of(), Map.of(
            "data-dir", dataDir.toString(), "token-secret", SECRET, "driver-timeout-millis", "1000",
            "embedded-driver", "false", "aeron-dir", driverDir.toString(),
            "ingress", "127.0.0.1:" + FreePorts.udp(), "egress", "127.0.0.1:" + FreePorts.udp(),
            "http-port", Integer.toString(httpPort), "metrics-port", Integer.toString(metricsPort))).config();
        try (ChildJvm driver = ChildJvm.of(ExternalDriver.class, driverDir.toString()).heap("128m")
                .start(logs.resolve("driver.log")).awaitLine(ExternalDriver.READY, 1, Duration.ofSeconds(30));
            FlashgateProcess engine = EngineProcess.start(config, false);
            FlashgateProcess edge = EdgeProcess.start(config, SECRET))
        {
            final String engineReady = "http://127.0.0.1:" + metricsPort + "/health/ready";
            final String edgeReady = "http://127.0.0.1:" + httpPort + "/health/ready";
            Await.until("edge ready", Duration.ofSeconds(30), () -> uncheckedStatus(edgeReady) == 200);
            assertEquals(200, status(engineReady));

            driver.killMinus9();
            Await.until("both notice", Duration.ofSeconds(10),
                () -> engine.faults().isFaulted() && edge.faults().isFaulted());
            assertEquals(503, status(engineReady));
            assertEquals(503, status(edgeReady));
            assertEquals(200, status("http://127.0.0.1:" + metricsPort + "/health/live"));
            final ProcessFault fault = engine.faults().await().orElseThrow();
            assertEquals(ExitCodes.DRIVER_LOST, fault.exitCode());
            assertTrue(fault.getMessage().contains(driverDir.toString()), fault.getMessage());
        }
    }

    private static int uncheckedStatus(final String url)
    {
        try
        {
            return status(url);
        }
        catch (final Exception notYet)
        {
            return -1;
        }
    }
}
