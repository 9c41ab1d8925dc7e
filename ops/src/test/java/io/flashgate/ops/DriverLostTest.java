package io.flashgate.ops;

import io.flashgate.cli.ExitCodes;
import io.flashgate.processes.FreePorts;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A media driver in a process of its own, SIGKILLed under a running engine or edge ({@code --embedded-driver
 * false}): the process notices within {@code transport.driverTimeoutMillis}, prints one line naming the cause and
 * exits 5; edges of a lost engine refuse at once; after the driver and the process are restarted, every
 * acknowledged order is there.
 */
class DriverLostTest
{
    private static final String SECRET = "driver-test-secret-0123456789";
    private static final long DRIVER_TIMEOUT_MILLIS = 1_500;
    /** Detection plus a clean close (the engine drains and closes its journal), on a busy 2-core machine. */
    private static final Duration EXIT_WITHIN = Duration.ofMillis(DRIVER_TIMEOUT_MILLIS + 8_000);

    @TempDir
    Path dataDir;

    @TempDir
    Path driverDir;

    @TempDir
    Path logs;

    private final List<ChildJvm> processes = new ArrayList<>();
    private final List<ChildJvm> drivers = new ArrayList<>();
    private final String ingress = "127.0.0.1:" + FreePorts.udp();
    private final String egress = "127.0.0.1:" + FreePorts.udp();

    /**
     * SIGTERM first, so processes with an embedded driver remove its folder from /dev/shm; in reverse order of start,
     * so no process outlives the driver it uses.
     */
    @AfterEach
    void stopAll()
    {
        final List<ChildJvm> newestFirst = new ArrayList<>(processes);
        Collections.reverse(newestFirst);
        for (final ChildJvm process : newestFirst)
        {
            try
            {
                if (process.isAlive())
                {
                    process.terminate(Duration.ofSeconds(20));
                }
            }
            catch (final RuntimeException stuck)
            {
                // terminate() already killed it
            }
            process.close();
        }
    }

    /** Starts the external driver; {@link #ready} waits for it. */
    private ChildJvm driver(final String log)
    {
        final ChildJvm driver = ChildJvm.of(ExternalDriver.class, driverDir.toString()).heap("128m")
            .start(logs.resolve(log));
        processes.add(driver);
        drivers.add(driver);
        return driver;
    }

    /**
     * Starts a launcher process without waiting, so that processes that do not need each other start side by side
     * (a JVM's start-up is most of what these tests wait for); {@link #ready} waits for it.
     */
    private ChildJvm launch(final String log, final String... args)
    {
        final ChildJvm process = LauncherProcess.start(logs.resolve(log), Map.of(
            "FLASHGATE_DATA_DIR", dataDir.toString(), "FLASHGATE_TOKEN_SECRET", SECRET,
            "FLASHGATE_DRIVER_TIMEOUT_MILLIS", Long.toString(DRIVER_TIMEOUT_MILLIS),
            "FLASHGATE_ENGINE_INGRESS", ingress, "FLASHGATE_ENGINE_EGRESS", egress), args);
        processes.add(process);
        return process;
    }

    /** Waits for the ready line of each (a driver's or a launcher's). */
    private void ready(final ChildJvm... started)
    {
        for (final ChildJvm process : started)
        {
            process.awaitLine(drivers.contains(process) ? ExternalDriver.READY : LauncherProcess.READY, 1,
                Duration.ofSeconds(60));
        }
    }

    private ChildJvm engine(final String log, final int metricsPort, final boolean onExternalDriver)
    {
        return onExternalDriver
            ? launch(log, "engine", "--metrics-port", Integer.toString(metricsPort), "--embedded-driver", "false",
                "--aeron-dir", driverDir.toString())
            : launch(log, "engine", "--metrics-port", Integer.toString(metricsPort));
    }

    private ChildJvm edge(final String log, final int httpPort, final boolean onExternalDriver)
    {
        return onExternalDriver
            ? launch(log, "edge", "--http-port", Integer.toString(httpPort), "--embedded-driver", "false",
                "--aeron-dir", driverDir.toString())
            : launch(log, "edge", "--http-port", Integer.toString(httpPort));
    }

    /** Purchases through the edge; the acknowledged ones by order id, with their buyer. */
    private static Map<String, String> buy(final Shopper edge, final String prefix, final int count) throws Exception
    {
        final Map<String, String> buyerOf = new LinkedHashMap<>();
        for (int i = 0; i < count; i++)
        {
            final Shopper.Answer answer = edge.purchase("drop", prefix + i, "k").get(10, TimeUnit.SECONDS);
            assertEquals(201, answer.status(), answer.body().toString());
            buyerOf.put(answer.body().get("orderId").asText(), prefix + i);
        }
        return buyerOf;
    }

    /** Exits with 5 in time, and says why in exactly one line besides its ready line. */
    private static void assertExitedForLostDriver(final ChildJvm process)
    {
        assertEquals(ExitCodes.DRIVER_LOST, process.awaitExit(EXIT_WITHIN), process.output());
        final List<String> lines = process.output().lines()
            .filter(line -> line.startsWith("flashgate: ") && !line.startsWith(LauncherProcess.READY)).toList();
        assertEquals(1, lines.size(), process.output());
        assertTrue(lines.get(0).startsWith("flashgate: media driver lost: no heartbeat from the media driver in "),
            lines.get(0));
        assertTrue(lines.get(0).contains("exiting 5") && lines.get(0).contains("RUNBOOK"), lines.get(0));
        assertTrue(!process.output().contains("\tat "), "a stack trace:\n" + process.output());
    }

