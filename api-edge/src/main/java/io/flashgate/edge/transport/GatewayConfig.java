package io.flashgate.edge.transport;

import io.flashgate.protocol.IdleChoice;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How one edge reaches the engine over Aeron. Mirrors the engine's {@code TransportConfig}: the edge
 * publishes commands to the engine's ingress channel and subscribes to its one egress publication.
 *
 * @param aeronDirectory  the media driver's folder; null = Aeron's default.
 * @param ingressChannel  the engine's command channel ({@code aeron:ipc} or {@code aeron:udp?endpoint=engine:port}).
 * @param ingressStreamId stream id of the commands (1001).
 * @param egressChannel   the engine's event channel as seen by a subscriber ({@code aeron:ipc}, or
 *                        {@code aeron:udp?endpoint=<this host>:0|control=<engine control endpoint>}).
 * @param egressStreamId  stream id of the events (1002).
 * @param sourceId        this edge's id, copied by the engine into each reply; must be unique among the
 *                        edges and not 0 (0 = pick a random one).
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
    public static final String IPC = "aeron:ipc";
    public static final int INGRESS_STREAM_ID = 1001;
    public static final int EGRESS_STREAM_ID = 1002;
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
            idle = IdleChoice.BACKOFF;
        }
        if (fragmentLimit <= 0)
        {
            fragmentLimit = 64;
        }
    }

    /** Engine in this JVM: IPC streams 1001/1002, random source id, 2 s timeout, backoff idle. */
    public static GatewayConfig ipc(final String aeronDirectory)
    {
        return new GatewayConfig(aeronDirectory, IPC, INGRESS_STREAM_ID, IPC, EGRESS_STREAM_ID, 0,
            DEFAULT_REPLY_TIMEOUT, IdleChoice.BACKOFF, 64);
    }

    /**
     * Engine on another host: commands to {@code aeron:udp?endpoint=<engineIngressEndpoint>}, events from
     * the engine's MDC publication via {@code aeron:udp?endpoint=<edgeHost>:0|control=<engineEgressControl>}
     * (port 0: the OS picks this edge's receive port).
     */
    public static GatewayConfig udp(final String aeronDirectory, final String engineIngressEndpoint,
        final String engineEgressControl, final String edgeHost)
    {
        return new GatewayConfig(aeronDirectory, "aeron:udp?endpoint=" + engineIngressEndpoint, INGRESS_STREAM_ID,
            "aeron:udp?endpoint=" + edgeHost + ":0|control=" + engineEgressControl, EGRESS_STREAM_ID, 0,
            DEFAULT_REPLY_TIMEOUT, IdleChoice.BACKOFF, 64);
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
