package io.flashgate.engine.api;

import io.flashgate.client.CommandChannel;
import io.flashgate.client.CommandSender;
import io.flashgate.client.EngineGateway;
import io.flashgate.client.OverloadedException;
import io.flashgate.client.PendingCommands;
import io.flashgate.client.ReplyRouter;
import io.flashgate.client.ResultUnknownException;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reply;
import org.agrona.DirectBuffer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link EngineGateway} in the engine's own JVM: commands go straight into the engine's ring, replies come
 * from its egress. Encoding and correlation are {@link CommandSender}'s, shared with the Aeron gateway. Give
 * {@link #eventSink()} to {@code Engine.start}, then {@link #attach} the engine. A full ring completes the
 * future at once with {@link OverloadedException}: back-pressure is never hidden. The engine answers every
 * command it takes, so there is no reply timeout; {@link #close} completes what still waits with
 * {@link ResultUnknownException}.
 *
 * <p>Futures complete on the engine's egress thread: keep callbacks short or hop to another executor.
 */
public final class EngineClient extends CommandSender implements EventSink
{
    private final RingChannel ring;

    public EngineClient(final int sourceId)
    {
        this(sourceId, new RingChannel(), new PendingCommands(null));
    }

    private EngineClient(final int sourceId, final RingChannel ring, final PendingCommands pending)
    {
        super(sourceId, ring, pending, new ReplyRouter(sourceId, pending, correlationId -> false), new AtomicLong());
        this.ring = ring;
    }

    /** The engine's sink: every released event goes through here to its waiting command or listener. */
    public EventSink eventSink()
    {
        return this;
    }

    public void attach(final Engine engine)
    {
        ring.engine = engine;
    }

    public CompletableFuture<Reply> expireReservations()
    {
        return submitControl(MessageTypes.EXPIRE_RESERVATIONS);
    }

    public CompletableFuture<Reply> snapshot()
    {
        return submitControl(MessageTypes.SNAPSHOT);
    }

    @Override
    public boolean isEngineReachable()
    {
        final Engine engine = ring.engine;
        return engine != null && engine.isRunning() && engine.fault() == null;
    }

    /** Egress thread: route each event to the future waiting for it, or to the listeners. */
    @Override
    public void onEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        router().onEvent(buffer, offset, length);
    }

    /** Does not close the engine (the caller owns it); commands still waiting get ResultUnknownException. */
    @Override
    public void close()
    {
        ring.closed = true;
        pending().failAll();
    }

    /** Offers into the engine's ring; refused while no engine is attached, after close, or when the ring is full. */
    private static final class RingChannel implements CommandChannel
    {
        private static final OverloadedException RING_FULL =
            new OverloadedException("engine overloaded: input ring full");
        private static final OverloadedException NOT_ATTACHED = new OverloadedException("no engine attached");
        private static final OverloadedException CLOSED = new OverloadedException("client closed");
        private static final OverloadedException FAULTED =
            new OverloadedException("engine stopped after a journal fault");

        volatile Engine engine;
        volatile boolean closed;

        @Override
        public OverloadedException offer(final long correlationId, final DirectBuffer buffer, final int offset,
            final int length)
        {
            final Engine target = engine;
            if (closed)
            {
                return CLOSED;
            }
            if (target == null)
            {
                return NOT_ATTACHED;
            }
            if (target.offer(buffer, offset, length))
            {
                return null;
            }
            return target.fault() != null ? FAULTED : RING_FULL;
        }
    }
}
