package io.flashgate.ops;

import io.flashgate.testsupport.Await;
import io.flashgate.testsupport.PrometheusSamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After a scripted sale (known purchases, sold-outs, limit refusals, a retry and a cancel), the counters in
 * {@code /metrics} are what the script did, and the engine round-trip percentiles fit the latencies the script
 * itself saw: each request's round trip at the edge is part of its HTTP round trip, so each edge percentile is at
 * most the same percentile of the script's engine-bound requests.
 */
class ScriptedSaleMetricsTest
{
    private static final String PURCHASES = "flashgate_edge_purchases_total";
    private static final String CALLS = "flashgate_edge_engine_calls_total";
    private static final String LATENCY = "flashgate_edge_engine_latency_seconds";

    /** Client-side latency of every request that went to the engine, in seconds. */
    private final List<Double> engineBound = Collections.synchronizedList(new ArrayList<>());

    @Test
    @Timeout(120)
    void countersAndPercentilesMatchTheScript(@TempDir final Path data) throws Exception
    {
        try (InProcessRun run = new InProcessRun(data, Map.of()))
        {
            final Shopper s = run.shopper;
            assertEquals(201, timed(() -> s.createSale("script", 5, 2)).status());
            // alice: 2 units, then over her limit
            final Shopper.Answer first = timed(() -> s.purchase("script", "alice", "a1").get());
            assertEquals(201, first.status());
            assertEquals(201, timed(() -> s.purchase("script", "alice", "a2").get()).status());
            assertEquals(409, timed(() -> s.purchase("script", "alice", "a3").get()).status());
            // a retry of her first purchase: the same order, not a new one
            assertEquals(200, timed(() -> s.purchase("script", "alice", "a1").get()).status());
            // bob 2 and carol 1: sold out
            assertEquals(201, timed(() -> s.purchase("script", "bob", "b1").get()).status());
            final Shopper.Answer bobs = timed(() -> s.purchase("script", "bob", "b2").get());
            assertEquals(201, bobs.status());
            assertEquals(201, timed(() -> s.purchase("script", "carol", "c1").get()).status());
            final int dave = s.purchase("script", "dave", "d1").get().status();
            assertEquals(409, dave);
            // bob cancels one: dave gets it, then erin finds it sold out again
            assertEquals(200, timed(() -> s.cancel("bob", bobs.body().path("orderId").asText())).status());
            // the unit is back once the edge's cache says so (else it could answer dave SOLD_OUT itself)
            Await.until("the cancelled unit back on sale", Duration.ofSeconds(5),
                () -> remaining(s) == 1);
            assertEquals(201, timed(() -> s.purchase("script", "dave", "d2").get()).status());
            final int erin = s.purchase("script", "erin", "e1").get().status();
            assertEquals(409, erin);

            final String m = s.metrics();
            assertEquals(6, sum(m, PURCHASES, "outcome", "CREATED"), m);
            assertEquals(1, sum(m, PURCHASES, "outcome", "REPLAYED"), m);
            assertEquals(1, sum(m, PURCHASES, "outcome", "LIMIT_EXCEEDED"), m);
            assertEquals(2, sum(m, PURCHASES, "outcome", "SOLD_OUT"), m);
            assertEquals(6, sum(m, "flashgate_edge_requests_total", "route", "/api/sales/{saleId}/purchases", "code",
                "201"), m);
            assertEquals(1, sum(m, "flashgate_edge_requests_total", "route", "/api/sales/{saleId}/purchases", "code",
                "200"), m);
            assertEquals(3, sum(m, "flashgate_edge_requests_total", "route", "/api/sales/{saleId}/purchases", "code",
                "409"), m);
            assertEquals(1, sum(m, "flashgate_edge_requests_total", "route", "/api/orders/{orderId}/cancel", "code",
                "200"), m);
            assertEquals(0, sum(m, CALLS, "outcome", "SHED") + sum(m, CALLS, "outcome", "OVERLOADED") +
                sum(m, CALLS, "outcome", "RESULT_UNKNOWN"), m);
            assertEquals(0, PrometheusSamples.value(m, "flashgate_edge_in_flight"), m);
            assertEquals(0, PrometheusSamples.value(m, "flashgate_edge_internal_errors_total"), m);

            // Every engine call is in the latency summary. The sold-out answers may come from the edge's cache.
            final double calls = sum(m, CALLS, "outcome", "REPLY");
            final double soldOutAtEngine = sum(m, PURCHASES, "outcome", "SOLD_OUT", "where", "engine");
            assertEquals(engineBound.size() + soldOutAtEngine, calls, m);
            assertEquals(calls, PrometheusSamples.value(m, LATENCY + "_count"), m);
            // Each engine-bound request's edge round trip is part of its HTTP round trip, and the edge's extra calls
            // (sold-out answers the engine gave) only add values: so the edge's k-th fastest call is no slower than
            // the script's k-th fastest request, for the rank k of every percentile.
            final List<Double> seen = new ArrayList<>(engineBound);
            Collections.sort(seen);
            double previous = 0;
            for (final double q : new double[] {0.5, 0.9, 0.99, 0.999})
            {
                final double edge = PrometheusSamples.value(m, LATENCY, "quantile", Double.toString(q));
                assertTrue(edge > 0 && edge >= previous, "p" + q + " " + edge + " after " + previous);
                final int rank = (int)Math.max(1, Math.min(seen.size(), Math.ceil(q * calls)));
                final double bound = seen.get(rank - 1) * 1.01 + 1e-6;  // HdrHistogram: 3 significant digits
                assertTrue(edge <= bound, "edge p" + q + " " + edge + " s above the script's rank " + rank + " " + seen);
                previous = edge;
            }
            assertEquals(PrometheusSamples.value(m, "flashgate_engine_published_sequence"),
                PrometheusSamples.value(m, "flashgate_engine_released_sequence"), m);
        }
    }

    private <T> T timed(final Callable<T> request) throws Exception
    {
        final long start = System.nanoTime();
        final T answer = request.call();
        engineBound.add((System.nanoTime() - start) / 1e9);
        return answer;
    }

    private static int remaining(final Shopper s)
    {
        try
        {
            return s.status("script").body().path("remaining").asInt();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static double sum(final String metrics, final String name, final String... labels)
    {
        return PrometheusSamples.values(metrics, name, labels).stream().mapToDouble(Double::doubleValue).sum();
    }
}
