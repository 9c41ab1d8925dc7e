package io.flashgate.edge.http;

import io.javalin.http.HandlerType;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code flashgate_edge_requests_total} by method, route and code, counted without allocating: the route is the
 * string Javalin already holds, method and code make an int key. Each route's table is copied on write: a new
 * combination is rare (a few dozen in the life of an edge), reads are lock-free.
 */
final class RequestCounts
{
    private final Counter counter;
    private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();
    private final Function<String, Route> newRoute = Route::new;

    RequestCounts(final Counter counter)
    {
        this.counter = counter;
    }

    void increment(final String route, final HandlerType method, final int status)
    {
        Route counts = routes.get(route);
        if (counts == null)
        {
            counts = routes.computeIfAbsent(route, newRoute);
        }
        counts.point(method, status).inc();
    }

    private final class Route
    {
        private final String route;
        private volatile Int2ObjectHashMap<CounterDataPoint> points = new Int2ObjectHashMap<>();

        Route(final String route)
        {
            this.route = route;
        }

        CounterDataPoint point(final HandlerType method, final int status)
        {
            final CounterDataPoint point = points.get(key(method, status));
            return point != null ? point : add(method, status);
        }

        private synchronized CounterDataPoint add(final HandlerType method, final int status)
        {
            final int key = key(method, status);
            CounterDataPoint point = points.get(key);
            if (point == null)
            {
                final Int2ObjectHashMap<CounterDataPoint> copy = new Int2ObjectHashMap<>(points);
                point = counter.labelValues(method.name(), route, Integer.toString(status));
                copy.put(key, point);
                points = copy;
            }
            return point;
        }

        private static int key(final HandlerType method, final int status)
        {
            return method.ordinal() << 16 | (status & 0xFFFF);
        }
    }
}
