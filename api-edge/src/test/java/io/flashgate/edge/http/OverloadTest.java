package io.flashgate.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.flashgate.protocol.Reply;
import io.flashgate.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * More shoppers than the edge admits: the surplus gets a fast 503/429, the process stays up, and every
 * 201 is an order the engine holds.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OverloadTest
{
    @Test
    void slowEngineAndSmallInFlightBoundShedFastAndLoseNothing(@TempDir final Path dir) throws Exception
    {
        // the reply timeout far beyond the test's waits: no admitted request may get its 504 meanwhile
        try (TestEdge edge = TestEdge.start(dir, TestEdge.config().withMaxInFlight(4).withReplyTimeout(Duration.ofSeconds(60))))
        {
            edge.createSale("hot", 1000, 1, 600).expect(201, null);
            // a slow engine: it holds every purchase until the test lets it answer, so "fast" is not a wall-clock
            // figure but an order of events: the surplus is answered while the engine still holds the admitted
            final CompletableFuture<Void> engineAnswers = new CompletableFuture<>();
            final AtomicInteger atEngine = new AtomicInteger();
            final AtomicInteger maxAtEngine = new AtomicInteger();
            edge.gateway.intercept((command, real) ->
            {
                if (!"purchase".equals(command))
                {
                    return null;
                }
                maxAtEngine.accumulateAndGet(atEngine.incrementAndGet(), Math::max);
                return engineAnswers.thenCompose(v -> real.get()).whenComplete((r, e) -> atEngine.decrementAndGet());
            });

            final int shoppers = 60;
            final List<CompletableFuture<TestEdge.Response>> answers = new ArrayList<>();
            for (int i = 0; i < shoppers; i++)
            {
                answers.add(edge.sendAsync(edge.purchaseRequest("hot", edge.shopper("u" + i), "k", "{\"quantity\":1}")));
            }
            // every request is either answered or held by the engine: none queues behind the bound
            Await.until(() -> answered(answers) + " of " + shoppers + " answered, " + atEngine.get()
                + " held by the engine", Duration.ofSeconds(30), () -> answered(answers) + atEngine.get() == shoppers);
            final int held = atEngine.get();
            final Map<Integer, Integer> byStatus = new TreeMap<>();
            for (final CompletableFuture<TestEdge.Response> answer : answers)
            {
                if (answer.isDone())
                {
                    final TestEdge.Response r = answer.get();
                    byStatus.merge(r.status(), 1, Integer::sum);
                    assertTrue(Set.of(429, 503).contains(r.status()), r::body);
                    assertTrue(r.headers().firstValue("Retry-After").isPresent(), r::body);
                }
            }
            assertTrue(held >= 1 && held <= 4, "the engine holds the admitted, at most the bound: " + held);

            engineAnswers.complete(null);
            final List<JsonNode> created = new ArrayList<>();
            for (final CompletableFuture<TestEdge.Response> answer : answers)
            {
                final TestEdge.Response r = answer.get(30, TimeUnit.SECONDS);
                if (r.status() == 201)
                {
                    created.add(r.json());
                }
            }
            assertEquals(held, created.size(), "each purchase the engine held is an order: " + byStatus);
            assertTrue(maxAtEngine.get() <= 4, "in-flight bound held: " + maxAtEngine.get());
            assertTrue(byStatus.getOrDefault(503, 0) > 0, "some were shed: " + byStatus);
            assertTrue(!created.isEmpty(), "some were served: " + byStatus);
            assertHeldByTheEngine(edge, created, "hot");

            edge.gateway.intercept((command, real) -> null);
            edge.get("/health/live", null).expect(200, null);
            edge.purchase("hot", "after", "k", 1).expect(201, null);
            assertEquals(0, edge.server.internalErrors());
        }
    }

    @Test
    void realEngineUnderAConcurrentBurstAnswersOnlyListedCodes(@TempDir final Path dir) throws Exception
    {
        try (TestEdge edge = TestEdge.start(dir, TestEdge.config().withMaxInFlight(2)))
        {
            edge.createSale("hot", 50, 2, 600).expect(201, null);
            final int requests = 300;
            final List<CompletableFuture<TestEdge.Response>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++)
            {
                // 100 users, 3 keys each: some users have two purchases at once
                answers.add(edge.sendAsync(edge.purchaseRequest("hot", edge.shopper("u" + (i % 100)), "k" + (i / 100),
                    "{\"quantity\":1}")));
            }
            final Map<Integer, Integer> byStatus = new TreeMap<>();
            final List<JsonNode> created = new ArrayList<>();
            for (final CompletableFuture<TestEdge.Response> answer : answers)
            {
                final TestEdge.Response r = answer.get(30, TimeUnit.SECONDS);
                byStatus.merge(r.status(), 1, Integer::sum);
                assertTrue(Set.of(201, 409, 429, 503).contains(r.status()), r::body);
                if (r.status() == 201)
                {
                    created.add(r.json());
                }
            }
            assertTrue(created.size() <= 50, "never more than the stock: " + byStatus);
            assertHeldByTheEngine(edge, created, "hot");
            edge.get("/health/live", null).expect(200, null);
            assertEquals(0, edge.server.internalErrors());
        }
    }

    @Test
    void aFloodFromOneAddressGetsFast429sAndOnlyTheBurstReachesTheEngine(@TempDir final Path dir) throws Exception
    {
        try (TestEdge edge = TestEdge.start(dir, TestEdge.config().withIpRate(1, 20)))
        {
            edge.createSale("hot", 1000, 1, 600).expect(201, null);
            final long start = System.nanoTime();
            final int requests = 200;
            final List<CompletableFuture<TestEdge.Response>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++)
            {
                answers.add(edge.sendAsync(edge.purchaseRequest("hot", edge.shopper("f" + i), "k", "{\"quantity\":1}")));
            }
            final Map<Integer, Integer> byStatus = new TreeMap<>();
            final List<JsonNode> created = new ArrayList<>();
            for (final CompletableFuture<TestEdge.Response> answer : answers)
            {
                final TestEdge.Response r = answer.get(30, TimeUnit.SECONDS);
                byStatus.merge(r.status(), 1, Integer::sum);
                assertTrue(Set.of(201, 429).contains(r.status()), r::body);
                if (r.status() == 201)
                {
                    created.add(r.json());
                }
                else
                {
                    r.expect(429, "RATE_LIMITED");
                    assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElse("0")) >= 1, r::body);
                }
            }
            final long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 1;
            assertTrue(created.size() <= 20 + seconds, "the IP's bucket held: " + byStatus);
            assertTrue(byStatus.getOrDefault(429, 0) >= requests - 20 - seconds, "the rest was refused: " + byStatus);
            assertEquals(created.size(), edge.gateway.calls("purchase"), "refused requests never reached the engine");
            assertHeldByTheEngine(edge, created, "hot");
            edge.get("/health/live", null).expect(200, null);
            assertEquals(0, edge.server.internalErrors());
        }
    }

    private static int answered(final List<CompletableFuture<TestEdge.Response>> answers)
    {
        // an HTTP failure (the client's own timeout) is no answer from the edge
        return (int)answers.stream().filter(answer -> answer.isDone() && !answer.isCompletedExceptionally()).count();
    }

    private static void assertHeldByTheEngine(final TestEdge edge, final List<JsonNode> created, final String saleId)
        throws Exception
    {
        for (final JsonNode order : created)
        {
            final Reply reply = edge.engine.queryOrder(Long.parseLong(order.get("orderId").asText()),
                order.get("userId").asText()).get(10, TimeUnit.SECONDS);
            assertTrue(reply instanceof Reply.Order, () -> "engine holds " + order + ": " + reply);
            final Reply.Order held = (Reply.Order)reply;
            assertEquals(order.get("quantity").asInt(), held.quantity());
            assertEquals(saleId, held.saleId());
        }
        final Reply.Sale sale = edge.engineSale(saleId);
        assertEquals(created.size(), sale.reserved() + sale.confirmed(), "every reserved unit was answered 201");
    }
}
