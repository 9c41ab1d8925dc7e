package io.flashgate.edge.http;

import com.fasterxml.jackson.core.JacksonException;
import io.flashgate.edge.EdgeConfig;
import io.flashgate.client.EngineGateway;
import io.flashgate.protocol.Reply;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The HTTP edge: every route of {@code docs/HTTP-API.md} on Javalin, in front of an {@link EngineGateway}. This
 * class starts and stops it and holds the route table; each job is a class of its own: {@link BodyLimit} and
 * {@link Admission} (protections), {@link RequestInput} (validation), {@link EngineCalls} (commands, timeouts),
 * {@link JsonViews} and {@link JsonResponses} (answers), {@link ErrorAnswers} (error mapping), {@link Pages} (the
 * shopper page and the operator console).
 *
 * <p>Each request passes, in this order: body size (413), auth (401/403), validation (400), blocklist (403),
 * per-user and per-IP token buckets (429), the sale-status cache (409 answered at the edge), one purchase in flight
 * per user (429), the global in-flight bound (503), and only then the engine. The public sale status skips auth and
 * the user's checks: only its IP is looked at.
 */
public final class EdgeServer implements AutoCloseable
{
    private final Tokens tokens;
    private final EdgeMetrics metrics;
    private final JsonResponses responses;
    private final EngineCalls engineCalls;
    private final Pages pages;
    private final Javalin app;

