package io.flashgate.ops;

import io.flashgate.config.FlashgateConfig;
import io.flashgate.edge.EdgeConfig;
import io.flashgate.edge.http.EdgeServer;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.GatewayConfig;


/**
 * {@code ops/flashgate edge}: an HTTP edge for an engine in another process over UDP; it answers 503 NOT_READY
 * until the engine does. Started driver, gateway, HTTP; closed in reverse.
 */
final class EdgeProcess implements FlashgateProcess
{
    private final StartedParts parts;
    private final String description;

    private EdgeProcess(final StartedParts parts, final String description)
    {
        this.parts = parts;
        this.description = description;
    }

    static EdgeProcess start(final FlashgateConfig config, final String tokenSecret)
    {
        final StartedParts parts = new StartedParts();
        try
        {
            final FlashgateConfig.Transport transport = config.transport();
            final String aeronDirectory = AeronParts.driver(config, parts);
            final AeronEngineGateway gateway = AeronParts.gateway(config, AeronParts.client(aeronDirectory, parts),
                GatewayConfig.udp(aeronDirectory, transport.ingress(), transport.egress(), transport.edgeHost()), parts);
            final EdgeServer edge = parts.add(EdgeServer.start(EdgeConfig.of(config, tokenSecret), gateway));
            return new EdgeProcess(parts, "edge on http://" + config.edge().httpHost() + ":" + edge.port() +
                " for the engine at udp " + transport.ingress());
        }
        catch (final RuntimeException ex)
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
