package io.flashgate.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /metrics} for a process without an edge (the engine alone): the process's registry in the Prometheus
 * text format, from the JDK's HTTP server on one small thread. Also {@code GET /health/live} (200 while the process
 * answers) and {@code GET /health/ready} (200 while {@code ready} says so, else 503), with the edge's bodies
 * (docs/HTTP-API.md, "Operations").
 */
final class MetricsEndpoint implements AutoCloseable
{
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private static final byte[] LIVE = "{\"status\":\"LIVE\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] READY = "{\"status\":\"READY\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_READY =
        "{\"error\":\"NOT_READY\",\"message\":\"engine not ready\"}".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(final HttpServer server, final ExecutorService executor)
    {
        this.server = server;
        this.executor = executor;
    }

    /** Serves {@code registry} and the health checks on {@code host:port} (port 0: a free one). */
    static MetricsEndpoint serve(final PrometheusRegistry registry, final String host, final int port,
        final BooleanSupplier ready) throws IOException
    {
        return serve(registry, host, port, ready, "flashgate-engine-metrics", null);
    }

    /**
     * As above, its one thread named {@code threadName}, with an engine's operator routes ({@link EngineAdmin}) when
     * {@code admin} is not null.
     */
    static MetricsEndpoint serve(final PrometheusRegistry registry, final String host, final int port,
        final BooleanSupplier ready, final String threadName, final EngineAdmin admin) throws IOException
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
        server.createContext("/health/live", exchange -> answer(exchange, 200, LIVE));
        server.createContext("/health/ready", exchange ->
        {
            final boolean isReady = ready.getAsBoolean();
            answer(exchange, isReady ? 200 : 503, isReady ? READY : NOT_READY);
        });
        if (admin != null)
        {
            server.createContext("/admin/engine", exchange ->
                answer(exchange, 200, admin.status().getBytes(StandardCharsets.UTF_8)));
            server.createContext("/admin/promote", exchange -> operatorAction(exchange,
                () -> admin.promote(String.valueOf(exchange.getRequestURI().getQuery()).contains("force=true"))));
            server.createContext("/admin/solo", exchange -> operatorAction(exchange, admin::solo));
            // The order sink's report of itself (ops/flashgate sink --report-to): shown in GET /admin/engine.
            server.createContext("/admin/sink", exchange -> operatorAction(exchange, () ->
                SinkReportRoute.take(admin.engine(), exchange.getRequestURI().getQuery())));
        }
        final ExecutorService executor = Executors.newSingleThreadExecutor(r ->
        {
            final Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new MetricsEndpoint(server, executor);
    }

    private static void operatorAction(final HttpExchange exchange,
        final java.util.function.Supplier<EngineAdmin.Answer> action) throws IOException
    {
        if (!"POST".equals(exchange.getRequestMethod()))
        {
            answer(exchange, 405, "{\"error\":\"METHOD_NOT_ALLOWED\",\"message\":\"use POST\"}"
                .getBytes(StandardCharsets.US_ASCII));
            return;
        }
        final EngineAdmin.Answer answer = action.get();
        answer(exchange, answer.status(), answer.json().getBytes(StandardCharsets.UTF_8));
    }

    private static void answer(final HttpExchange exchange, final int status, final byte[] body) throws IOException
    {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (status == 503)
        {
            exchange.getResponseHeaders().add("Retry-After", "1");
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream stream = exchange.getResponseBody())
        {
            stream.write(body);
        }
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
