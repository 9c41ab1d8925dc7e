package io.flashgate.edge.http;

import io.flashgate.testsupport.PrometheusSamples;
import io.javalin.http.HandlerType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The edge's figures on a Prometheus registry: their names, their values, and recording without allocating. */
class EdgeMetricsTest
{
    private static final String PURCHASES = "/api/sales/{saleId}/purchases";

    @Test
    void figuresAreWrittenUnderTheirNamesWithTheirLabels() throws Exception
    {
        final PrometheusRegistry registry = new PrometheusRegistry();
        final EdgeMetrics metrics = new EdgeMetrics(registry);
        metrics.request(PURCHASES, HandlerType.POST, 201);
        metrics.request(PURCHASES, HandlerType.POST, 201);
        metrics.request(PURCHASES, HandlerType.POST, 409);
        metrics.request("unmatched", HandlerType.GET, 404);
        metrics.purchase("CREATED", false);
        metrics.purchase("SOLD_OUT", true);
        metrics.purchase("SOLD_OUT", true);
        metrics.engineCall("REPLY", 250_000);
        metrics.engineCall("SHED", 0);
        metrics.internalError();

        final String text = new String(PrometheusText.write(registry), StandardCharsets.UTF_8);
        assertEquals(2, PrometheusSamples.value(text, "flashgate_edge_requests_total",
            "method", "POST", "route", PURCHASES, "code", "201"));
        assertEquals(1, PrometheusSamples.value(text, "flashgate_edge_requests_total",
            "method", "POST", "route", PURCHASES, "code", "409"));
        assertEquals(1, PrometheusSamples.value(text, "flashgate_edge_requests_total",
            "method", "GET", "route", "unmatched", "code", "404"));
        assertEquals(1, PrometheusSamples.value(text, "flashgate_edge_purchases_total",
            "outcome", "CREATED", "where", "engine"));
        assertEquals(2, PrometheusSamples.value(text, "flashgate_edge_purchases_total",
            "outcome", "SOLD_OUT", "where", "edge"));
        assertEquals(1, PrometheusSamples.value(text, "flashgate_edge_engine_calls_total", "outcome", "SHED"));
        assertEquals(2, PrometheusSamples.value(text, "flashgate_edge_engine_latency_seconds_count"));
        final double p999 = PrometheusSamples.value(text, "flashgate_edge_engine_latency_seconds", "quantile", "0.999");
        assertTrue(p999 > 0.000_249 && p999 < 0.000_251, () -> "p99.9 of 1 µs and 250 µs: " + p999);
        assertEquals(1, PrometheusSamples.value(text, "flashgate_edge_internal_errors_total"));
        assertEquals(1, metrics.internalErrors());
        for (final String family : new String[] {"flashgate_edge_requests_total counter",
            "flashgate_edge_purchases_total counter", "flashgate_edge_engine_calls_total counter",
            "flashgate_edge_engine_latency_seconds summary", "flashgate_edge_internal_errors_total counter"})
        {
            assertTrue(text.contains("# TYPE " + family + "\n"), () -> family + " in:\n" + text);
        }
    }

    @Test
    void theProcessHasOneRegistryAndANameIsRegisteredOnce() throws Exception
    {
        final PrometheusRegistry registry = new PrometheusRegistry();
        new EdgeMetrics(registry);
        final String fresh = new String(PrometheusText.write(registry), StandardCharsets.UTF_8);
        assertEquals(0, PrometheusSamples.value(fresh, "flashgate_edge_internal_errors_total"), fresh);
        assertEquals(0, PrometheusSamples.value(fresh, "flashgate_edge_engine_latency_seconds_count"), fresh);
        assertThrows(IllegalArgumentException.class, () -> new EdgeMetrics(registry), "a second edge on one registry");
    }

    @Test
    void recordingASeenCombinationAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final EdgeMetrics metrics = new EdgeMetrics(new PrometheusRegistry());
        final long thread = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 20; round++) // the JIT settles within a few rounds
        {
            final long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 10_000; i++)
            {
                metrics.request(PURCHASES, HandlerType.POST, 201 + (i & 1) * 208);
                metrics.purchase((i & 1) == 0 ? "CREATED" : "SOLD_OUT", (i & 1) == 1);
                metrics.engineCall("REPLY", 1000 + i);
            }
            least = Math.min(least, threads.getThreadAllocatedBytes(thread) - before);
        }
        // the hand-written counters keyed by text allocated 136 bytes for these three (1.36 MB a round), the
        // client's labelValues(...) 192 bytes for the request alone
        assertTrue(least < 1024, "bytes allocated by 30 000 recordings: " + least);
    }
}
