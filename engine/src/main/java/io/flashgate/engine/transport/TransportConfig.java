package io.flashgate.engine.transport;

import io.flashgate.protocol.AeronChannels;
import io.flashgate.client.aeron.IdleChoice;

import java.time.Duration;

/**
 * The engine's Aeron channels. All edges publish commands to one ingress channel; the engine
 * publishes every event on one egress publication that all edges subscribe to.
 *
 * @param aeronDirectory    the media driver's folder (see {@link EmbeddedDriver}); null = Aeron's default.
 * @param ingressChannel    where the engine subscribes to commands (IPC, or a UDP endpoint: {@link AeronChannels}).
 * @param ingressStreamId   stream id of the commands.
 * @param egressChannel     the engine's one publication of events (IPC, or a UDP MDC publication with
 *                          dynamic control: {@link AeronChannels#udpEgressPublication}).
 * @param egressStreamId    stream id of the events.
 * @param idle              how the ingress poller waits when there is nothing to do.
 * @param egressRetry       how long the egress sink retries a back-pressured event before it drops
 *                          (and counts) it; the edge then times out (504) and a retry with the same
 *                          Idempotency-Key gets the original answer.
 * @param fragmentLimit     fragments polled per duty cycle.
 */
public record TransportConfig(
    String aeronDirectory,
    String ingressChannel,
    int ingressStreamId,
    String egressChannel,
    int egressStreamId,
    IdleChoice idle,
    Duration egressRetry,
    int fragmentLimit)
{
    public TransportConfig
    {
        if (ingressChannel == null || egressChannel == null)
        {
            throw new IllegalArgumentException("channels are required");
        }
        if (idle == null)
        {
            idle = IdleChoice.DEFAULT;
        }
        if (egressRetry == null || egressRetry.isNegative())
        {
            egressRetry = Duration.ofMillis(20);
        }
        if (fragmentLimit <= 0)
        {
            fragmentLimit = 64;
        }
    }

    /** One host: IPC on the {@link AeronChannels} stream ids, backoff idle, 20 ms egress retry. */
    public static TransportConfig ipc(final String aeronDirectory)
    {
        return new TransportConfig(aeronDirectory, AeronChannels.IPC, AeronChannels.INGRESS_STREAM_ID,
            AeronChannels.IPC, AeronChannels.EGRESS_STREAM_ID,
            IdleChoice.DEFAULT, Duration.ofMillis(20), 64);
    }

    /**
     * Several hosts: the engine subscribes on {@link AeronChannels#udpIngress} and publishes events as MDC on
     * {@link AeronChannels#udpEgressPublication}.
     */
    public static TransportConfig udp(final String aeronDirectory, final String ingressEndpoint,
        final String egressControl)
    {
        return new TransportConfig(aeronDirectory, AeronChannels.udpIngress(ingressEndpoint),
            AeronChannels.INGRESS_STREAM_ID, AeronChannels.udpEgressPublication(egressControl),
            AeronChannels.EGRESS_STREAM_ID,
            IdleChoice.DEFAULT, Duration.ofMillis(20), 64);
    }

    public TransportConfig withIdle(final IdleChoice choice)
    {
        return new TransportConfig(aeronDirectory, ingressChannel, ingressStreamId, egressChannel, egressStreamId,
            choice, egressRetry, fragmentLimit);
    }

    public TransportConfig withEgressRetry(final Duration retry)
    {
        return new TransportConfig(aeronDirectory, ingressChannel, ingressStreamId, egressChannel, egressStreamId,
            idle, retry, fragmentLimit);
    }
}
