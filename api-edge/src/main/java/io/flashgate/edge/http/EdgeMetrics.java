package io.flashgate.edge.http;

import io.javalin.http.HandlerType;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The edge's figures, registered on the process's one {@link PrometheusRegistry}: requests by route and code,
 * purchase outcomes, engine calls and their latency, internal errors.
 *
 * <p>Recording is on every request's path, so it does not allocate once a label combination has been seen: data
 * points are looked up in maps keyed by strings the request already has, not through {@code labelValues(...)}
 * (which builds an array and a list per call).
 */
final class EdgeMetrics
{
    private final PrometheusRegistry registry;
    private final RequestCounts requests;
    private final DataPoints purchasesAtEdge;
    private final DataPoints purchasesAtEngine;
    private final DataPoints engineCalls;
    private final EngineLatency engineLatency = new EngineLatency();
    private final Counter internalErrors;
    private final Counter engineSwitches;

    EdgeMetrics(final PrometheusRegistry registry)
    {
        this.registry = registry;
        this.requests = new RequestCounts(Counter.builder().name("flashgate_edge_requests_total")
            .help("HTTP requests by route and status code.").labelNames("method", "route", "code")
            .withoutExemplars().register(registry));
        final Counter purchases = Counter.builder().name("flashgate_edge_purchases_total")
            .help("Purchase outcomes; where=edge means answered without the engine.").labelNames("outcome", "where")
            .withoutExemplars().register(registry);
        this.purchasesAtEdge = new DataPoints(outcome -> purchases.labelValues(outcome, "edge"));
        this.purchasesAtEngine = new DataPoints(outcome -> purchases.labelValues(outcome, "engine"));
        final Counter calls = Counter.builder().name("flashgate_edge_engine_calls_total")
            .help("Engine calls by outcome.").labelNames("outcome").withoutExemplars().register(registry);
        this.engineCalls = new DataPoints(calls::labelValues);
        registry.register(engineLatency);
        this.internalErrors = Counter.builder().name("flashgate_edge_internal_errors_total")
            .help("Requests answered 500 (should stay 0).").withoutExemplars().register(registry);
        this.engineSwitches = Counter.builder().name("flashgate_edge_engine_switches_total")
            .help("Times this edge began to follow another engine's history (a failover).").withoutExemplars()
            .register(registry);
    }

    /** {@code flashgate_edge_in_flight}: shopper commands waiting for the engine, read when scraped. */
    void watchInFlight(final IntSupplier inFlight)
    {
        GaugeWithCallback.builder().name("flashgate_edge_in_flight")
            .help("Shopper commands waiting for the engine now (bounded by protections.maxInFlight).")
            .callback(callback -> callback.call(inFlight.getAsInt())).register(registry);
    }

    PrometheusRegistry registry()
    {
        return registry;
    }

    void request(final String route, final HandlerType method, final int status)
    {
        requests.increment(route, method, status);
    }

    /** @param outcome CREATED, REPLAYED or an error code such as SOLD_OUT. */
    void purchase(final String outcome, final boolean atEdge)
    {
        (atEdge ? purchasesAtEdge : purchasesAtEngine).get(outcome).inc();
    }

    void engineCall(final String outcome, final long nanos)
    {
        engineCalls.get(outcome).inc();
        engineLatency.record(nanos);
    }

    void internalError()
    {
        internalErrors.inc();
    }

    void engineSwitch()
    {
        engineSwitches.inc();
    }

    long internalErrors()
    {
        return internalErrors.getLongValue();
    }

    /** The data points of one counter by a string key; the creating function is kept, so a hit allocates nothing. */
    private static final class DataPoints
    {
        private final ConcurrentHashMap<String, CounterDataPoint> points = new ConcurrentHashMap<>();
        private final Function<String, CounterDataPoint> create;

        DataPoints(final Function<String, CounterDataPoint> create)
        {
            this.create = create;
        }

        CounterDataPoint get(final String key)
        {
            final CounterDataPoint point = points.get(key);
            return point != null ? point : points.computeIfAbsent(key, create);
        }
    }
}
