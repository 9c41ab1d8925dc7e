package io.flashgate.engine.transport;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.flashgate.client.aeron.DutyCycle;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.pipeline.Engine;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The engine's side of Aeron:
 *
 * <pre>
 *  edges ──► ingress subscription ──({@link IngressPoller})──► engine.offerAll()
 *  engine egress (agent) ──► {@link #egressSink()} ({@link EgressPublisher}) ──► ONE egress publication ──► every edge
 * </pre>
 *
 * <p>Every message either way is a batch of commands or events ({@code io.flashgate.protocol.BatchWriter}
 * framing): the egress sends the replies of one ring batch as one message, a gateway the commands of one send.
 *
 * <p>Back-pressure is never hidden: when {@link Engine#offerAll} returns false (ring full) the fragment is
 * ABORTed, so the image does not advance, the receiver window closes and the edges' publications see
 * {@code BACK_PRESSURED}, which they answer as 503.
 *
 * <p>The engine takes its sink at start, so wiring goes: {@link #open} (creates the egress
 * publication and the ingress subscription), {@code Engine.start(config, transport.egressSink())},
 * then {@link #start(Engine)} (begins polling ingress). The transport carries messages and does not own
 * the engine: whoever started the engine closes it (the process's composition root).
 *
 * <p>On a client whose conductor runs on a {@link DutyCycle} (the launcher's processes: one thread runs the media
 * driver, the client conductor and the pollers), the ingress poller is one more agent of that thread, and so is
 * over UDP the engine's egress ({@link #egressHost()}): a command goes from the socket into the ring, and its
 * result from the ring onto the egress publication and the socket, on that one thread, which the pipeline's last
 * stage to pass a command signals. On a client with its own conductor thread, the ingress poller gets a thread of its own
 * ({@code flashgate-ingress}), and the egress offers from its own.
 *
 * <p>Edges know the engine is reachable when their egress subscription and ingress publication are
 * connected: Aeron's own heartbeats keep both alive, so no application heartbeat is sent.
 */
public final class EngineTransport implements AutoCloseable
{
    private final TransportConfig config;
    private final DutyCycle dutyCycle;
    private final Publication egress;
    private final Subscription ingress;
    private final EgressPublisher sink;
    private IngressPoller poller;
    private AgentRunner runner;
    private Engine engine;
    private boolean closed;

    private EngineTransport(final Aeron aeron, final TransportConfig config)
    {
        this.config = config;
        this.dutyCycle = DutyCycle.of(aeron);
        Publication publication = null;
        Subscription subscription = null;
        try
        {
            // Concurrent: the egress thread releases results, and the ingress thread answers at once what it refuses.
            publication = aeron.addPublication(config.egressChannel(), config.egressStreamId());
            subscription = aeron.addSubscription(config.ingressChannel(), config.ingressStreamId());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(subscription, publication);
            throw ex;
        }
        this.egress = publication;
        this.ingress = subscription;
        this.sink = new EgressPublisher(publication, config.egressRetry().toNanos(), dutyCycle);
    }

    /**
     * Creates the egress publication and the ingress subscription on a client of the caller's (not
     * closed by this transport). Call {@link #start(Engine)} once the engine runs with {@link #egressSink()}.
     */
    public static EngineTransport open(final Aeron aeron, final TransportConfig config)
    {
        return new EngineTransport(aeron, config);
    }

    /** The engine's sink: called by the engine's egress only (single writer to the publication). */
    public EventSink egressSink()
    {
        return sink;
    }

    /**
     * The duty cycle that runs this client's driver and pollers, to run the engine's stages too (the egress, a pair's
     * replicator, and under engine.stageLayout AERON_THREAD the journaller and the logic:
     * {@code Engine.start(config, egressSink(), egressHost())}); null when the client has a conductor thread. Over IPC
     * ({@code run}) the same thread also reads every result and completes its HTTP answer: the egress alone on it cost
     * `bench http` throughput, but the whole pipeline on it saves every hand-off between a command and its answer
     * (docs/PERFORMANCE.md, "The whole pipeline on the Aeron thread").
     */
    public DutyCycle egressHost()
    {
        return dutyCycle;
    }

    /**
     * Starts polling ingress: as an agent of the client's duty cycle, or on a thread of its own
     * ({@code flashgate-ingress}); fragments go to {@code engine.offer}.
     */
    public synchronized void start(final Engine engine)
    {
        if (closed)
        {
            throw new IllegalStateException("closed");
        }
        if (runner != null || poller != null)
        {
            throw new IllegalStateException("already started");
        }
        this.engine = engine;
        poller = new IngressPoller(ingress, engine, config.fragmentLimit(), new FaultAnswers(engine, sink),
            new RefusalAnswers(engine, new EgressPublisher(egress, config.egressRetry().toNanos(), dutyCycle)));
        if (dutyCycle != null)
        {
            dutyCycle.addInbound(poller); // before the engine's stages: a command passes them in the cycle it arrives
            return;
        }
        runner = new AgentRunner(config.idle().newStrategy(), Throwable::printStackTrace, (AtomicCounter)null, poller);
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
    public synchronized long commandsReceived()
    {
        return poller == null ? 0 : poller.received.get();
    }

    /** Messages taken from ingress (each carries one or more commands). */
    public synchronized long ingressMessages()
    {
        return poller == null ? 0 : poller.messages.get();
    }

    /** Times a message was ABORTed because the engine's ring was full (pushed back to the edges). */
    public synchronized long ingressAborts()
    {
        return poller == null ? 0 : poller.aborts.get();
    }

    /** Ingress messages dropped whole because they were torn or held more commands than the ring has slots. */
    public synchronized long ingressMalformed()
    {
        return poller == null ? 0 : poller.malformed.get();
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

    /** Messages published on egress (each carries the events of one ring batch, or as many as fit one MTU). */
    public long egressMessages()
    {
        return sink.messages.get();
    }

    /** Stops polling ingress, then closes the channels (not the Aeron client, which is the caller's). */
    @Override
    public void close()
    {
        final AgentRunner toStop;
        final IngressPoller started;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            toStop = runner;
            started = poller;
        }
        if (toStop != null)
        {
            CloseHelper.quietClose(toStop);
        }
        else if (started != null)
        {
            dutyCycle.remove(started);
        }
        CloseHelper.quietCloseAll(ingress, egress);
    }
}