    private static int status(final String url) throws Exception
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
            .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @Timeout(120)
    void anEngineWhoseDriverIsKilledExitsFiveItsEdgeRefusesAtOnceAndNothingAcknowledgedIsLost() throws Exception
    {
        final int httpPort = FreePorts.tcp();
        final int metricsPort = FreePorts.tcp();
        final ChildJvm driver = driver("driver-1.log");
        final ChildJvm edge = edge("edge.log", httpPort, false); // another machine's edge: a driver of its own
        ready(driver);
        final ChildJvm engine = engine("engine-1.log", metricsPort, true);
        ready(engine, edge);
        final Shopper shopper = new Shopper(SECRET, httpPort);
        TwoEdgesOverUdpTest.awaitReady(shopper);
        assertEquals(200, status("http://127.0.0.1:" + metricsPort + "/health/ready"));
        assertEquals(200, status("http://127.0.0.1:" + metricsPort + "/health/live"));
        assertEquals(201, shopper.createSale("drop", 100, 1).status());
        final Map<String, String> acknowledged = buy(shopper, "before", 12);

        driver.killMinus9();
        assertExitedForLostDriver(engine);
        // The edge sees the engine gone (Aeron's connection timeouts): not ready, and purchases refused at once.
        Await.until("edge not ready", Duration.ofSeconds(15), () -> uncheckedReady(shopper) == 503);
        final long sent = System.nanoTime();
        final Shopper.Answer refused = shopper.purchase("drop", "during", "k").get(10, TimeUnit.SECONDS);
        final long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertEquals(503, refused.status(), refused.body().toString());
        // "at once": refused by the edge itself, not after the reply timeout (edge.replyTimeoutMillis, 2000 by
        // default); half of that tells the two apart with room for a busy machine
        assertTrue(tookMillis < 1_000, "the 503 took " + tookMillis + " ms, not at once");

        ready(driver("driver-2.log"));
        ready(engine("engine-2.log", metricsPort, true));
        TwoEdgesOverUdpTest.awaitReady(shopper); // the same edge process, back with the restarted engine
        assertTrue(edge.isAlive());
        for (final Map.Entry<String, String> order : acknowledged.entrySet())
        {
            final Shopper.Answer held = shopper.order(order.getValue(), order.getKey());
            assertEquals(200, held.status(), "acknowledged order lost: " + held.body());
            assertEquals("RESERVED", held.body().get("status").asText());
        }
        assertEquals(12, shopper.stats("drop").body().get("reserved").asInt());
        buy(shopper, "after", 3);
    }

    private static int uncheckedReady(final Shopper shopper)
    {
        try
        {
            return shopper.ready().status();
        }
        catch (final Exception notAnswering)
        {
            return -1;
        }
    }

    @Test
    @Timeout(60)
    void anEngineWithoutItsDriverExitsFiveWithOneLine() throws Exception
    {
        final ChildJvm engine = LauncherProcess.start(logs.resolve("no-driver.log"), Map.of(
            "FLASHGATE_DATA_DIR", dataDir.toString(), "FLASHGATE_DRIVER_TIMEOUT_MILLIS", "1000"),
            "engine", "--metrics-port", Integer.toString(FreePorts.tcp()), "--embedded-driver", "false",
            "--aeron-dir", driverDir.toString());
        processes.add(engine);
        assertEquals(ExitCodes.DRIVER_LOST, engine.awaitExit(Duration.ofSeconds(30)), engine.output());
        final List<String> lines = engine.output().lines().filter(line -> line.startsWith("flashgate: ")).toList();
        assertEquals(1, lines.size(), engine.output());
        assertTrue(lines.get(0).startsWith("flashgate: media driver lost: no media driver answered in " + driverDir),
            lines.get(0));
        assertTrue(!engine.output().contains("\tat "), "a stack trace:\n" + engine.output());
        System.out.println("without a driver: " + lines.get(0));
    }

    @Test
    @Timeout(120)
    void anEdgeWhoseDriverIsKilledExitsFiveWhileTheEngineServesOn() throws Exception
    {
        final int httpPort = FreePorts.tcp();
        final int metricsPort = FreePorts.tcp();
        final ChildJvm driver = driver("driver-1.log");
        final ChildJvm engine = engine("engine.log", metricsPort, false); // a driver of its own
        ready(driver);
        final ChildJvm edge = edge("edge-1.log", httpPort, true);
        ready(engine, edge);
        final Shopper shopper = new Shopper(SECRET, httpPort);
        TwoEdgesOverUdpTest.awaitReady(shopper);
        assertEquals(201, shopper.createSale("drop", 100, 1).status());
        final Map<String, String> acknowledged = buy(shopper, "before", 5);

        driver.killMinus9();
        assertExitedForLostDriver(edge);
        assertTrue(engine.isAlive(), engine.output());
        assertEquals(200, status("http://127.0.0.1:" + metricsPort + "/health/ready"));

        ready(driver("driver-2.log"));
        ready(edge("edge-2.log", httpPort, true));
        TwoEdgesOverUdpTest.awaitReady(shopper);
        for (final Map.Entry<String, String> order : acknowledged.entrySet())
        {
            assertEquals(200, shopper.order(order.getValue(), order.getKey()).status());
        }
        buy(shopper, "after", 3);
    }
}
