package io.flashgate.ops;

import io.flashgate.processes.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import io.flashgate.processes.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code ops/flashgate engine} and two {@code ops/flashgate edge} processes over UDP on loopback; a contested sale
 * hammered through both edges at once.
 */
class TwoEdgesOverUdpTest
{
    private static final String SECRET = "udp-test-secret-0123456789";
    private static final int STOCK = 150;
    private static final int LIMIT = 2;
    private static final int USERS = 300;

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

    private ChildJvm start(final String log, final String... args) throws Exception
    {
        final ChildJvm process = LauncherProcess.start(logs.resolve(log), Map.of(
            "FLASHGATE_DATA_DIR", dataDir.toString(), "FLASHGATE_TOKEN_SECRET", SECRET), args);
        processes.add(process);
        return process;
    }

    static void awaitReady(final Shopper edge) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true)
        {
            try
            {
                if (edge.ready().status() == 200)
                {
                    return;
                }
            }
            catch (final Exception notYet)
            {
                // not listening yet
            }
            if (System.nanoTime() - deadline > 0)
            {
                fail("edge never became ready");
            }
            Thread.sleep(50);
        }
    }

    static long metric(final String text, final String name)
    {
        return text.lines().filter(line -> line.startsWith(name + " ")).mapToLong(
            line -> (long)Double.parseDouble(line.substring(name.length() + 1).trim())).findFirst()
            .orElseThrow(() -> new AssertionError(name + " missing from:\n" + text));
    }

    @Test
    @Timeout(240)
    void aContestedSaleThroughTwoEdgesSellsExactlyTheStock() throws Exception
    {
        final String ingress = "127.0.0.1:" + FreePorts.udp();
        final String egress = "127.0.0.1:" + FreePorts.udp();
        final int port1 = FreePorts.tcp();
        final int port2 = FreePorts.tcp();
        final int metricsPort = FreePorts.tcp();
        // started side by side (an edge waits for its engine by itself): their JVMs' start-ups overlap
        final List<ChildJvm> started = List.of(
            start("engine.log", "engine", "--ingress", ingress, "--egress", egress, "--metrics-port",
                Integer.toString(metricsPort)),
            start("edge1.log", "edge", "--http-port", Integer.toString(port1), "--ingress", ingress, "--egress", egress),
            start("edge2.log", "edge", "--http-port", Integer.toString(port2), "--ingress", ingress, "--egress", egress));
        for (final ChildJvm process : started)
        {
            LauncherProcess.awaitReady(process, 1, 90);
        }
        final Shopper[] edges = {new Shopper(SECRET, port1), new Shopper(SECRET, port2)};
        awaitReady(edges[0]);
        awaitReady(edges[1]);
        assertEquals(201, edges[0].createSale("contested", STOCK, LIMIT).status());

        // Every user tries LIMIT + 1 purchases, alternating edges, each after the previous answer (one in flight per
        // user is an edge rule); users run concurrently.
        final Map<String, String> orderKey = new ConcurrentHashMap<>();    // orderId -> user/key
        final Map<String, String> firstAnswers = new ConcurrentHashMap<>(); // user/key -> orderId
        final Map<Integer, Integer> statusCounts = new ConcurrentHashMap<>();
        final List<CompletableFuture<?>> users = new ArrayList<>();
        for (int u = 0; u < USERS; u++)
        {
            final String user = "buyer" + u;
            CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
            for (int k = 0; k <= LIMIT; k++)
            {
                final String key = "k" + k;
                final Shopper edge = edges[(u + k) % 2];
                chain = chain.thenCompose(ignored -> edge.purchase("contested", user, key)).thenAccept(answer ->
                {
                    statusCounts.merge(answer.status(), 1, Integer::sum);
                    if (answer.status() == 201)
                    {
                        final String orderId = answer.body().get("orderId").asText();
                        assertEquals(user, answer.body().get("userId").asText());
                        orderKey.put(orderId, user + "/" + key);
                        firstAnswers.put(user + "/" + key, orderId);
                    }
                    else if (answer.status() != 409)
                    {
                        throw new AssertionError("unexpected answer " + answer);
                    }
                });
            }
            users.add(chain);
            if (u % 24 == 23)
            {
                users.get(u - 12).get(60, TimeUnit.SECONDS); // bounded concurrency, within the per-IP bucket
            }
        }
        CompletableFuture.allOf(users.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

        // Sold exactly the stock, nobody above the limit.
        assertEquals(STOCK, orderKey.size(), "201s: " + statusCounts);
        final Map<String, Integer> perUser = new HashMap<>();
        orderKey.values().forEach(userKey -> perUser.merge(userKey.split("/")[0], 1, Integer::sum));
        perUser.forEach((user, count) -> assertTrue(count <= LIMIT, user + " holds " + count));
        final JsonNode stats = edges[1].stats("contested").body();
        assertEquals(0, stats.get("remaining").asInt(), stats.toString());
        assertEquals(STOCK, stats.get("reserved").asInt(), stats.toString());

        // Every 201 is an order the engine holds (read through the other edge); retries give the same order.
        final Set<String> seen = new HashSet<>();
        int i = 0;
        for (final Map.Entry<String, String> order : firstAnswers.entrySet())
        {
            final String user = order.getKey().split("/")[0];
            final String key = order.getKey().split("/")[1];
            final Shopper other = edges[i++ % 2];
            final Shopper.Answer held = other.order(user, order.getValue());
            assertEquals(200, held.status(), held.body().toString());
            assertEquals("RESERVED", held.body().get("status").asText());
            final Shopper.Answer retry = other.purchase("contested", user, key).get(10, TimeUnit.SECONDS);
            assertEquals(200, retry.status(), retry.body().toString());
            assertEquals(order.getValue(), retry.body().get("orderId").asText());
            assertTrue(seen.add(order.getValue()), "order id handed out twice: " + order.getValue());
        }

        // The engine process serves its own figures: everything taken in was journaled.
        final String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        final long journaled = metric(metrics, "flashgate_journal_durable_sequence");
        assertTrue(journaled >= USERS, metrics);
        assertTrue(metric(metrics, "flashgate_engine_published_sequence") >= journaled, metrics);
    }
}
