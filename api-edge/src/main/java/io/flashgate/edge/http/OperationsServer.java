package io.flashgate.edge.http;

import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The HTTP port of a process without an edge: an engine process and an order sink ({@code metrics.port},
 * {@code sink.metricsPort}). It serves {@code GET /metrics}, {@code /health/live} and {@code /health/ready} with the
 * edge's own handlers ({@link HealthHandlers}) and JSON answers ({@link JsonResponses}), and for an engine its
 * operator routes (docs/HTTP-API.md, "Engine process"), so every Flashgate process answers the operator's routes
 * from one set of handlers in one shape.
 *
 * <p>No token: the port is bound privately (docs/CONFIG.md). Its readers are a scraper and an operator, so its
 * Jetty pool is small (it keeps one thread when idle) and named after the process's part.
 */
public final class OperationsServer implements AutoCloseable
{
    /**
     * An engine process's operator routes. Each action answers 202 with the map it returns, or throws an
     * {@link ApiError} (409 with why it refused, 400 for bad numbers).
     */
    public interface EngineOperator
    {
        /** {@code GET /admin/engine}: the edge's view of an engine ({@link EngineStatusView}) and this process's own fields. */
        Map<String, Object> status();

        /** {@code POST /admin/promote[?force=true]}. */
        Map<String, Object> promote(boolean force);

        /** {@code POST /admin/solo}. */
        Map<String, Object> solo();

        /** {@code POST /admin/sink?committed=N&lagRecords=M}: the order sink's report of itself. */
        Map<String, Object> sinkReport(long committed, long lagRecords);
    }

    /**
     * Jetty takes its acceptors (up to 4, by the host's CPUs), a selector and a reserved thread from this pool before
     * any request runs: 16 leaves workers on any host; idle, the pool shrinks to one.
     */
    private static final int MAX_THREADS = 16;

    private final Javalin app;

    private OperationsServer(final Javalin app)
    {
        this.app = app;
    }

    /**
     * Listens on {@code host:port} (port 0: a free one).
     *
     * @param ready      whether the process can do its work now ({@code /health/ready}).
     * @param notReady   the message of the 503 while it cannot.
     * @param threadName the Jetty threads' name.
     * @param engine     an engine's operator routes, or null for a process without an engine.
     */
    public static OperationsServer start(final String host, final int port, final PrometheusRegistry registry,
        final BooleanSupplier ready, final String notReady, final String threadName, final EngineOperator engine)
    {
        final JsonResponses responses = new JsonResponses(() -> { });
        final HealthHandlers health = new HealthHandlers(ready, notReady, registry, responses);
        final QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 1, 60_000);
        threads.setName(threadName);
        threads.setDaemon(true);
        final Javalin app = Javalin.create(c ->
        {
            c.showJavalinBanner = false;
            c.http.defaultContentType = JsonResponses.JSON;
            c.http.prefer405over404 = true;
            c.jetty.threadPool = threads;
            c.jetty.modifyServer(server -> server.setErrorHandler(new JsonBadMessageHandler()));
        });
        app.before(ctx ->
        {
            if (ctx.method() == HandlerType.HEAD)
            {
                throw ApiError.notFound();
            }
        });
        app.get("/health/live", health::live);
        app.get("/health/ready", health::ready);
        app.get("/metrics", health::metrics);
        if (engine != null)
        {
            app.get("/admin/engine", ctx -> responses.json(ctx, 200, engine.status()));
            app.post("/admin/promote", ctx ->
                responses.json(ctx, 202, engine.promote("true".equals(ctx.queryParam("force")))));
            app.post("/admin/solo", ctx -> responses.json(ctx, 202, engine.solo()));
            app.post("/admin/sink", ctx -> responses.json(ctx, 202, engine.sinkReport(
                wholeNumber(ctx.queryParam("committed")), wholeNumber(ctx.queryParam("lagRecords")))));
        }
        app.exception(ApiError.class, (ex, ctx) -> responses.error(ctx, ex));
        app.exception(HttpResponseException.class, (ex, ctx) -> responses.error(ctx, ErrorAnswers.fromJavalin(ex)));
        app.exception(Exception.class, (ex, ctx) -> responses.internalError(ctx, ex));
        try
        {
            app.start(host, port);
        }
        catch (final RuntimeException ex)
        {
            app.stop();
            throw ex;
        }
        return new OperationsServer(app);
    }

    private static long wholeNumber(final String text)
    {
        try
        {
            final long value = Long.parseLong(String.valueOf(text));
            if (value >= 0)
            {
                return value;
            }
        }
        catch (final NumberFormatException ex)
        {
            // answered below
        }
        throw ApiError.badRequest("committed and lagRecords must be whole numbers >= 0");
    }

    /** The port it listens on. */
    public int port()
    {
        return app.port();
    }

    @Override
    public void close()
    {
        app.stop();
    }
}
