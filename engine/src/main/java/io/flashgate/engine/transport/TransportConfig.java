package io.flashgate.engine.transport;

import io.flashgate.protocol.IdleChoice;

import java.time.Duration;

/**
 * The engine's Aeron channels. All edges publish commands to one ingress channel; the engine
 * publishes every event on one egress publication that all edges subscribe to.
 *
 * @param aeronDirectory    the media driver's folder (see {@link EmbeddedDriver}); null = Aeron's default.
 * @param ingressChannel    where the engine subscribes to commands ({@code aeron:ipc}, or a UDP endpoint).
 * @param ingressStreamId   stream id of the commands.
 * @param egressChannel     the engine's one publication of events ({@code aeron:ipc}, or a UDP MDC
 *                          publication with {@code control-mode=dynamic}).
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
    public static final String IPC = "aeron:ipc";
    public static final int INGRESS_STREAM_ID = 1001;
    public static final int EGRESS_STREAM_ID = 1002;
    /** Example UDP ingress endpoint (the engine's host). */
    public static final String UDP_INGRESS = "aeron:udp?endpoint=127.0.0.1:40123";
    /** Example UDP egress: an MDC publication; edges subscribe with {@link #udpEgressSubscription}. */
    public static final String UDP_EGRESS = "aeron:udp?control=127.0.0.1:40124|control-mode=dynamic";

    public TransportConfig
    {
        if (ingressChannel == null || egressChannel == null)
        {
            throw new IllegalArgumentException("channels are required");
        }
        if (idle == null)
        {
            idle = IdleChoice.BACKOFF;
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

    /** One JVM: IPC streams 1001 (ingress) and 1002 (egress), backoff idle, 20 ms egress retry. */
    public static TransportConfig ipc(final String aeronDirectory)
    {
        return new TransportConfig(aeronDirectory, IPC, INGRESS_STREAM_ID, IPC, EGRESS_STREAM_ID,
            IdleChoice.BACKOFF, Duration.ofMillis(20), 64);
    }

    /**
     * Several hosts: the engine subscribes on {@code aeron:udp?endpoint=<ingressEndpoint>} and publishes
     * events as MDC on {@code aeron:udp?control=<egressControl>|control-mode=dynamic}.
     */
    public static TransportConfig udp(final String aeronDirectory, final String ingressEndpoint,
        final String egressControl)
    {
        return new TransportConfig(aeronDirectory, "aeron:udp?endpoint=" + ingressEndpoint, INGRESS_STREAM_ID,
            "aeron:udp?control=" + egressControl + "|control-mode=dynamic", EGRESS_STREAM_ID,
            IdleChoice.BACKOFF, Duration.ofMillis(20), 64);
    }

    /** The channel an edge subscribes to the MDC egress with; port 0 lets the OS pick the edge's port. */
    public static String udpEgressSubscription(final String edgeHost, final String egressControl)
    {
        return "aeron:udp?endpoint=" + edgeHost + ":0|control=" + egressControl;
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
