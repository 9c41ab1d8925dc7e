package io.flashgate.ops;

import io.flashgate.edge.http.OperationsServer;
import io.aeron.Aeron;
import io.flashgate.client.aeron.DutyCycle;
import io.flashgate.config.ConfigException;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.engine.metrics.EngineMetrics;
import io.flashgate.engine.pair.PairConfig;
import io.flashgate.engine.pair.PairedEngine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.AeronEngine;
import io.flashgate.engine.transport.TransportConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.util.Optional;

/**
 * {@code ops/flashgate engine} and {@code ops/flashgate standby}: the engine alone, commands on UDP
 * {@code transport.ingress}, events as MDC from control endpoint {@code transport.egress}, its figures and operator
 * routes on {@code metrics.host:metrics.port}. With {@code pair.peer} set it is one engine of a hot-standby pair
 * ({@link PairedEngine}): {@code engine} is a candidate to lead (ZooKeeper's synchronous set decides, or without it
 * the newer history of two standbys), {@code standby} waits to be in sync. Started driver, engine, metrics; closed in reverse.
 */
final class EngineProcess
{
    private EngineProcess()
    {
    }

    static FlashgateProcess start(final FlashgateConfig config, final boolean asStandby)
        throws IOException, ProcessFault, ConfigException
    {
        final Optional<PairConfig> pair = pairOf(config);
        if (asStandby && pair.isEmpty())
        {
            throw new ConfigException("pair.peer: a standby needs the other engine's pair endpoint (--pair-peer)");
        }
        return FlashgateProcess.start((parts, faults) ->
        {
            final FlashgateConfig.Transport transport = config.transport();
            final DutyCycle dutyCycle = AeronParts.dutyCycle(config, parts);
            final String aeronDirectory = AeronParts.driver(config, dutyCycle, parts);
            final Aeron aeron = AeronParts.client(config, dutyCycle, aeronDirectory, faults, parts);
            final TransportConfig channels = TransportConfig.udp(aeronDirectory, transport.ingress(), transport.egress())
                .withIdle(transport.pollerIdle());
            final PrometheusRegistry registry = new PrometheusRegistry();
            final EngineAdmin admin;
            final String what;
            if (pair.isEmpty())
            {
                final AeronEngine engine = AeronParts.engine(config, aeron, channels, faults, parts);
                EngineMetrics.register(registry, engine.engine(), engine.transport());
                admin = EngineAdmin.alone(engine.engine());
                what = "engine";
            }
            else
            {
                final PairedEngine paired = parts.add(PairedEngine.start(aeron, channels, EngineConfig.of(config),
                    pair.get(), transport.pollerIdle(), !asStandby, engine -> JournalFaultExit.watch(engine, faults)));
                EngineMetrics.register(registry, paired::engine, paired::transport);
                admin = EngineAdmin.paired(paired);
                what = (asStandby ? "standby" : "engine") + " of a pair (peer " + pair.get().peer() + ", pair endpoint " +
                    pair.get().listen() + ")";
            }
            final OperationsServer metrics = parts.add(OperationsServer.start(config.metrics().host(),
                config.metrics().port(), registry, () -> !faults.isFaulted() && !aeron.isClosed() && admin.isHealthy(),
                "engine not ready", "flashgate-engine-http", admin));
            return what + " on udp " + transport.ingress() + " (events via " + transport.egress() + ", journal in " +
                config.engine().dataDir().toAbsolutePath() + ", metrics on http://" + config.metrics().host() + ":" +
                metrics.port() + "/metrics, /health/ready, /admin/engine)";
        });
    }

    private static Optional<PairConfig> pairOf(final FlashgateConfig config) throws ConfigException
    {
        try
        {
            return PairConfig.of(config);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException("pair: " + ex.getMessage() + " (pair.listen " + config.pair().listen() +
                ", pair.peer " + config.pair().peer() + ", pair.heartbeatIntervalMillis " +
                config.pair().heartbeatIntervalMillis() + ", pair.heartbeatTimeoutMillis " +
                config.pair().heartbeatTimeoutMillis() + ")");
        }
    }
}
