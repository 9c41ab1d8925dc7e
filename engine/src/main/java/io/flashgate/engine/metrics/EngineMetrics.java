package io.flashgate.engine.metrics;

import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineStats;
import io.flashgate.engine.pipeline.PairView;
import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.StandbyState;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.function.Supplier;
import io.flashgate.engine.transport.EngineTransport;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The engine's figures (ring, journal, release, transport) on the process's one {@link PrometheusRegistry}. Read
 * when scraped, from one {@link Engine#stats()} call, so the figures of one scrape are of one moment (published ≥
 * journaled ≥ released holds within a scrape). In {@code run} they are served by the edge's {@code /metrics}; an
 * engine-only process serves the registry on a port of its own.
 */
public final class EngineMetrics implements MultiCollector
{
    private final Supplier<Engine> engines;
    private final Supplier<EngineTransport> transports;

    private EngineMetrics(final Supplier<Engine> engines, final Supplier<EngineTransport> transports)
    {
        this.engines = engines;
        this.transports = transports;
    }

    /** Registers the figures of {@code engine} and of the transport that feeds it on {@code registry}. */
    public static EngineMetrics register(final PrometheusRegistry registry, final Engine engine,
        final EngineTransport transport)
    {
        return register(registry, () -> engine, () -> transport);
    }

    /**
     * As {@link #register(PrometheusRegistry, Engine, EngineTransport)} for parts that may be replaced while the
     * process runs (a pair's engine starting again as the standby): each scrape reads the ones in place.
     */
    public static EngineMetrics register(final PrometheusRegistry registry, final Supplier<Engine> engines,
        final Supplier<EngineTransport> transports)
    {
        final EngineMetrics metrics = new EngineMetrics(engines, transports);
        registry.register(metrics);
        return metrics;
    }

