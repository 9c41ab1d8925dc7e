package io.flashgate.ops;

import io.aeron.Aeron;
import io.flashgate.client.aeron.DutyCycle;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.edge.EdgeConfig;
import io.flashgate.edge.http.EdgeServer;
import io.flashgate.engine.metrics.EngineMetrics;
import io.flashgate.engine.transport.AeronEngine;
import io.flashgate.engine.transport.TransportConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;

/**
 * {@code ops/flashgate run}: media driver, engine and edge in one JVM over Aeron IPC; the edge's /metrics carries
 * the engine's figures. Started driver, engine, edge; closed edge, engine, driver.
 */
final class RunProcess
{
    private RunProcess()
    {
    }

    static FlashgateProcess start(final FlashgateConfig config, final String tokenSecret) throws IOException, ProcessFault
    {
        return FlashgateProcess.start((parts, faults) ->
        {
            final DutyCycle dutyCycle = AeronParts.ipcDutyCycle(config, parts); // every channel is IPC
            final String aeronDirectory = AeronParts.driver(config, dutyCycle, parts);
            final Aeron aeron = AeronParts.client(config, dutyCycle, aeronDirectory, faults, parts);
            final AeronEngine engine = AeronParts.engine(config, aeron, TransportConfig.ipc(aeronDirectory), faults,
                parts);
            final AeronEngineGateway gateway = AeronParts.gateway(config, aeron, GatewayConfig.ipc(aeronDirectory), parts);
            AeronParts.awaitEngine(gateway);
            final PrometheusRegistry metrics = new PrometheusRegistry();
            EngineMetrics.register(metrics, engine.engine(), engine.transport());
            final EdgeServer edge = parts.add(EdgeServer.start(EdgeConfig.of(config, tokenSecret), gateway, metrics));
            return "engine + edge on http://" + config.edge().httpHost() + ":" + edge.port() + " (journal in " +
                config.engine().dataDir().toAbsolutePath() + ")";
        });
    }
}
