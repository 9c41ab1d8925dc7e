package io.flashgate.ops;

import io.aeron.Aeron;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.engine.metrics.EngineMetrics;
import io.flashgate.engine.transport.AeronEngine;
import io.flashgate.engine.transport.TransportConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;

/**
 * {@code ops/flashgate engine}: the engine alone, commands on UDP {@code transport.ingress}, events as MDC from
 * control endpoint {@code transport.egress}, its figures on {@code metrics.host:metrics.port}. Started driver,
 * engine, metrics; closed in reverse.
 */
final class EngineProcess
{
    private EngineProcess()
    {
    }

    static FlashgateProcess start(final FlashgateConfig config) throws IOException, ProcessFault
    {
        return FlashgateProcess.start((parts, faults) ->
        {
            final FlashgateConfig.Transport transport = config.transport();
            final String aeronDirectory = AeronParts.driver(config, parts);
            final Aeron aeron = AeronParts.client(config, aeronDirectory, faults, parts);
            final AeronEngine engine = AeronParts.engine(config, aeron,
                TransportConfig.udp(aeronDirectory, transport.ingress(), transport.egress()), faults, parts);
            final PrometheusRegistry registry = new PrometheusRegistry();
            EngineMetrics.register(registry, engine.engine(), engine.transport());
            final MetricsEndpoint metrics =
                parts.add(MetricsEndpoint.serve(registry, config.metrics().host(), config.metrics().port(),
                    () -> !faults.isFaulted() && !aeron.isClosed() && engine.engine().fault() == null));
            return "engine on udp " + transport.ingress() + " (events via " + transport.egress() + ", journal in " +
                config.engine().dataDir().toAbsolutePath() + ", metrics on http://" + config.metrics().host() + ":" +
                metrics.port() + "/metrics, /health/ready)";
        });
    }
}