    @Override
    public MetricSnapshots collect()
    {
        final Engine engine = engines.get();
        final EngineTransport transport = transports.get();
        final EngineStats stats = engine.stats();
        final PairView pair = engine.pair();
        final EngineRole role = pair.role();
        final StandbyState standby = pair.standbyState();
        final GaugeSnapshot.Builder roles = GaugeSnapshot.builder().name("flashgate_engine_role")
            .help("1 for this engine's role in its pair (SOLO: alone, or releasing without a standby), 0 for the others.");
        for (final EngineRole each : EngineRole.values())
        {
            roles.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("role", each.name()))
                .value(each == role ? 1 : 0).build());
        }
        final GaugeSnapshot.Builder standbyStates = GaugeSnapshot.builder().name("flashgate_engine_standby_state")
            .help("1 for the standby's state as this engine sees it, 0 for the others.");
        for (final StandbyState each : StandbyState.values())
        {
            standbyStates.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("state", each.name())).value(each == standby ? 1 : 0).build());
        }
        return MetricSnapshots.of(
            roles.build(),
            standbyStates.build(),
            gauge("flashgate_engine_epoch", "The epoch this engine is in (0: never in a pair).",
                engine.epochs().current()),
            gauge("flashgate_engine_standby_acked_sequence",
                "The last sequence the standby acknowledged as durable (primary), else 0.", pair.standbyAckedSequence()),
            gauge("flashgate_engine_standby_lag_records",
                "Records the other engine of the pair lacks: the standby behind this primary, or this standby behind "
                    + "its primary's last heartbeat.", pair.lagRecords(stats.publishedSequence(), stats.durableSequence())),
            gauge("flashgate_engine_solo_by_operator", "1 while SOLO because an operator ran solo, else 0.",
                pair instanceof io.flashgate.engine.pair.PairState state && state.isSoloByOperator() ? 1 : 0),
            gauge("flashgate_engine_zookeeper_connected", "1 while this engine's ZooKeeper session is live, 0 while " +
                "ZooKeeper is unreachable (no role changes until it answers), -1 for a pair without ZooKeeper or " +
                "an engine alone.", pair instanceof io.flashgate.engine.pair.PairState state ? state.zooKeeperState() : -1),
            gauge("flashgate_engine_held", "1 while this engine waits (not promoting, not releasing alone) for a " +
                "reason shown in /admin/engine's hold and the log, else 0.",
                pair instanceof io.flashgate.engine.pair.PairState state && state.hold() != null ? 1 : 0),
            counter("flashgate_engine_promotions_total", "Times this engine became a pair's primary since start.",
                pair instanceof io.flashgate.engine.pair.PairState state ? state.promotions() : 0),
            counter("flashgate_engine_ignored_acks_total",
                "Standby acknowledgements ignored: of an older epoch, or for a sequence never sent.",
                pair instanceof io.flashgate.engine.pair.PairState state ? state.ignoredAcks() : 0),
            counter("flashgate_engine_standby_ring_full_total", "As standby: times the ring was full for a " +
                "message of the primary's, which was read again once it had room (none lost).",
                pair instanceof io.flashgate.engine.pair.PairState state ? state.intakeRingFull() : 0),
            gauge("flashgate_engine_ring_size", "Slots in the engine's input ring.", stats.ringSize()),
            gauge("flashgate_engine_ring_remaining", "Free ring slots; 0 means commands are refused.",
                stats.ringRemaining()),
            counter("flashgate_engine_ring_refused_total", "Commands refused because the ring was full.",
                stats.refusedOffers()),
            gauge("flashgate_engine_published_sequence", "Last command sequence taken into the ring.",
                stats.publishedSequence()),
            gauge("flashgate_journal_durable_sequence", "Last command sequence written to the journal.",
                stats.durableSequence()),
            counter("flashgate_journal_batches_total", "Group commits (one write, and fsync if configured, each).",
                stats.journalBatches()),
            gauge("flashgate_engine_released_sequence", "Last command sequence whose results were released.",
                stats.releasedSequence()),
            gauge("flashgate_engine_recovered_sequence", "Sequence recovery reached at start.",
                stats.recoveredSequence()),
            gauge("flashgate_engine_fault",
                "1 once a journal I/O error stopped the engine (it takes no commands; see the log), else 0.",
                stats.faulted() ? 1 : 0),
            counter("flashgate_engine_faults_total", "Journal I/O faults since start.", stats.faults()),
            gaugeDouble("flashgate_journal_flush_seconds_max",
                "Longest journal flush (write, and fsync under FSYNC) since start.", stats.maxFlushNanos() / 1e9),
            counter("flashgate_journal_slow_flushes_total", "Journal flushes that took over a second.",
                stats.slowFlushes()),
            counter("flashgate_snapshot_failures_total",
                "Snapshot writes that failed (each retried at the next interval; the engine goes on).",
                stats.snapshotFailures()),
            counter("flashgate_transport_commands_received_total", "Commands taken from Aeron ingress.",
                transport.commandsReceived()),
            counter("flashgate_transport_ingress_messages_total",
                "Aeron messages taken from ingress; commands received / messages = commands per message.",
                transport.ingressMessages()),
            counter("flashgate_transport_ingress_aborts_total", "Ingress fragments pushed back (ring full).",
                transport.ingressAborts()),
            counter("flashgate_transport_ingress_malformed_total",
                "Ingress messages dropped whole: a torn frame, or more commands than the ring has slots.",
                transport.ingressMalformed()),
            counter("flashgate_transport_events_published_total", "Events published on Aeron egress.",
                transport.egressPublished()),
            counter("flashgate_transport_egress_messages_total",
                "Aeron messages published on egress; events published / messages = events per message.",
                transport.egressMessages()),
            counter("flashgate_transport_events_dropped_total", "Events dropped (no edge, or egress back-pressured).",
                transport.egressDropped()));
    }

    private static MetricSnapshot gauge(final String name, final String help, final long value)
    {
        return gaugeDouble(name, help, value);
    }

    private static MetricSnapshot gaugeDouble(final String name, final String help, final double value)
    {
        return GaugeSnapshot.builder().name(name).help(help)
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    /** {@code name} ends in {@code _total}; the client keeps the family name without it and writes it back. */
    private static MetricSnapshot counter(final String name, final String help, final long value)
    {
        return CounterSnapshot.builder().name(name).help(help)
            .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build()).build();
    }
}
