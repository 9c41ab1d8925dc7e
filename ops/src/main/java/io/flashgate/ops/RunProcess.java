package io.flashgate.ops;

import io.aeron.Aeron;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.edge.EdgeConfig;
import io.flashgate.edge.http.EdgeServer;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.engine.metrics.EngineMetrics;
import io.flashgate.engine.transport.EngineTransport;
import io.flashgate.engine.transport.TransportConfig;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;

/**
 * {@code ops/flashgate run}: media driver, engine and edge in one JVM over Aeron IPC; the edge's /metrics carries
 * the engine's figures. Started driver, engine, edge; closed edge, engine, driver.
 */
final class RunProcess implements FlashgateProcess
{
    private final StartedParts parts;
    private final String description;

    private RunProcess(final StartedParts parts, final String description)
    {
        this.parts = parts;
        this.description = description;
    }

    static RunProcess start(final FlashgateConfig config, final String tokenSecret) throws IOException
    {
        final StartedParts parts = new StartedParts();
        try
        {
            final String aeronDirectory = AeronParts.driver(config, parts);
            final Aeron aeron = AeronParts.client(aeronDirectory, parts);
            final EngineTransport engine = AeronParts.engine(config, aeron,
                TransportConfig.ipc(aeronDirectory), parts);
            final AeronEngineGateway gateway = AeronParts.gateway(config, aeron, GatewayConfig.ipc(aeronDirectory), parts);
            AeronParts.awaitEngine(gateway);
            final PrometheusRegistry metrics = new PrometheusRegistry();
            EngineMetrics.register(metrics, engine.engine(), engine);
            final EdgeServer edge = parts.add(EdgeServer.start(EdgeConfig.of(config, tokenSecret), gateway, metrics));
            return new RunProcess(parts, "engine + edge on http://" + config.edge().httpHost() + ":" + edge.port() +
                " (journal in " + config.engine().dataDir().toAbsolutePath() + ")");
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