    private EdgeServer(final EdgeConfig config, final EngineGateway gateway, final PrometheusRegistry registry)
    {
        this.tokens = new Tokens(config.tokenSecret());
        this.metrics = new EdgeMetrics(registry);
        this.responses = new JsonResponses(metrics::internalError);
        final SaleStatusCache cache = new SaleStatusCache();
        final KnownBuyers knownBuyers = new KnownBuyers();
        final Admission admission = new Admission(config, tokens);
        this.engineCalls = new EngineCalls(config.replyTimeout(), new InFlightBound(config.maxInFlight()), cache,
            metrics, responses);
        // a failover: the caches belong to the old engine's history (docs/ARCHITECTURE.md, "Hot standby and failover")
        gateway.onEngineSwitch(() ->
        {
            cache.clear();
            knownBuyers.forgetAll();
            metrics.engineSwitch();
        });
        gateway.onOrderAccepted(knownBuyers::onOrderAccepted);
        gateway.onBroadcast(reply ->
        {
            if (reply instanceof Reply.Sale sale)
            {
                cache.update(sale);
            }
        });
        final SaleTraffic traffic = new SaleTraffic(saleId -> cache.get(saleId) != null);
        final ShopperHandlers shopper = new ShopperHandlers(gateway, admission, new PurchasesInFlight(),
            new RefusalsAtEdge(cache, knownBuyers), cache, engineCalls, responses, metrics, traffic);
        final AdminHandlers operator = new AdminHandlers(gateway, admission, engineCalls, responses, shopper,
            cache, traffic, config.accountsPerAddress());
        final DrawHandlers draws = new DrawHandlers(gateway, admission, cache, engineCalls, responses);
        this.pages = Pages.load();
        final HealthHandlers operations = new HealthHandlers(reachable(gateway), "engine not reachable", registry, responses);
        this.app = Javalin.create(c ->
        {
            c.showJavalinBanner = false;
            c.http.maxRequestSize = config.maxBodyBytes();
            c.http.defaultContentType = JsonResponses.JSON;
            c.jetty.modifyServer(server -> server.setErrorHandler(new JsonBadMessageHandler()));
            // Jetty caches header fields per connection; bearer tokens and Idempotency-Keys differ on every request,
            // so the cache would only fill and be wiped over and over (its cost: docs/PERFORMANCE.md).
            c.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheSize(0));
            c.requestLogger.http((ctx, ms) -> metrics.request(routeOf(ctx), ctx.method(), ctx.statusCode()));
        });
        routes(new BodyLimit(config.maxBodyBytes()), gateway, shopper, operator, operations);
        drawRoutes(draws);
    }

    /** Builds the edge with a registry of its own and starts listening on {@code config.host():config.port()}. */
    public static EdgeServer start(final EdgeConfig config, final EngineGateway gateway)
    {
        return start(config, gateway, new PrometheusRegistry());
    }

    /**
     * Builds the edge, registers its metrics on {@code registry} (the process's one registry: {@code GET /metrics}
     * serves all of it) and starts listening on {@code config.host():config.port()} (port 0: a free port).
     */
    public static EdgeServer start(final EdgeConfig config, final EngineGateway gateway, final PrometheusRegistry registry)
    {
        final EdgeServer server = new EdgeServer(config, gateway, registry);
        try
        {
            server.app.start(config.host(), config.port());
        }
        catch (final RuntimeException ex)
        {
            server.close();
            throw ex;
        }
        return server;
    }

    /** The port actually bound. */
    public int port()
    {
        return app.port();
    }

    /** Mints and verifies tokens with this edge's secret. */
    public Tokens tokens()
    {
        return tokens;
    }

    /** The registry {@code GET /metrics} serves. */
    public PrometheusRegistry metricsRegistry()
    {
        return metrics.registry();
    }

    /** Requests answered 500 by the catch-all: a bug if ever above 0. */
    public long internalErrors()
    {
        return metrics.internalErrors();
    }

    /** Stops the HTTP server and the deadline sweeper; the gateway belongs to the caller. */
    @Override
    public void close()
    {
        try
        {
            app.stop();
        }
        finally
        {
            engineCalls.close();
        }
    }

    /** Draw mode's routes (docs/HTTP-API.md, "Draw mode"). */
    private void drawRoutes(final DrawHandlers draws)
    {
        app.post("/api/sales/{saleId}/entries", draws::enter);
        app.get("/api/sales/{saleId}/entries/me", draws::myEntry);
        app.delete("/api/sales/{saleId}/entries/me", draws::withdraw);
        app.get("/api/sales/{saleId}/draw", draws::publicDraw);
        app.post("/admin/sales/{saleId}/draw", draws::draw);
    }

    private void routes(final BodyLimit bodyLimit, final EngineGateway gateway, final ShopperHandlers shopper,
        final AdminHandlers operator, final HealthHandlers operations)
    {
        // Javalin would answer HEAD on any GET route 200 without running it (so without auth): no such route here.
        app.before(ctx ->
        {
            if (ctx.method() == HandlerType.HEAD)
            {
                throw ApiError.notFound();
            }
        });
        app.before(bodyLimit::check);

        app.get("/api/sales/{saleId}", shopper::getSale);
        app.post("/api/sales/{saleId}/purchases", shopper::purchase);
        app.get("/api/orders/{orderId}", shopper::getOrder);
        app.post("/api/orders/{orderId}/cancel", shopper::cancelOrder);

        app.post("/admin/sales", operator::createSale);
        app.get("/admin/sales", operator::listSales);
        app.post("/admin/sales/{saleId}/stock", operator::adjustStock);
        app.post("/admin/sales/{saleId}/pause", ctx -> operator.saleCommand(ctx, gateway::pause));
        app.post("/admin/sales/{saleId}/resume", ctx -> operator.saleCommand(ctx, gateway::resume));
        app.post("/admin/sales/{saleId}/end", ctx -> operator.saleCommand(ctx, gateway::end));
        app.get("/admin/sales/{saleId}/stats", ctx -> operator.saleCommand(ctx, gateway::querySale));
        app.get("/admin/sales/{saleId}/traffic", operator::traffic);
        app.post("/admin/orders/{orderId}/confirm", operator::confirmOrder);
        app.post("/admin/blocklist", operator::blocklist);
        app.get("/admin/engine", operator::engineStatus);

        app.get("/health/live", operations::live);
        app.get("/health/ready", operations::ready);
        app.get("/metrics", operations::metrics);

        app.get("/", ctx -> pages.serve(ctx, Pages.SHOPPER));
        app.get("/console", ctx -> pages.serve(ctx, Pages.CONSOLE));
        app.get("/pages/{file}", ctx -> pages.serve(ctx, ctx.pathParam("file")));

        app.exception(ApiError.class, (ex, ctx) -> responses.error(ctx, ex));
        app.exception(HttpResponseException.class, (ex, ctx) -> responses.error(ctx, ErrorAnswers.fromJavalin(ex)));
        app.exception(JacksonException.class, (ex, ctx) -> responses.error(ctx, ApiError.badRequest("malformed JSON")));
        app.exception(Exception.class, (ex, ctx) -> responses.internalError(ctx, ex));
    }

    /** Ready while the engine answers; a gateway that fails to say counts as not. */
    private static java.util.function.BooleanSupplier reachable(final EngineGateway gateway)
    {
        return () ->
        {
            try
            {
                return gateway.isEngineReachable();
            }
            catch (final RuntimeException ex)
            {
                return false;
            }
        };
    }

    private static String routeOf(final Context ctx)
    {
        try
        {
            final String path = ctx.endpointHandlerPath();
            return path == null || path.isEmpty() || "*".equals(path) ? "unmatched" : path;
        }
        catch (final RuntimeException ex)
        {
            return "unmatched";
        }
    }
}
