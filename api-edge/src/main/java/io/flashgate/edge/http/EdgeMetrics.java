package io.flashgate.edge.http;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** Counters and the edge→engine latency histogram, rendered in the Prometheus text format. */
final class EdgeMetrics
{
    private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> purchases = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> engineCalls = new ConcurrentHashMap<>();
    private final LongAdder internalErrors = new LongAdder();
    /** Microseconds, 1 µs to 60 s, 3 significant digits. */
    private final Histogram engineLatencyMicros = new ConcurrentHistogram(1, TimeUnit.SECONDS.toMicros(60), 3);

    void request(final String route, final String method, final int status)
    {
        requests.computeIfAbsent(method + " " + route + " " + status, k -> new LongAdder()).increment();
    }

    /** @param outcome CREATED, REPLAYED or an error code such as SOLD_OUT. */
    void purchase(final String outcome, final boolean atEdge)
    {
        purchases.computeIfAbsent(outcome + (atEdge ? " edge" : " engine"), k -> new LongAdder()).increment();
    }

    void engineCall(final String outcome, final long nanos)
    {
        engineCalls.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        engineLatencyMicros.recordValue(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMicros(nanos),
            engineLatencyMicros.getHighestTrackableValue())));
    }

    void internalError()
    {
        internalErrors.increment();
    }

    long internalErrors()
    {
        return internalErrors.sum();
    }

    long purchases(final String outcome, final boolean atEdge)
    {
        final LongAdder adder = purchases.get(outcome + (atEdge ? " edge" : " engine"));
        return adder == null ? 0 : adder.sum();
    }

    String render()
    {
        final StringBuilder out = new StringBuilder(2048);
        out.append("# HELP flashgate_edge_requests_total HTTP requests by route and status code.\n");
        out.append("# TYPE flashgate_edge_requests_total counter\n");
        for (final Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet())
        {
            final String[] p = e.getKey().split(" ", 3);
            out.append("flashgate_edge_requests_total{method=\"").append(p[0]).append("\",route=\"")
                .append(escape(p[1])).append("\",code=\"").append(p[2]).append("\"} ").append(e.getValue().sum())
                .append('\n');
        }
        out.append("# HELP flashgate_edge_purchases_total Purchase outcomes; where=edge means answered without the engine.\n");
        out.append("# TYPE flashgate_edge_purchases_total counter\n");
        for (final Map.Entry<String, LongAdder> e : new TreeMap<>(purchases).entrySet())
        {
            final String[] p = e.getKey().split(" ", 2);
            out.append("flashgate_edge_purchases_total{outcome=\"").append(p[0]).append("\",where=\"").append(p[1])
                .append("\"} ").append(e.getValue().sum()).append('\n');
        }
        out.append("# HELP flashgate_edge_engine_calls_total Engine calls by outcome.\n");
        out.append("# TYPE flashgate_edge_engine_calls_total counter\n");
        for (final Map.Entry<String, LongAdder> e : new TreeMap<>(engineCalls).entrySet())
        {
            out.append("flashgate_edge_engine_calls_total{outcome=\"").append(e.getKey()).append("\"} ")
                .append(e.getValue().sum()).append('\n');
        }
        out.append("# HELP flashgate_edge_engine_latency_seconds Edge to engine round trip, percentiles since start.\n");
        out.append("# TYPE flashgate_edge_engine_latency_seconds summary\n");
        final Histogram snapshot = engineLatencyMicros.copy();
        for (final double q : new double[] {0.5, 0.9, 0.99, 0.999})
        {
            out.append("flashgate_edge_engine_latency_seconds{quantile=\"").append(q).append("\"} ")
                .append(snapshot.getValueAtPercentile(q * 100) / 1e6).append('\n');
        }
        out.append("flashgate_edge_engine_latency_seconds_sum ")
            .append(snapshot.getMean() * snapshot.getTotalCount() / 1e6).append('\n');
        out.append("flashgate_edge_engine_latency_seconds_count ").append(snapshot.getTotalCount()).append('\n');
        out.append("# HELP flashgate_edge_internal_errors_total Requests answered 500 (should stay 0).\n");
        out.append("# TYPE flashgate_edge_internal_errors_total counter\n");
        out.append("flashgate_edge_internal_errors_total ").append(internalErrors.sum()).append('\n');
        return out.toString();
    }

    private static String escape(final String s)
    {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
