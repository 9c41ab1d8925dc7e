package io.flashgate.ops;

import io.flashgate.config.FlashgateConfig;
import io.flashgate.engine.metrics.EngineMetrics;
import io.flashgate.engine.transport.EngineTransport;
import io.flashgate.engine.transport.TransportConfig;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;

/**
 * {@code ops/flashgate engine}: the engine alone, commands on UDP {@code transport.ingress}, events as MDC from
 * control endpoint {@code transport.egress}, its figures on {@code metrics.host:metrics.port}. Started driver,
 * engine, metrics; closed in reverse.
 */
final class EngineProcess implements FlashgateProcess
{
    private final StartedParts parts;
    private final String description;

    private EngineProcess(final StartedParts parts, final String description)
    {
        this.parts = parts;
        this.description = description;
    }

    static EngineProcess start(final FlashgateConfig config) throws IOException
    {
        final StartedParts parts = new StartedParts();
        try
        {
            final FlashgateConfig.Transport transport = config.transport();
            final String aeronDirectory = AeronParts.driver(config, parts);
            final EngineTransport engine = AeronParts.engine(config, AeronParts.client(aeronDirectory, parts),
                TransportConfig.udp(aeronDirectory, transport.ingress(), transport.egress()), parts);
            final PrometheusRegistry registry = new PrometheusRegistry();
            EngineMetrics.register(registry, engine.engine(), engine);
            final MetricsEndpoint metrics =
                parts.add(MetricsEndpoint.serve(registry, config.metrics().host(), config.metrics().port()));
            return new EngineProcess(parts, "engine on udp " + transport.ingress() + " (events via " +
                transport.egress() + ", journal in " + config.engine().dataDir().toAbsolutePath() +
                ", metrics on http://" + config.metrics().host() + ":" + metrics.port() + "/metrics)");
        }
        catch (final IOException | RuntimeException ex)
        {
            parts.close();
            throw ex;
        }
    }

    @Override
    public String description()
    {
        return description;
    }

    @Override
    public void close()
    {
        parts.close();
    }
}
