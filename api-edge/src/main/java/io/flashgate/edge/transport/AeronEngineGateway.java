package io.flashgate.edge.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.flashgate.edge.EngineGateway;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reply;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@link EngineGateway} over Aeron: one exclusive publication to the engine's ingress, one subscription
 * to the engine's egress (shared by all edges: each keeps only the replies carrying its source id, and
 * every broadcast).
 *
 * <p>Never blocks the caller: an offer that Aeron refuses (back-pressure, not connected, closed)
 * completes the future at once with {@link EngineGateway.OverloadedException}; a command with no reply
 * within {@link GatewayConfig#replyTimeout()} completes with {@link EngineGateway.ResultUnknownException}.
 *
 * <p>One poller thread ({@code flashgate-edge-poller-<sourceId>}) reads replies and sweeps deadlines.
 * Futures complete and the broadcast listener runs on that thread: keep callbacks short or hop to an executor.
 */
public final class AeronEngineGateway implements EngineGateway
{
    private static final int ADMIN_ACTION_RETRIES = 3;
    private static final long NOT_CONFIRMED = Long.MIN_VALUE;
    private static final long PROBE_INTERVAL_NANOS = 50_000_000L;
    private static final long RESUBSCRIBE_AFTER_NANOS = 1_000_000_000L;
    private static final long NOT_PROBING = Long.MIN_VALUE;
    /** Any sale id does: a reply (the sale or NOT_FOUND) is what proves the round trip. */
    private static final String PROBE_SALE_ID = "flashgate-probe";
    private static final OverloadedException NOT_CONNECTED =
        new OverloadedException("engine not connected (NOT_CONNECTED)");
    private static final OverloadedException BACK_PRESSURED =
        new OverloadedException("engine back-pressured (BACK_PRESSURED)");
    private static final OverloadedException ADMIN_ACTION =
        new OverloadedException("transport busy (ADMIN_ACTION)");
    private static final OverloadedException CLOSED = new OverloadedException("gateway closed (CLOSED)");
    private static final OverloadedException MAX_POSITION_EXCEEDED =
        new OverloadedException("publication full (MAX_POSITION_EXCEEDED)");
    private static final ResultUnknownException TIMED_OUT = new ResultUnknownException("no reply within the timeout");
    private static final ResultUnknownException GATEWAY_CLOSED =
        new ResultUnknownException("gateway closed before the reply came");

    private final Aeron aeron;
    private final boolean ownsAeron;
    private final GatewayConfig config;
    private final int sourceId;
    private final long timeoutNanos;
    private final ExclusivePublication ingress;
    /** Replaced by the poller when the engine stream must be rejoined (see {@link Poller#probe}). */
    private volatile Subscription egress;
    private final Object offerLock = new Object();
    private final AtomicLong correlationIds = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    /** Deadlines in (nearly) send order: the timeout is constant, so the head is always the next to expire. */
    private final Queue<Pending> deadlines = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<UnsafeBuffer> buffers = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[512]));
    private final ThreadLocal<CommandEncoder> encoders = ThreadLocal.withInitial(CommandEncoder::new);
    private final AtomicLong overloaded = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong replies = new AtomicLong();
    private final AtomicLong resubscriptions = new AtomicLong();
    private final AgentRunner runner;
    private volatile Consumer<Reply> broadcastListener = reply -> { };
    private volatile Consumer<Reply.Order> orderListener = order -> { };
    private volatile boolean closed;
    /**
     * The egress image (engine stream) over which a probe made the round trip, or {@link #NOT_CONFIRMED}.
     * "Connected" alone is not enough: our subscription can see a restarted engine's image before that engine's
     * publication has our status message, and what it publishes meanwhile never reaches us; and a killed engine's
     * image lingers until its liveness timeout. A new image or the loss of this one resets it.
     */
    private volatile long confirmedSession = NOT_CONFIRMED;
    private volatile long probeCorrelationId = Long.MIN_VALUE;
    private long nextProbeNanos;

    private AeronEngineGateway(final Aeron aeron, final boolean ownsAeron, final GatewayConfig config)
    {
        this.aeron = aeron;
        this.ownsAeron = ownsAeron;
        this.config = config;
        this.sourceId = config.sourceId();
        this.timeoutNanos = config.replyTimeout().toNanos();
        ExclusivePublication publication = null;
        Subscription subscription = null;
        try
        {
            publication = aeron.addExclusivePublication(config.ingressChannel(), config.ingressStreamId());
            subscription = subscribeToEgress();
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(subscription, publication);
            throw ex;
        }
        this.ingress = publication;
        this.egress = subscription;
        this.runner = new AgentRunner(config.idle().newStrategy(), Throwable::printStackTrace, (AtomicCounter)null,
            new Poller());
        AgentRunner.startOnThread(runner, runnable ->
        {
            final Thread thread = new Thread(runnable, "flashgate-edge-poller-" + sourceId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Subscribes to the engine's events; a new image (a new engine stream) or the loss of the confirmed one resets the round trip. */
    private Subscription subscribeToEgress()
    {
        return aeron.addSubscription(config.egressChannel(), config.egressStreamId(),
            image ->
            {
                if (image.sessionId() != confirmedSession)
                {
                    confirmedSession = NOT_CONFIRMED; // a new engine stream: prove the round trip again
                }
            },
            image ->
            {
                if (image.sessionId() == confirmedSession)
                {
                    confirmedSession = NOT_CONFIRMED;
                }
            });
    }

    /** Connects its own Aeron client to {@code config.aeronDirectory()} (closed with the gateway). */
    public static AeronEngineGateway launch(final GatewayConfig config)
    {
        final Aeron.Context context = new Aeron.Context();
        if (config.aeronDirectory() != null)
        {
            context.aeronDirectoryName(config.aeronDirectory());
        }
        final Aeron aeron = Aeron.connect(context);
        try
        {
            return new AeronEngineGateway(aeron, true, config);
        }
        catch (final RuntimeException ex)
        {
            aeron.close();
            throw ex;
        }
    }

    /** Uses a client of the caller's, which the gateway does not close. */
    public static AeronEngineGateway create(final Aeron aeron, final GatewayConfig config)
    {
        return new AeronEngineGateway(aeron, false, config);
    }

    public int sourceId()
    {
        return sourceId;
    }

    public GatewayConfig config()
    {
        return config;
    }

    @Override
    public CompletableFuture<Reply> createSale(final String saleId, final int stock, final int limitPerUser,
        final long startsAtMs, final long endsAtMs, final int reservationTtlSeconds)
    {
        return submit((e, c) -> e.createSale(sourceId, c, saleId, stock, limitPerUser, startsAtMs, endsAtMs,
            reservationTtlSeconds));
    }

    @Override
    public CompletableFuture<Reply> adjustStock(final String saleId, final long delta)
    {
        return submit((e, c) -> e.adjustStock(sourceId, c, saleId, delta));
    }

    @Override
    public CompletableFuture<Reply> pause(final String saleId)
    {
        return submit((e, c) -> e.saleCommand(MessageTypes.PAUSE_SALE, sourceId, c, saleId));
    }

    @Override
    public CompletableFuture<Reply> resume(final String saleId)
    {
        return submit((e, c) -> e.saleCommand(MessageTypes.RESUME_SALE, sourceId, c, saleId));
    }

    @Override
    public CompletableFuture<Reply> end(final String saleId)
    {
        return submit((e, c) -> e.saleCommand(MessageTypes.END_SALE, sourceId, c, saleId));
    }

    @Override
    public CompletableFuture<Reply> querySale(final String saleId)
    {
        return submit((e, c) -> e.saleCommand(MessageTypes.QUERY_SALE, sourceId, c, saleId));
    }

    @Override
    public CompletableFuture<Reply> purchase(final String saleId, final String userId, final String idempotencyKey,
        final long quantity)
    {
        return submit((e, c) -> e.purchase(sourceId, c, saleId, userId, idempotencyKey, quantity));
    }

    @Override
    public CompletableFuture<Reply> cancel(final long orderId, final String userId)
    {
        return submit((e, c) -> e.cancelOrder(sourceId, c, orderId, userId));
    }

    @Override
    public CompletableFuture<Reply> confirm(final long orderId)
    {
        return submit((e, c) -> e.confirmOrder(sourceId, c, orderId));
    }

    @Override
    public CompletableFuture<Reply> queryOrder(final long orderId, final String userId)
    {
        return submit((e, c) -> e.queryOrder(sourceId, c, orderId, userId));
    }

    @Override
    public void onBroadcast(final Consumer<Reply> listener)
    {
        this.broadcastListener = listener;
    }

    /**
     * The engine subscribes to our commands, we receive its event stream (Aeron heartbeats keep both alive) and a
     * probe has made the round trip since the engine's stream (re)appeared.
     */
    @Override
    public void onOrderAccepted(final Consumer<Reply.Order> listener)
    {
        this.orderListener = listener;
    }

    @Override
    public boolean isEngineReachable()
    {
        final long session = confirmedSession;
        if (closed || session == NOT_CONFIRMED || !ingress.isConnected())
        {
            return false;
        }
        final Image image = egress.imageBySessionId((int)session);
        return image != null && !image.isClosed() && !image.isEndOfStream();
    }

    /** Aeron-level connectivity both ways, without the probe's round trip (a hung engine still has this). */
    public boolean areChannelsConnected()
    {
        return !closed && ingress.isConnected() && egress.isConnected();
    }

    /** Waits (sleeping 1 ms steps) until {@link #isEngineReachable()}; for start-up and tests. */
    public boolean awaitReachable(final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!isEngineReachable())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** Commands refused at once with {@link EngineGateway.OverloadedException}. */
    public long overloadedCount()
    {
        return overloaded.get();
    }

    /** Commands completed with {@link EngineGateway.ResultUnknownException} after the timeout. */
    public long timedOutCount()
    {
        return timedOut.get();
    }

    /** Replies matched to a waiting command. */
    public long replyCount()
    {
        return replies.get();
    }

    /** Times the egress subscription was made anew because the engine stopped answering probes. */
    public long resubscriptionCount()
    {
        return resubscriptions.get();
    }

    /** Commands sent and still waiting for a reply. */
    public int pendingCount()
    {
        return pending.size();
    }

    /** Sends raw bytes as a command (tools and tests); the reply correlates if the header carries our source id. */
    public CompletableFuture<Reply> submitRaw(final DirectBuffer bytes, final int offset, final int length,
        final long correlationId)
    {
        final Pending future = new Pending(correlationId, System.nanoTime() + timeoutNanos);
        pending.put(correlationId, future);
        final long result = offer(bytes, offset, length);
        if (result < 0)
        {
            pending.remove(correlationId, future);
            overloaded.incrementAndGet();
            future.completeExceptionally(refusal(result));
            return future;
        }
        deadlines.offer(future);
        return future;
    }

    /** Stops the poller, closes the channels (and the client if owned); waiting commands get ResultUnknownException. */
    @Override
    public void close()
    {
        synchronized (offerLock)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        CloseHelper.quietClose(runner);
        CloseHelper.quietCloseAll(ingress, egress);
        for (final Pending waiting : pending.values())
        {
            if (pending.remove(waiting.correlationId, waiting))
            {
                waiting.completeExceptionally(GATEWAY_CLOSED);
            }
        }
        deadlines.clear();
        if (ownsAeron)
        {
            CloseHelper.quietClose(aeron);
        }
    }

    @FunctionalInterface
    private interface Encoding
    {
        int encode(CommandEncoder encoder, long correlationId);
    }

    private CompletableFuture<Reply> submit(final Encoding encoding)
    {
        final long correlationId = correlationIds.incrementAndGet();
        final UnsafeBuffer buffer = buffers.get();
        final int length = encoding.encode(encoders.get().wrap(buffer, 0), correlationId);
        return submitRaw(buffer, 0, length, correlationId);
    }

    /** Offers once (ADMIN_ACTION, a term rotation, is retried a few times at once); never waits. */
    private long offer(final DirectBuffer bytes, final int offset, final int length)
    {
        synchronized (offerLock)
        {
            if (closed)
            {
                return Publication.CLOSED;
            }
            long result = ingress.offer(bytes, offset, length);
            for (int i = 0; i < ADMIN_ACTION_RETRIES && result == Publication.ADMIN_ACTION; i++)
            {
                result = ingress.offer(bytes, offset, length);
            }
            return result;
        }
    }

    private static OverloadedException refusal(final long result)
    {
        if (result == Publication.NOT_CONNECTED)
        {
            return NOT_CONNECTED;
        }
        if (result == Publication.BACK_PRESSURED)
        {
            return BACK_PRESSURED;
        }
        if (result == Publication.ADMIN_ACTION)
        {
            return ADMIN_ACTION;
        }
        if (result == Publication.MAX_POSITION_EXCEEDED)
        {
            return MAX_POSITION_EXCEEDED;
        }
        return CLOSED;
    }

    /** A waiting command: the future itself, with what the poller needs to time it out. */
    private static final class Pending extends CompletableFuture<Reply>
    {
        final long correlationId;
        final long deadlineNanos;

        Pending(final long correlationId, final long deadlineNanos)
        {
            this.correlationId = correlationId;
            this.deadlineNanos = deadlineNanos;
        }
    }

    /** Reads the egress stream, completes futures by (sourceId, correlationId), routes broadcasts, expires deadlines. */
    private final class Poller implements Agent, FragmentHandler
    {
        private final EventDecoder decoder = new EventDecoder();
        private final FragmentAssembler assembler = new FragmentAssembler(this);
        private final AtomicInteger invalid = new AtomicInteger();
        private long probingSinceNanos = NOT_PROBING;
        private final UnsafeBuffer probeBuffer = new UnsafeBuffer(new byte[128]);
        private final CommandEncoder probeEncoder = new CommandEncoder().wrap(probeBuffer, 0);

        @Override
        public int doWork()
        {
            final long now = System.nanoTime();
            return egress.poll(assembler, config.fragmentLimit()) + expire(now) + probe(now);
        }

        /**
         * While the round trip is unconfirmed and the engine takes our commands, asks it about a sale every 50 ms:
         * any reply confirms it. Unanswered for a second, the subscription is made anew: after a kill -9 and restart
         * of the engine, an MDC subscription can keep the dead engine's image and never join the new stream.
         */
        private int probe(final long now)
        {
            if (!ingress.isConnected())
            {
                if (confirmedSession != NOT_CONFIRMED)
                {
                    // The engine stopped taking our commands: it is gone. Its image may linger, so drop it now.
                    confirmedSession = NOT_CONFIRMED;
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
            final int length = probeEncoder.saleCommand(MessageTypes.QUERY_SALE, sourceId, correlationId, PROBE_SALE_ID);
            offer(probeBuffer, 0, length);
            return 1;
        }

        private int expire(final long now)
        {
            int expired = 0;
            Pending head;
            while ((head = deadlines.peek()) != null && now - head.deadlineNanos >= 0)
            {
                deadlines.poll();
                if (pending.remove(head.correlationId, head))
                {
                    timedOut.incrementAndGet();
                    head.completeExceptionally(TIMED_OUT);
                }
                expired++;
            }
            return expired;
        }

        @Override
        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            if (decoder.wrapAndValidate(buffer, offset, length) != null)
            {
                invalid.incrementAndGet();
                return;
            }
            final short type = decoder.type();
            if (MessageTypes.isBroadcast(type))
            {
                try
                {
                    broadcastListener.accept(Reply.decode(decoder));
                }
                catch (final RuntimeException ex)
                {
                    ex.printStackTrace();
                }
                return;
            }
            Reply accepted = null;
            if (type == MessageTypes.ORDER_ACCEPTED)
            {
                // New orders are few (at most the stock): every edge learns all of them, not only its own.
                accepted = Reply.decode(decoder);
                try
                {
                    orderListener.accept((Reply.Order)accepted);
                }
                catch (final RuntimeException ex)
                {
                    ex.printStackTrace();
                }
            }
            if (decoder.sourceId() != sourceId)
            {
                return;
            }
            if (decoder.correlationId() == probeCorrelationId)
            {
                confirmedSession = header.sessionId();
                return;
            }
            final Pending future = pending.remove(decoder.correlationId());
            if (future != null)
            {
                replies.incrementAndGet();
                future.complete(accepted != null ? accepted : Reply.decode(decoder));
            }
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

        @Override
        public String roleName()
        {
            return "flashgate-edge-poller-" + sourceId;
        }
    }
}
