package io.flashgate.protocol;

/**
 * Where commands and events travel over Aeron: the two stream ids and the channel templates, shared by
 * the engine's transport and every client. All edges publish commands on one ingress stream; the engine
 * publishes every event on one egress publication (multi-destination-cast over UDP) that all edges share.
 * Plain strings: this module does not depend on Aeron.
 */
public final class AeronChannels
{
    /** Commands, edge to engine. */
    public static final int INGRESS_STREAM_ID = 1001;
    /** Events, engine to edges. */
    public static final int EGRESS_STREAM_ID = 1002;
    /** Commands as journaled, with their epoch, and heartbeats: primary to standby. */
    public static final int REPLICATION_STREAM_ID = 1003;
    /** Acknowledgements and heartbeats: standby to primary. */
    public static final int REPLICATION_ACK_STREAM_ID = 1004;
    /** Engine and edges in one host's media driver. */
    public static final String IPC = "aeron:ipc";

    private AeronChannels()
    {
    }

    /** Where the engine subscribes to commands, and where edges publish them: {@code host:port}. */
    public static String udpIngress(final String endpoint)
    {
        return "aeron:udp?endpoint=" + endpoint;
    }

    /** The engine's one event publication: MDC whose subscribers add themselves at {@code controlEndpoint}. */
    public static String udpEgressPublication(final String controlEndpoint)
    {
        return "aeron:udp?control=" + controlEndpoint + "|control-mode=dynamic";
    }

    /** An edge's subscription to the MDC egress; port 0 lets the OS pick the edge's receive port. */
    public static String udpEgressSubscription(final String edgeHost, final String controlEndpoint)
    {
        return "aeron:udp?endpoint=" + edgeHost + ":0|control=" + controlEndpoint;
    }
}
