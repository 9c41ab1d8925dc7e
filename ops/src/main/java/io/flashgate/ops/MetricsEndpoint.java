package io.flashgate.ops;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} for a process without an edge (the engine alone): the process's registry in the Prometheus
 * text format, from the JDK's HTTP server on one small thread.
 */
final class MetricsEndpoint implements AutoCloseable
{
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(final HttpServer server, final ExecutorService executor)
    {
        this.server = server;
        this.executor = executor;
    }

    /** Serves {@code registry} on {@code host:port} (port 0: a free one). */
    static MetricsEndpoint serve(final PrometheusRegistry registry, final String host, final int port) throws IOException
    {
        final HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", exchange ->
        {
            final ByteArrayOutputStream text = new ByteArrayOutputStream(2048);
            WRITER.write(text, registry.scrape());
            final byte[] body = text.toByteArray();
            exchange.getResponseHeaders().add("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream stream = exchange.getResponseBody())
            {
                stream.write(body);
            }
        });
        final ExecutorService executor = Executors.newSingleThreadExecutor(r ->
        {
            final Thread thread = new Thread(r, "flashgate-engine-metrics");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new MetricsEndpoint(server, executor);
    }

    int port()
    {
        return server.getAddress().getPort();
    }

    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
    }
}
