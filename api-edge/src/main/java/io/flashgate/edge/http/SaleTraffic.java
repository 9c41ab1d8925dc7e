package io.flashgate.edge.http;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What this edge answered to the purchases of each sale, for the operator console ({@code docs/HTTP-API.md},
 * {@code GET /admin/sales/{saleId}/traffic}): answers by outcome since start (the console turns two readings into
 * a rate), and the percentiles of the time from a purchase reaching its handler to its answer, over the last
 * window of about a second.
 *
 * <p>Kept apart from the Prometheus registry because its metrics carry no sale label, and giving them one would
 * change every series they export. Only sales the edge has heard of are tracked ({@code known}), so a shopper
 * cannot grow the table by posting to made-up sale ids. Recording on the purchase path allocates nothing once a
 * sale and an outcome have been seen: an adder per outcome, a wait-free HdrHistogram {@link Recorder}.
 */
final class SaleTraffic
{
    /** A window shorter than this is not swapped out again: two consoles polling share one window. */
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ConcurrentHashMap<String, Sale> sales = new ConcurrentHashMap<>();
    private final Function<String, Sale> newSale = id -> new Sale(System.nanoTime());
    private final Predicate<String> known;

    /** @param known whether a sale id names a sale this edge has heard of from the engine. */
    SaleTraffic(final Predicate<String> known)
    {
        this.known = known;
    }

    /**
     * @param outcome    CREATED, REPLAYED or the answer's error code (SOLD_OUT, RATE_LIMITED, ...).
     * @param startNanos when the purchase reached its handler ({@link System#nanoTime()}).
     */
    void record(final String saleId, final String outcome, final long startNanos)
    {
        Sale sale = sales.get(saleId);
        if (sale == null)
        {
            if (saleId == null || !known.test(saleId))
            {
                return;
            }
            sale = sales.computeIfAbsent(saleId, newSale);
        }
        sale.record(outcome, System.nanoTime() - startNanos);
    }

    /** The route's body: outcomes since start, latency over the last window, at the edge's clock {@code nowMs}. */
    Map<String, Object> view(final String saleId, final long nowMs)
    {
        final Sale sale = sales.get(saleId);
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("saleId", saleId);
        out.put("serverTime", JsonViews.iso(nowMs));
        if (sale == null)
        {
            out.put("outcomes", Map.of());
            out.put("latencyMs", Sale.latency(null, 0));
            return out;
        }
        out.put("outcomes", sale.outcomes());
        out.put("latencyMs", sale.latencyWindow(System.nanoTime()));
        return out;
    }

    private static final class Sale
    {
        /** Microseconds, 1 µs to 60 s, 3 significant digits. */
        private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);

        private final ConcurrentHashMap<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        private final Function<String, LongAdder> newAdder = code -> new LongAdder();
        private final Recorder recorder = new Recorder(1, HIGHEST_MICROS, 3);
        private Histogram window;
        private long windowStartNanos;
        private long windowEndNanos;

        Sale(final long nowNanos)
        {
            this.windowStartNanos = nowNanos;
            this.windowEndNanos = nowNanos;
        }

        void record(final String outcome, final long nanos)
        {
            LongAdder adder = outcomes.get(outcome);
            if (adder == null)
            {
                adder = outcomes.computeIfAbsent(outcome, newAdder);
            }
            adder.increment();
            recorder.recordValue(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMicros(nanos), HIGHEST_MICROS)));
        }

        Map<String, Long> outcomes()
        {
            final Map<String, Long> out = new TreeMap<>();
            outcomes.forEach((code, adder) -> out.put(code, adder.sum()));
            return out;
        }

        /** The last completed window; a new one is taken when the last is over a second old. */
        synchronized Map<String, Object> latencyWindow(final long nowNanos)
        {
            if (window == null || nowNanos - windowEndNanos >= WINDOW_NANOS)
            {
                window = recorder.getIntervalHistogram(window);
                windowStartNanos = windowEndNanos;
                windowEndNanos = nowNanos;
            }
            return latency(window, TimeUnit.NANOSECONDS.toMillis(windowEndNanos - windowStartNanos));
        }

        static Map<String, Object> latency(final Histogram histogram, final long windowMillis)
        {
            final boolean empty = histogram == null || histogram.getTotalCount() == 0;
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("windowMs", windowMillis);
            out.put("count", empty ? 0 : histogram.getTotalCount());
            out.put("p50", empty ? 0.0 : millis(histogram.getValueAtPercentile(50)));
            out.put("p90", empty ? 0.0 : millis(histogram.getValueAtPercentile(90)));
            out.put("p99", empty ? 0.0 : millis(histogram.getValueAtPercentile(99)));
            out.put("max", empty ? 0.0 : millis(histogram.getMaxValue()));
            return out;
        }

        private static double millis(final long micros)
        {
            return micros / 1000.0;
        }
    }
}
