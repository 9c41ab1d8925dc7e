package io.flashgate.engine.transport;

import io.aeron.Aeron;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import org.agrona.CloseHelper;

import java.io.IOException;

/**
 * An engine behind its Aeron transport, wired the one way it is wired everywhere (the launcher's composition roots,
 * the load generator, the edge's tests): a client of the media driver, the transport's channels, the engine started
 * on the transport's egress sink, then ingress polling. Closed in reverse order, so the engine drains into channels
 * that are still open. The transport carries messages; this class, not the transport, owns the engine.
 */
public final class AeronEngine implements AutoCloseable
{
    private final Aeron aeron;
    private final EngineTransport transport;
    private final Engine engine;

    private AeronEngine(final Aeron aeron, final EngineTransport transport, final Engine engine)
    {
        this.aeron = aeron;
        this.transport = transport;
        this.engine = engine;
    }

    public static AeronEngine start(final TransportConfig channels, final EngineConfig config) throws IOException
    {
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(channels.aeronDirectory()));
        EngineTransport transport = null;
        Engine engine = null;
        try
        {
            transport = EngineTransport.open(aeron, channels);
            engine = Engine.start(config, transport.egressSink());
            transport.start(engine);
            return new AeronEngine(aeron, transport, engine);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(engine, transport, aeron);
            throw ex;
        }
    }

    public Engine engine()
    {
        return engine;
    }

    public EngineTransport transport()
    {
        return transport;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(engine, transport, aeron);
    }
}
