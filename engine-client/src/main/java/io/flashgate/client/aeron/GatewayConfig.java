package io.flashgate.client.aeron;

import io.flashgate.protocol.AeronChannels;
import io.flashgate.client.aeron.IdleChoice;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How one client (an edge) reaches the engine over Aeron. The channels and stream ids come from
 * {@link AeronChannels}, as the engine's: the client publishes commands to the engine's ingress channel and
 * subscribes to its one egress publication.
 *
 * @param aeronDirectory  the media driver's folder; null = Aeron's default.
 * @param ingressChannel  the engine's command channel ({@link AeronChannels#IPC} or {@link AeronChannels#udpIngress}).
 * @param ingressStreamId stream id of the commands ({@link AeronChannels#INGRESS_STREAM_ID}).
 * @param egressChannel   the engine's event channel as seen by a subscriber ({@link AeronChannels#IPC}, or
 *                        {@link AeronChannels#udpEgressSubscription}).
 * @param egressStreamId  stream id of the events ({@link AeronChannels#EGRESS_STREAM_ID}).
 * @param sourceId        this edge's id, copied by the engine into each reply; must be unique among the
 *                        edges and not 0 (0 = pick a random one, once, when the config is made: two gateways
 *                        started from one config share it, and each is handed the other's replies).
 * @param replyTimeout    a command with no reply by then completes with {@code ResultUnknownException} (504).
 * @param idle            how the reply poller waits when idle.
 * @param fragmentLimit   fragments polled per duty cycle.
 */
public record GatewayConfig(
    String aeronDirectory,
    String ingressChannel,
    int ingressStreamId,
    String egressChannel,
    int egressStreamId,
    int sourceId,
    Duration replyTimeout,
    IdleChoice idle,
    int fragmentLimit)
{
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(2);

    public GatewayConfig
    {
        if (ingressChannel == null || egressChannel == null)
        {
            throw new IllegalArgumentException("channels are required");
        }
        if (sourceId == 0)
        {
            sourceId = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        }
        if (replyTimeout == null || replyTimeout.isZero() || replyTimeout.isNegative())
        {
            replyTimeout = DEFAULT_REPLY_TIMEOUT;
        }
        if (idle == null)
        {
            idle = IdleChoice.DEFAULT;
        }
        if (fragmentLimit <= 0)
        {
            fragmentLimit = 64;
        }
    }

    /** Engine on this host: IPC, random source id, 2 s timeout, backoff idle. */
    public static GatewayConfig ipc(final String aeronDirectory)
    {
        return new GatewayConfig(aeronDirectory, AeronChannels.IPC, AeronChannels.INGRESS_STREAM_ID,
            AeronChannels.IPC, AeronChannels.EGRESS_STREAM_ID, 0,
            DEFAULT_REPLY_TIMEOUT, IdleChoice.DEFAULT, 64);
    }

    /**
     * Engine on another host: commands to its UDP ingress endpoint, events from its MDC publication through
     * this edge's subscription on {@code edgeHost} (port 0: the OS picks this edge's receive port).
     */
    public static GatewayConfig udp(final String aeronDirectory, final String engineIngressEndpoint,
        final String engineEgressControl, final String edgeHost)
    {
        return new GatewayConfig(aeronDirectory, AeronChannels.udpIngress(engineIngressEndpoint),
            AeronChannels.INGRESS_STREAM_ID, AeronChannels.udpEgressSubscription(edgeHost, engineEgressControl),
            AeronChannels.EGRESS_STREAM_ID, 0,
            DEFAULT_REPLY_TIMEOUT, IdleChoice.DEFAULT, 64);
    }

    public GatewayConfig withSourceId(final int id)
    {
        return new GatewayConfig(aeronDirectory, ingressChannel, ingressStreamId, egressChannel, egressStreamId, id,
            replyTimeout, idle, fragmentLimit);
    }

    public GatewayConfig withReplyTimeout(final Duration timeout)
    {
        return new GatewayConfig(aeronDirectory, ingressChannel, ingressStreamId, egressChannel, egressStreamId,
            sourceId, timeout, idle, fragmentLimit);
    }

    public GatewayConfig withIdle(final IdleChoice choice)
    {
        return new GatewayConfig(aeronDirectory, ingressChannel, ingressStreamId, egressChannel, egressStreamId,
            sourceId, replyTimeout, choice, fragmentLimit);
    }
}
