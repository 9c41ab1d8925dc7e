package io.flashgate.sink;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/** The sink's figures on a {@link PrometheusRegistry}, read from its {@link SinkStatus} when scraped. */
public final class SinkMetrics implements MultiCollector
{
    private final SinkStatus status;

    private SinkMetrics(final SinkStatus status)
    {
        this.status = status;
    }

    public static void register(final PrometheusRegistry registry, final SinkStatus status)
    {
        registry.register(new SinkMetrics(status));
    }

    @Override
    public MetricSnapshots collect()
    {
        return MetricSnapshots.of(
            gauge("flashgate_sink_lag_records", "Journal records not yet committed to the database.",
                status.lagRecords()),
            gauge("flashgate_sink_lag_seconds",
                "Stamped time between the journal's newest record and the newest one committed.",
                status.lagSeconds()),
            gauge("flashgate_sink_journal_sequence", "Last journal sequence read and applied.",
                status.journalSequence()),
            gauge("flashgate_sink_committed_sequence", "Last journal sequence whose rows are committed.",
                status.committedSequence()),
            gauge("flashgate_sink_database_up", "1 while the last write succeeded, 0 while the sink retries.",
                status.databaseUp() ? 1 : 0),
            gauge("flashgate_sink_journal_head", "Newest record in the journal at the sink's last look.",
                status.journalHead()),
            gauge("flashgate_sink_standing_aside",
                "1 while the journal grows faster than the sink applies it and the sink takes one batch every 5 s.",
                status.standingAside() ? 1 : 0),
            counter("flashgate_sink_stand_asides_total", "Bursts the sink stood aside for.", status.standAsides()),
            counter("flashgate_sink_commits_total", "Transactions committed.", status.commits()),
            counter("flashgate_sink_orders_written_total", "Order rows written (an order per change).",
                status.ordersWritten()),
            counter("flashgate_sink_database_failures_total", "Writes or connections that failed and were retried.",
                status.databaseFailures()));
    }

    private static MetricSnapshot gauge(final String name, final String help, final double value)
    {
        return GaugeSnapshot.builder().name(name).help(help)
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static MetricSnapshot counter(final String name, final String help, final long value)
    {
        return CounterSnapshot.builder().name(name).help(help)
            .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build()).build();
    }
}
