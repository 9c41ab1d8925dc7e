package io.flashgate.edge.http;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * {@code flashgate_edge_engine_latency_seconds}: the edge-to-engine round trip as a summary with percentiles since
 * start. Kept in an HdrHistogram (recording allocates nothing, and its percentiles are exact to 3 digits), turned
 * into the client's summary only when scraped.
 */
final class EngineLatency implements Collector
{
    static final String NAME = "flashgate_edge_engine_latency_seconds";
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

    /** Microseconds, 1 µs to 60 s, 3 significant digits. */
    private final Histogram micros = new ConcurrentHistogram(1, TimeUnit.SECONDS.toMicros(60), 3);

    void record(final long nanos)
    {
        micros.recordValue(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMicros(nanos), micros.getHighestTrackableValue())));
    }

    @Override
    public MetricSnapshot collect()
    {
        final Histogram snapshot = micros.copy();
        final Quantiles.Builder quantiles = Quantiles.builder();
        for (final double q : QUANTILES)
        {
            quantiles.quantile(q, snapshot.getValueAtPercentile(q * 100) / 1e6);
        }
        return SummarySnapshot.builder().name(NAME).help("Edge to engine round trip, percentiles since start.")
            .dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder().count(snapshot.getTotalCount())
                .sum(snapshot.getMean() * snapshot.getTotalCount() / 1e6).quantiles(quantiles.build()).build())
            .build();
    }

    @Override
    public String getPrometheusName()
    {
        return NAME;
    }
}
