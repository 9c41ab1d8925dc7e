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
    private final Aeron ownedAeron;
    private final EngineTransport transport;
    private final Engine engine;

    private AeronEngine(final Aeron ownedAeron, final EngineTransport transport, final Engine engine)
    {
        this.ownedAeron = ownedAeron;
        this.transport = transport;
        this.engine = engine;
    }

    /** With an Aeron client of its own, connected to the driver of {@code channels}, closed with it. */
    public static AeronEngine start(final TransportConfig channels, final EngineConfig config) throws IOException
    {
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(channels.aeronDirectory()));
        try
        {
            return start(aeron, aeron, channels, config);
        }
        catch (final IOException | RuntimeException ex)
        {
            aeron.close();
            throw ex;
        }
    }

    /**
     * On the process's shared Aeron client (one client conductor thread per process, not one per part); the caller
     * closes the client after this.
     */
    public static AeronEngine start(final Aeron sharedAeron, final TransportConfig channels, final EngineConfig config)
        throws IOException
    {
        return start(sharedAeron, null, channels, config);
    }

    private static AeronEngine start(final Aeron aeron, final Aeron ownedAeron, final TransportConfig channels,
        final EngineConfig config) throws IOException
    {
        EngineTransport transport = null;
        Engine engine = null;
        try
        {
            transport = EngineTransport.open(aeron, channels);
            engine = Engine.start(config, transport.egressSink(), transport.egressHost());
            transport.start(engine);
            return new AeronEngine(ownedAeron, transport, engine);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(engine, transport);
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
        CloseHelper.closeAll(engine, transport, ownedAeron);
    }
}
