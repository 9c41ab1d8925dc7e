package io.flashgate.ops;

import com.sun.net.httpserver.HttpServer;
import io.flashgate.engine.pipeline.EngineStats;
import io.flashgate.engine.transport.EngineTransport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The engine's figures in Prometheus text: ring, journal, release and transport. Appended to the edge's
 * {@code /metrics} when both run in one process; served on a port of its own by {@code ops/flashgate engine}.
 */
final class EngineMetrics implements AutoCloseable
{
    private final EngineTransport transport;
    private HttpServer server;

    EngineMetrics(final EngineTransport transport)
    {
        this.transport = transport;
    }

    String render()
    {
        final EngineStats stats = transport.engine().stats();
        final StringBuilder out = new StringBuilder(1024);
        gauge(out, "flashgate_engine_ring_size", "Slots in the engine's input ring.", stats.ringSize());
        gauge(out, "flashgate_engine_ring_remaining", "Free ring slots; 0 means commands are refused.",
            stats.ringRemaining());
        counter(out, "flashgate_engine_ring_refused_total", "Commands refused because the ring was full.",
            stats.refusedOffers());
        gauge(out, "flashgate_engine_published_sequence", "Last command sequence taken into the ring.",
            stats.publishedSequence());
        gauge(out, "flashgate_journal_durable_sequence", "Last command sequence written to the journal.",
            stats.durableSequence());
        counter(out, "flashgate_journal_batches_total", "Group commits (one write, and fsync if configured, each).",
            stats.journalBatches());
        gauge(out, "flashgate_engine_released_sequence", "Last command sequence whose results were released.",
            stats.releasedSequence());
        gauge(out, "flashgate_engine_recovered_sequence", "Sequence recovery reached at start.",
            stats.recoveredSequence());
        counter(out, "flashgate_transport_commands_received_total", "Commands taken from Aeron ingress.",
            transport.commandsReceived());
        counter(out, "flashgate_transport_ingress_aborts_total", "Ingress fragments pushed back (ring full).",
            transport.ingressAborts());
        counter(out, "flashgate_transport_events_published_total", "Events published on Aeron egress.",
            transport.egressPublished());
        counter(out, "flashgate_transport_events_dropped_total", "Events dropped (no edge, or egress back-pressured).",
            transport.egressDropped());
        return out.toString();
    }

    /** Serves {@code GET /metrics} on {@code host:port} (port 0: a free one) from a single small thread. */
    EngineMetrics serve(final String host, final int port) throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", exchange ->
        {
            final byte[] body = render().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream stream = exchange.getResponseBody())
            {
                stream.write(body);
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r ->
        {
            final Thread thread = new Thread(r, "flashgate-engine-metrics");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return this;
    }

    int port()
    {
        return server == null ? -1 : server.getAddress().getPort();
    }

    private static void gauge(final StringBuilder out, final String name, final String help, final long value)
    {
        metric(out, name, "gauge", help, value);
    }

    private static void counter(final StringBuilder out, final String name, final String help, final long value)
    {
        metric(out, name, "counter", help, value);
    }

    private static void metric(
        final StringBuilder out, final String name, final String type, final String help, final long value)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(' ').append(type).append('\n')
            .append(name).append(' ').append(value).append('\n');
    }

    @Override
    public void close()
    {
        if (server != null)
        {
            server.stop(0);
            ((java.util.concurrent.ExecutorService)server.getExecutor()).shutdownNow();
        }
    }
}
