package io.flashgate.ops;

import io.flashgate.processes.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ops/flashgate run} killed with SIGKILL in the middle of a sale, restarted on the same data folder: every
 * order that got a 201 is there with its status, and the sale's figures add up and stay put across a clean restart.
 */
class KillMinus9RunTest
{
    private static final String SECRET = "kill-test-secret-0123456789";
    private static final int STOCK = 5_000;

    @TempDir
    Path dataDir;

    @TempDir
    Path logs;

    private final List<ChildJvm> processes = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception
    {
        for (final ChildJvm process : processes)
        {
            process.close();
        }
    }

    private ChildJvm run(final int port, final String log) throws Exception
    {
        final ChildJvm process = LauncherProcess.start(logs.resolve(log), Map.of(
            "FLASHGATE_HTTP_PORT", Integer.toString(port),
            "FLASHGATE_DATA_DIR", dataDir.toString(),
            "FLASHGATE_TOKEN_SECRET", SECRET), "run");
        processes.add(process);
        return LauncherProcess.awaitReady(process, 1, 90);
    }

    @Test
    @Timeout(240)
    void everyAcknowledgedOrderSurvivesAKillMinus9() throws Exception
    {
        final int port = FreePorts.tcp();
        final ChildJvm first = run(port, "first.log");
        final Shopper shopper = new Shopper(SECRET, port);
        assertEquals(201, shopper.createSale("drop", STOCK, 1).status());

        // Some orders change status before the crash: they must come back CONFIRMED / CANCELLED.
        final Map<String, String> expectedStatus = new ConcurrentHashMap<>();
        final Map<String, String> ownerOf = new ConcurrentHashMap<>();
        for (int i = 0; i < 6; i++)
        {
            final String user = "early" + i;
            final JsonNode order = shopper.purchase("drop", user, "k").get(10, TimeUnit.SECONDS).body();
            final String orderId = order.get("orderId").asText();
            ownerOf.put(orderId, user);
            if (i % 2 == 0)
            {
                assertEquals(200, shopper.admin("/admin/orders/" + orderId + "/confirm").status());
                expectedStatus.put(orderId, "CONFIRMED");
            }
            else
            {
                assertEquals(200, shopper.cancel(user, orderId).status());
                expectedStatus.put(orderId, "CANCELLED");
            }
        }

        // A stream of purchases; SIGKILL lands at a random moment in it.
        final List<CompletableFuture<?>> inFlight = new ArrayList<>();
        final Thread buyers = new Thread(() ->
        {
            for (int i = 0; i < 6_000 && first.isAlive(); i++)
            {
                final String user = "u" + i;
                inFlight.add(shopper.purchase("drop", user, "k").thenAccept(answer ->
                {
                    if (answer.status() == 201)
                    {
                        final String orderId = answer.body().get("orderId").asText();
                        ownerOf.put(orderId, user);
                        expectedStatus.put(orderId, "RESERVED");
                    }
                }).exceptionally(refusedOrKilled -> null));
                if (i % 16 == 15)
                {
                    inFlight.get(i - 8).join(); // at most ~16 in flight: the edge's per-IP bucket stays happy
                }
            }
        }, "buyers");
        buyers.start();
        // The kill lands after a random number of acknowledged purchases, well below the stock: mid-sale however
        // fast or slow the machine is (a fixed sleep could land before the first 201, or after the last unit).
        final long killAfter = ThreadLocalRandom.current().nextLong(1, 2_000);
        Await.until(() -> killAfter + " purchases acknowledged before the kill, " + reserved(expectedStatus) + " so far",
            Duration.ofSeconds(90), () -> reserved(expectedStatus) >= killAfter);
        first.killMinus9();
        buyers.join(60_000);
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        final long acknowledgedReservations = reserved(expectedStatus);
        assertTrue(acknowledgedReservations > 0, "the kill came before any purchase was acknowledged");
        System.out.println("kill -9 after " + acknowledgedReservations + " acknowledged purchases");

        final ChildJvm second = run(port, "second.log");
        for (final Map.Entry<String, String> expected : expectedStatus.entrySet())
        {
            final Shopper.Answer order = shopper.order(ownerOf.get(expected.getKey()), expected.getKey());
            assertEquals(200, order.status(), "acknowledged order " + expected.getKey() + " lost: " + order.body());
            assertEquals(expected.getValue(), order.body().get("status").asText(), order.body().toString());
        }
        final JsonNode stats = shopper.stats("drop").body();
        assertEquals(STOCK, stats.get("stock").asInt());
        assertEquals(3, stats.get("confirmed").asInt());
        // Commands applied but unanswered at the kill may add reservations; acknowledged ones are a floor.
        assertTrue(stats.get("reserved").asLong() >= acknowledgedReservations, stats.toString());
        assertEquals(STOCK - stats.get("reserved").asInt() - stats.get("confirmed").asInt(),
            stats.get("remaining").asInt(), stats.toString());
        assertTrue(stats.get("remaining").asInt() > 0, "the kill should land mid-sale: " + stats);
        // A retry of an acknowledged purchase gets the original order back.
        final String someOrder = expectedStatus.entrySet().stream().filter(e -> e.getValue().equals("RESERVED"))
            .findFirst().orElseThrow().getKey();
        final Shopper.Answer retried = shopper.purchase("drop", ownerOf.get(someOrder), "k").get(10, TimeUnit.SECONDS);
        assertEquals(200, retried.status());
        assertEquals(someOrder, retried.body().get("orderId").asText());

        // The all-in-one edge's /metrics carries the engine's figures, starting from what recovery reached.
        final String metrics = shopper.metrics();
        assertTrue(TwoEdgesOverUdpTest.metric(metrics, "flashgate_engine_recovered_sequence") >= acknowledgedReservations,
            metrics);

        // SIGTERM: a clean stop; the next start shows the very same figures.
        second.terminate(Duration.ofSeconds(30));
        run(port, "third.log");
        assertEquals(stats, shopper.stats("drop").body());
    }

    private static long reserved(final Map<String, String> expectedStatus)
    {
        return expectedStatus.values().stream().filter("RESERVED"::equals).count();
    }
}
