package io.flashgate.client.aeron;

import io.aeron.Aeron;
import io.aeron.Image;
import io.aeron.Subscription;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.WireFormat;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the engine answers, judged by a round trip rather than by Aeron's "connected": our subscription can
 * see a restarted engine's image before that engine's publication has our status message (what it publishes
 * meanwhile never reaches us), and a killed engine's image lingers until its liveness timeout. So:
 * <ul>
 *   <li>while unconfirmed and the engine takes our commands, a probe (a sale query) goes out every 50 ms; any
 *       reply to it confirms the egress image it came over;</li>
 *   <li>a new image, or the loss of the confirmed one, makes it unconfirmed again;</li>
 *   <li>probes unanswered for a second: the egress subscription is made anew, because after a kill -9 and
 *       restart of the engine an MDC subscription can keep the dead engine's image and never join the new
 *       stream;</li>
 *   <li>the engine no longer taking our commands: it is gone, its image may linger, so resubscribe at once.</li>
 * </ul>
 * Owns the egress subscription (it is what gets replaced). {@link #probe} and {@link #claimProbeReply} run on the
 * reply poller's thread; {@link #isReachable} on any thread.
 */
final class EngineLiveness implements AutoCloseable
{
    private static final long NOT_CONFIRMED = Long.MIN_VALUE;
    private static final long NOT_PROBING = Long.MIN_VALUE;
    private static final long PROBE_INTERVAL_NANOS = 50_000_000L;
    private static final long RESUBSCRIBE_AFTER_NANOS = 1_000_000_000L;
    /** Any sale id does: a reply (the sale or NOT_FOUND) is what proves the round trip. */
    private static final String PROBE_SALE_ID = "flashgate-probe";

    private static final System.Logger LOG = System.getLogger("flashgate.client");

    private final Aeron aeron;
    private final GatewayConfig config;
    private final AeronCommandChannel commands;
    private final AtomicLong correlationIds;
    private final AtomicLong resubscriptions = new AtomicLong();
    private final UnsafeBuffer probeBuffer = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
    private final CommandEncoder probeEncoder = new CommandEncoder().wrap(probeBuffer, 0);
    /** Replaced by {@link #resubscribe} when the engine stream must be rejoined. */
    private volatile Subscription egress;
    /** The egress image (engine stream) over which a probe made the round trip, or {@link #NOT_CONFIRMED}. */
    private volatile long confirmedSession = NOT_CONFIRMED;
    private volatile long probeCorrelationId = Long.MIN_VALUE;
    private long nextProbeNanos;
    private long probingSinceNanos = NOT_PROBING;
    private int fragmentSession;

    EngineLiveness(final Aeron aeron, final GatewayConfig config, final AeronCommandChannel commands,
        final AtomicLong correlationIds)
    {
        this.aeron = aeron;
        this.config = config;
        this.commands = commands;
        this.correlationIds = correlationIds;
        this.egress = subscribeToEgress();
    }

    /** The engine's event stream, as subscribed now. */
    Subscription egress()
    {
        return egress;
    }

    /** The engine takes our commands, we receive its stream and a probe made the round trip over it. */
    boolean isReachable()
    {
        final long session = confirmedSession;
        if (commands.isClosed() || session == NOT_CONFIRMED || !commands.isConnected())
        {
            return false;
        }
        final Image image = egress.imageBySessionId((int)session);
        return image != null && !image.isClosed() && !image.isEndOfStream();
    }

    /** Aeron-level connectivity both ways, without the round trip (a hung engine still has this). */
    boolean areChannelsConnected()
    {
        return !commands.isClosed() && commands.isConnected() && egress.isConnected();
    }

    long resubscriptionCount()
    {
        return resubscriptions.get();
    }

    /** Poller thread: the session of the fragment about to be routed, for {@link #claimProbeReply}. */
    void fragmentFrom(final int sessionId)
    {
        fragmentSession = sessionId;
    }

    /** Poller thread: a reply to our source id; @return true if it answered the probe (it confirms the stream). */
    boolean claimProbeReply(final long correlationId)
    {
        if (correlationId != probeCorrelationId)
        {
            return false;
        }
        if (confirmedSession == NOT_CONFIRMED)
        {
            LOG.log(System.Logger.Level.INFO, "engine.reachable egress=\"" + config.egressChannel() + "\" session=" +
                fragmentSession);
        }
        confirmedSession = fragmentSession;
        return true;
    }

    /** Poller thread: probes while unconfirmed, resubscribes when probes go unanswered; @return work done. */
    int probe(final long now)
    {
        if (!commands.isConnected())
        {
            if (confirmedSession != NOT_CONFIRMED)
            {
                // The engine stopped taking our commands: it is gone. Its image may linger, so drop it now.
                unreachable("commands_not_connected");
                resubscribe();
            }
            probingSinceNanos = NOT_PROBING;
            return 0;
        }
        if (confirmedSession != NOT_CONFIRMED)
        {
            probingSinceNanos = NOT_PROBING;
            return 0;
        }
        if (now - nextProbeNanos < 0)
        {
            return 0;
        }
        if (probingSinceNanos == NOT_PROBING)
        {
            probingSinceNanos = now;
        }
        else if (now - probingSinceNanos > RESUBSCRIBE_AFTER_NANOS)
        {
            resubscribe();
            probingSinceNanos = now;
        }
        nextProbeNanos = now + PROBE_INTERVAL_NANOS;
        final long correlationId = correlationIds.incrementAndGet();
        probeCorrelationId = correlationId;
        final int length = probeEncoder.saleCommand(MessageTypes.QUERY_SALE, config.sourceId(), correlationId,
            PROBE_SALE_ID);
        commands.offer(correlationId, probeBuffer, 0, length);
        return 1;
    }

    /**
     * Closes the subscription to the engine's stream. Called once the poller is stopped, so nothing confirms the
     * stream meanwhile: it is forgotten first, silently, since closing our own subscription ends its image as the
     * engine's loss does, and an operator reads "engine.unreachable" as the engine gone.
     */
    @Override
    public void close()
    {
        confirmedSession = NOT_CONFIRMED;
        CloseHelper.quietClose(egress);
    }

    private void resubscribe()
    {
        final Subscription stale = egress;
        try
        {
            egress = subscribeToEgress();
            resubscriptions.incrementAndGet();
        }
        catch (final RuntimeException ex)
        {
            return; // closing, or the driver is gone: keep the old one and try again later
        }
        CloseHelper.quietClose(stale);
    }

    /** Forgets the confirmed stream; the first time, one log line (docs/ARCHITECTURE.md, "Logs"). */
    private void unreachable(final String reason)
    {
        final long was = confirmedSession;
        confirmedSession = NOT_CONFIRMED;
        if (was != NOT_CONFIRMED)
        {
            LOG.log(System.Logger.Level.WARNING, "engine.unreachable reason=" + reason + " session=" + was);
        }
    }

    /** A new image (a new engine stream) or the loss of the confirmed one resets the round trip. */
    private Subscription subscribeToEgress()
    {
        return aeron.addSubscription(config.egressChannel(), config.egressStreamId(),
            image ->
            {
                if (image.sessionId() != confirmedSession)
                {
                    unreachable("new_engine_stream"); // a new engine stream: prove the round trip again
                }
            },
            image ->
            {
                if (image.sessionId() == confirmedSession)
                {
                    unreachable("engine_stream_lost");
                }
            });
    }
}
