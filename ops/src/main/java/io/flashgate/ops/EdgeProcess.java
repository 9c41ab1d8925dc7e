package io.flashgate.ops;

import io.flashgate.client.aeron.DutyCycle;

import io.flashgate.client.follow.FollowingGateway;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.edge.EdgeConfig;
import io.flashgate.edge.http.EdgeServer;

import java.io.IOException;
import java.util.stream.Collectors;

/**
 * {@code ops/flashgate edge}: an HTTP edge for the engines of {@code transport.engines} (a primary and its standby;
 * by default the one engine of {@code transport.ingress}) in other processes over UDP. It sends to the one that
 * answers as primary with the highest epoch ({@link FollowingGateway}) and answers 503 NOT_READY while none does.
 * Started driver, gateway, HTTP; closed in reverse.
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
            final DutyCycle dutyCycle = AeronParts.dutyCycle(config, parts);
            final String aeronDirectory = AeronParts.driver(config, dutyCycle, parts);
            final FollowingGateway gateway = AeronParts.followingGateway(config,
                AeronParts.client(config, dutyCycle, aeronDirectory, faults, parts), aeronDirectory, parts);
            final EdgeServer edge = parts.add(EdgeServer.start(EdgeConfig.of(config, tokenSecret), gateway));
            return "edge on http://" + config.edge().httpHost() + ":" + edge.port() + " for the engine" +
                (transport.engineList().size() > 1 ? "s" : "") + " at udp " + transport.engineList().stream()
                .map(FlashgateConfig.EngineEndpoints::ingress).collect(Collectors.joining(", "));
        });
    }
}
