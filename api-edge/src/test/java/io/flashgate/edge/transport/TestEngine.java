package io.flashgate.edge.transport;

import io.aeron.Aeron;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.EngineTransport;
import io.flashgate.engine.transport.TransportConfig;
import org.agrona.CloseHelper;

import java.io.IOException;

/**
 * An engine behind its Aeron transport for the edge's tests, wired as the launcher wires one: a client of the
 * driver, the transport's channels, the engine started on the transport's egress sink, then ingress polling.
 * Closed in reverse order.
 */
public final class TestEngine implements AutoCloseable
{
    private final Aeron aeron;
    private final EngineTransport transport;
    private final Engine engine;

    private TestEngine(final Aeron aeron, final EngineTransport transport, final Engine engine)
    {
        this.aeron = aeron;
        this.transport = transport;
        this.engine = engine;
    }

    public static TestEngine start(final TransportConfig channels, final EngineConfig config) throws IOException
    {
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(channels.aeronDirectory()));
        EngineTransport transport = null;
        Engine engine = null;
        try
        {
            transport = EngineTransport.open(aeron, channels);
            engine = Engine.start(config, transport.egressSink());
            transport.start(engine);
            return new TestEngine(aeron, transport, engine);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(engine, transport, aeron);
            throw ex;
        }
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
