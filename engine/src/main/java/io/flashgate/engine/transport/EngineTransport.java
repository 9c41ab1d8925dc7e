package io.flashgate.engine.transport;

import io.aeron.Aeron;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.pipeline.Engine;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's side of Aeron:
 *
 * <pre>
 *  edges ──► ingress subscription ──(ingress poller thread)──► engine.offer()
 *  engine egress thread ──► {@link #egressSink()} ──► ONE egress publication ──► every edge
 * </pre>
 *
 * <p>Back-pressure is never hidden: when {@link Engine#offer} returns false (ring full) the fragment is
 * ABORTed, so the image does not advance, the receiver window closes and the edges' publications see
 * {@code BACK_PRESSURED}, which they answer as 503.
 *
 * <p>The engine takes its sink at start, so wiring goes: {@link #open} (creates the egress
 * publication and the ingress subscription), {@code Engine.start(config, transport.egressSink())},
 * then {@link #start(Engine)} (begins polling ingress). The transport carries messages and does not own
 * the engine: whoever started the engine closes it (the process's composition root).
 *
 * <p>Edges know the engine is reachable when their egress subscription and ingress publication are
 * connected: Aeron's own heartbeats keep both alive, so no application heartbeat is sent.
 */
public final class EngineTransport implements AutoCloseable
{
    private final TransportConfig config;
    private final ExclusivePublication egress;
    private final Subscription ingress;
    private final EgressSink sink;
    private final AtomicLong commandsReceived = new AtomicLong();
    private final AtomicLong ingressAborts = new AtomicLong();
    private AgentRunner runner;
    private Engine engine;
    private boolean closed;

    private EngineTransport(final Aeron aeron, final TransportConfig config)
    {
        this.config = config;
        ExclusivePublication publication = null;
        Subscription subscription = null;
        try
        {
            publication = aeron.addExclusivePublication(config.egressChannel(), config.egressStreamId());
            subscription = aeron.addSubscription(config.ingressChannel(), config.ingressStreamId());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(subscription, publication);
            throw ex;
        }
        this.egress = publication;
        this.ingress = subscription;
        this.sink = new EgressSink(publication, config.egressRetry().toNanos());
    }

    /**
     * Creates the egress publication and the ingress subscription on a client of the caller's (not
     * closed by this transport). Call {@link #start(Engine)} once the engine runs with {@link #egressSink()}.
     */
    public static EngineTransport open(final Aeron aeron, final TransportConfig config)
    {
        return new EngineTransport(aeron, config);
    }

    /** The engine's sink: called on the engine's egress thread only (single writer to the publication). */
    public EventSink egressSink()
    {
        return sink;
    }

    /** Starts the ingress poller thread ({@code flashgate-ingress}); fragments go to {@code engine.offer}. */
    public synchronized void start(final Engine engine)
    {
        if (closed)
        {
            throw new IllegalStateException("closed");
        }
        if (runner != null)
        {
            throw new IllegalStateException("already started");
        }
        this.engine = engine;
        runner = new AgentRunner(config.idle().newStrategy(), Throwable::printStackTrace, (AtomicCounter)null,
            new IngressAgent(engine));
        AgentRunner.startOnThread(runner, runnable ->
        {
            final Thread thread = new Thread(runnable, "flashgate-ingress");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The engine this transport feeds (given to {@link #start}), or null before then; not owned. */
    public synchronized Engine engine()
    {
        return engine;
    }

    public TransportConfig config()
    {
        return config;
    }

    /** True while at least one edge subscribes to the egress publication. */
    public boolean isEgressConnected()
    {
        return egress.isConnected();
    }

    /** Edges currently publishing to ingress (one image per edge publication). */
    public int ingressImageCount()
    {
        return ingress.imageCount();
    }

    /** Commands handed to the engine. */
    public long commandsReceived()
    {
        return commandsReceived.get();
    }

    /** Times a fragment was ABORTed because the engine's ring was full (pushed back to the edges). */
    public long ingressAborts()
    {
        return ingressAborts.get();
    }

    /** Events dropped because the egress publication stayed back-pressured or had no subscriber. */
    public long egressDropped()
    {
        return sink.dropped.get();
    }

    /** Events published on egress. */
    public long egressPublished()
    {
        return sink.published.get();
    }

    /** Stops polling ingress, then closes the channels (not the Aeron client, which is the caller's). */
    @Override
    public void close()
    {
        final AgentRunner toStop;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            toStop = runner;
        }
        CloseHelper.quietClose(toStop);
        CloseHelper.quietCloseAll(ingress, egress);
    }

    /** Polls ingress; ABORTs a fragment the engine's ring cannot take so Aeron's flow control pushes back. */
    private final class IngressAgent implements Agent, ControlledFragmentHandler
    {
        private final Engine engine;
        private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(this);

        IngressAgent(final Engine engine)
        {
            this.engine = engine;
        }

        @Override
        public int doWork()
        {
            return ingress.controlledPoll(assembler, config.fragmentLimit());
        }

        @Override
        public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            if (engine.offer(buffer, offset, length))
            {
                commandsReceived.lazySet(commandsReceived.get() + 1);
                return Action.CONTINUE;
            }
            ingressAborts.lazySet(ingressAborts.get() + 1);
            return Action.ABORT;
        }

        @Override
        public String roleName()
        {
            return "flashgate-ingress";
        }
    }

    /** Publishes each event; a back-pressured one is retried for a bounded time, then dropped and counted. */
    private static final class EgressSink implements EventSink
    {
        private final ExclusivePublication publication;
        private final long retryNanos;
        private final IdleStrategy retryIdle = new BackoffIdleStrategy(10, 10, 1_000, 100_000);
        final AtomicLong published = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();

        EgressSink(final ExclusivePublication publication, final long retryNanos)
        {
            this.publication = publication;
            this.retryNanos = retryNanos;
        }

        @Override
        public void onEvent(final DirectBuffer buffer, final int offset, final int length)
        {
            long result = publication.offer(buffer, offset, length);
            if (result > 0)
            {
                published.lazySet(published.get() + 1);
                return;
            }
            if (isRetryable(result))
            {
                final long deadline = System.nanoTime() + retryNanos;
                retryIdle.reset();
                do
                {
                    retryIdle.idle();
                    result = publication.offer(buffer, offset, length);
                    if (result > 0)
                    {
                        published.lazySet(published.get() + 1);
                        return;
                    }
                }
                while (isRetryable(result) && System.nanoTime() - deadline < 0);
            }
            // NOT_CONNECTED (no edge listening), CLOSED, MAX_POSITION_EXCEEDED, or still back-pressured.
            dropped.lazySet(dropped.get() + 1);
        }

        private static boolean isRetryable(final long result)
        {
            return result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION;
        }
    }
}
