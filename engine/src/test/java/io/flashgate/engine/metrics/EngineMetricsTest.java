package io.flashgate.engine.metrics;

import io.aeron.Aeron;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.engine.transport.EngineTransport;
import io.flashgate.engine.transport.TransportConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The engine's figures on a registry, under the names operators' dashboards use, read from a running engine. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineMetricsTest
{
    @Test
    void everyFigureIsThereUnderItsNameWithItsType(@TempDir final Path dir) throws Exception
    {
        final EmbeddedDriver driver = EmbeddedDriver.start();
        Aeron aeron = null;
        EngineTransport transport = null;
        Engine engine = null;
        try
        {
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectory()));
            transport = EngineTransport.open(aeron, TransportConfig.ipc(driver.aeronDirectory()));
            engine = Engine.start(EngineConfig.defaults(dir), transport.egressSink());
            transport.start(engine);
            final PrometheusRegistry registry = new PrometheusRegistry();
            EngineMetrics.register(registry, transport.engine(), transport);

            final Map<String, Double> figures = new TreeMap<>();
            for (final MetricSnapshot snapshot : registry.scrape())
            {
                final String name = snapshot.getMetadata().getPrometheusName();
                if (snapshot instanceof CounterSnapshot counter)
                {
                    figures.put(name + "_total counter", counter.getDataPoints().get(0).getValue());
                }
                else if (snapshot instanceof GaugeSnapshot gauge)
                {
                    figures.put(name + " gauge", gauge.getDataPoints().get(0).getValue());
                }
            }
            assertEquals(new java.util.TreeSet<>(java.util.List.of(
                "flashgate_engine_ring_size gauge",
                "flashgate_engine_fault gauge",
                "flashgate_engine_faults_total counter",
                "flashgate_journal_flush_seconds_max gauge",
                "flashgate_journal_slow_flushes_total counter",
                "flashgate_snapshot_failures_total counter",
                "flashgate_engine_ring_remaining gauge",
                "flashgate_engine_ring_refused_total counter",
                "flashgate_engine_published_sequence gauge",
                "flashgate_journal_durable_sequence gauge",
                "flashgate_journal_batches_total counter",
                "flashgate_engine_released_sequence gauge",
                "flashgate_engine_recovered_sequence gauge",
                "flashgate_transport_commands_received_total counter",
                "flashgate_transport_ingress_messages_total counter",
                "flashgate_transport_ingress_aborts_total counter",
                "flashgate_transport_ingress_malformed_total counter",
                "flashgate_transport_events_published_total counter",
                "flashgate_transport_egress_messages_total counter",
                "flashgate_transport_events_dropped_total counter",
                "flashgate_engine_role gauge",
                "flashgate_engine_standby_state gauge",
                "flashgate_engine_epoch gauge",
                "flashgate_engine_standby_acked_sequence gauge",
                "flashgate_engine_standby_lag_records gauge",
                "flashgate_engine_standby_ring_full_total counter",
                "flashgate_engine_solo_by_operator gauge",
                "flashgate_engine_zookeeper_connected gauge",
                "flashgate_engine_held gauge",
                "flashgate_engine_promotions_total counter",
                "flashgate_engine_ignored_acks_total counter")), figures.keySet());
            final long ringSize = transport.engine().stats().ringSize();
            assertEquals(ringSize, figures.get("flashgate_engine_ring_size gauge"));
            assertEquals(ringSize, figures.get("flashgate_engine_ring_remaining gauge"), "an idle ring is empty");
            assertEquals(-1.0, figures.get("flashgate_engine_zookeeper_connected gauge"), "an engine alone has none");
            assertEquals(0.0, figures.get("flashgate_engine_held gauge"));
        }
        finally
        {
            CloseHelper.quietCloseAll(engine, transport, aeron, driver);
        }
    }
}
