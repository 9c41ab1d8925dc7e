package io.flashgate.ops;

import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.edge.EdgeConfig;
import io.flashgate.edge.http.EdgeServer;

import java.io.IOException;

/**
 * {@code ops/flashgate edge}: an HTTP edge for an engine in another process over UDP; it answers 503 NOT_READY
 * until the engine does. Started driver, gateway, HTTP; closed in reverse.
 */
final class EdgeProcess
{
    private EdgeProcess()
    {
    }

    static FlashgateProcess start(final FlashgateConfig config, final String tokenSecret) throws IOException, ProcessFault
    {
        return FlashgateProcess.start((parts, faults) ->
        {
            final FlashgateConfig.Transport transport = config.transport();
            final String aeronDirectory = AeronParts.driver(config, parts);
            final AeronEngineGateway gateway = AeronParts.gateway(config, AeronParts.client(config, aeronDirectory, faults, parts),
                GatewayConfig.udp(aeronDirectory, transport.ingress(), transport.egress(), transport.edgeHost()), parts);
            final EdgeServer edge = parts.add(EdgeServer.start(EdgeConfig.of(config, tokenSecret), gateway));
            return "edge on http://" + config.edge().httpHost() + ":" + edge.port() + " for the engine at udp " +
                transport.ingress();
        });
    }
}
