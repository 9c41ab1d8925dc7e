package io.flashgate.edge.http;

import io.flashgate.client.ResultUnknownException;
import io.flashgate.client.OverloadedException;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flashgate.edge.EdgeConfig;
import io.flashgate.client.EngineGateway;
import io.flashgate.protocol.Ids;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The HTTP edge: every route of HTTP-API.md on Javalin, in front of an {@link EngineGateway}.
 *
 * <p>Each request passes, in this order: body size (413), auth (401/403), validation (400), blocklist
 * (403), per-user and per-IP token buckets (429), the sale-status cache (409 answered at the edge),
 * one purchase in flight per user (429), the global in-flight bound (503), and only then the engine.
 * No request thread waits on the engine: replies complete the request through {@code ctx.future}
 * on a small reply executor, never on the gateway's own thread.
 */
public final class EdgeServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final int MAX_RECENT_KEYS = 500_000;
    /** Request attribute: the body as read (bounded) by {@link #checkBodySize}. */
    private static final String BODY = "flashgate.body";

    private final EdgeConfig config;
    private final EngineGateway gateway;
    private final Tokens tokens;
    private final ObjectMapper mapper = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private final SaleStatusCache cache = new SaleStatusCache();
    private final KnownBuyers knownBuyers = new KnownBuyers();
    private final EdgeMetrics metrics = new EdgeMetrics();
    private final TokenBuckets userBuckets;
    private final TokenBuckets ipBuckets;
    private final Set<String> blockedUsers = ConcurrentHashMap.newKeySet();
    private final Set<String> blockedIps = ConcurrentHashMap.newKeySet();
    private final Set<String> purchasesInFlight = ConcurrentHashMap.newKeySet();
    /** user + ' ' + Idempotency-Key sent to the engine from here: a retry must reach it, not the cache. */
    private final Set<String> recentKeys = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ExecutorService replyExecutor;
    private final Javalin app;
    /** Prometheus lines of the process around the edge (the engine's ring and journal when it runs here). */
    private volatile Supplier<String> processMetrics = () -> "";

    private EdgeServer(final EdgeConfig config, final EngineGateway gateway)
    {
        this.config = config;
        this.gateway = gateway;
        this.tokens = new Tokens(config.tokenSecret());
        this.userBuckets = new TokenBuckets(config.userRatePerSecond(), config.userBurst());
        this.ipBuckets = new TokenBuckets(config.ipRatePerSecond(), config.ipBurst());
        final AtomicInteger threadIds = new AtomicInteger();
        this.replyExecutor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r ->
        {
            final Thread t = new Thread(r, "edge-reply-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        gateway.onOrderAccepted(knownBuyers::onOrderAccepted);
        gateway.onBroadcast(reply ->
        {
            if (reply instanceof Reply.Sale sale)
            {
                cache.update(sale);
            }
        });
        this.app = Javalin.create(c ->
        {
            c.showJavalinBanner = false;
            c.http.maxRequestSize = config.maxBodyBytes();
            c.http.defaultContentType = JSON;
            // Requests Jetty refuses before Javalin sees them (bad escapes, bad Content-Length, huge headers) get
            // the contract's JSON error body too, not Jetty's HTML page.
            c.jetty.modifyServer(server -> server.setErrorHandler(new JsonBadMessageHandler()));
            // Jetty caches header fields per connection; bearer tokens and Idempotency-Keys differ on every request,
            // so the cache only filled and was wiped over and over (JFR: ~15 % of the server's samples).
            c.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheSize(0));
            c.requestLogger.http((ctx, ms) -> metrics.request(routeOf(ctx), ctx.method().name(), ctx.statusCode()));
        });
        routes();
    }

    /** Builds the edge and starts listening on {@code config.host():config.port()} (port 0: a free port). */
    public static EdgeServer start(final EdgeConfig config, final EngineGateway gateway)
    {
        final EdgeServer server = new EdgeServer(config, gateway);
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

    /** Adds the process's own figures (e.g. the engine's ring and journal) to {@code GET /metrics}. */
    public EdgeServer withProcessMetrics(final Supplier<String> lines)
    {
        processMetrics = lines;
        return this;
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

    /** Requests answered 500 by the catch-all: a bug if ever above 0. */
    public long internalErrors()
    {
        return metrics.internalErrors();
    }

    /** Stops the HTTP server and the reply executor; the gateway belongs to the caller. */
    @Override
    public void close()
    {
        try
        {
            app.stop();
        }
        finally
        {
            replyExecutor.shutdown();
            try
            {
                replyExecutor.awaitTermination(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- wiring

    private void routes()
    {
        // Javalin would answer HEAD on any GET route 200 without running it (so without auth): no such route here.
        app.before(ctx ->
        {
            if (ctx.method() == HandlerType.HEAD)
            {
                throw new ApiError(404, "NOT_FOUND", "no such route");
            }
        });
        app.before(this::checkBodySize);

        app.get("/api/sales/{saleId}", this::getSale);
        app.post("/api/sales/{saleId}/purchases", this::purchase);
        app.get("/api/orders/{orderId}", this::getOrder);
        app.post("/api/orders/{orderId}/cancel", this::cancelOrder);

        app.post("/admin/sales", this::createSale);
        app.post("/admin/sales/{saleId}/stock", this::adjustStock);
        app.post("/admin/sales/{saleId}/pause", ctx -> saleCommand(ctx, gateway::pause));
        app.post("/admin/sales/{saleId}/resume", ctx -> saleCommand(ctx, gateway::resume));
        app.post("/admin/sales/{saleId}/end", ctx -> saleCommand(ctx, gateway::end));
        app.get("/admin/sales/{saleId}/stats", ctx -> saleCommand(ctx, gateway::querySale));
        app.post("/admin/orders/{orderId}/confirm", this::confirmOrder);
        app.post("/admin/blocklist", this::blocklist);

        app.get("/health/live", ctx -> writeJson(ctx, 200, Map.of("status", "LIVE")));
        app.get("/health/ready", this::ready);
        app.get("/metrics", ctx -> ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8")
            .result(metrics.render() + processMetrics.get()));

        app.exception(ApiError.class, (ex, ctx) -> writeError(ctx, ex));
        app.exception(HttpResponseException.class, (ex, ctx) -> writeError(ctx, fromJavalin(ex)));
        app.exception(JacksonException.class, (ex, ctx) -> writeError(ctx, ApiError.badRequest("malformed JSON")));
        app.exception(Exception.class, (ex, ctx) -> internalError(ctx, ex));
    }

    private static ApiError fromJavalin(final HttpResponseException ex)
    {
        return switch (ex.getStatus())
        {
            case 404 -> new ApiError(404, "NOT_FOUND", "no such route");
            case 405 -> new ApiError(405, "METHOD_NOT_ALLOWED", "method not allowed");
            case 413 -> new ApiError(413, "PAYLOAD_TOO_LARGE", "body too large");
            case 400 -> ApiError.badRequest("bad request");
            default -> new ApiError(ex.getStatus(), "HTTP_" + ex.getStatus(), String.valueOf(ex.getMessage()));
        };
    }

    /** Jetty's answer to a request it cannot parse, with the contract's {@code {"error","message"}} body. */
    private static final class JsonBadMessageHandler extends ErrorHandler
    {
        private static final ObjectMapper BODY_WRITER = new ObjectMapper();

        @Override
        public ByteBuffer badMessageError(final int status, final String reason, final HttpFields.Mutable fields)
        {
            final String code = switch (status)
            {
                case 400 -> "BAD_REQUEST";
                case 413 -> "PAYLOAD_TOO_LARGE";
                case 414 -> "URI_TOO_LONG";
                case 431 -> "HEADERS_TOO_LARGE";
                default -> "HTTP_" + status;
            };
            final Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", code);
            body.put("message", reason == null ? "bad request" : reason);
            fields.put(HttpHeader.CONTENT_TYPE, JSON);
            try
            {
                return ByteBuffer.wrap(BODY_WRITER.writeValueAsBytes(body));
            }
            catch (final JsonProcessingException ex)
            {
                return ByteBuffer.wrap(("{\"error\":\"" + code + "\",\"message\":\"bad request\"}")
                    .getBytes(StandardCharsets.UTF_8));
            }
        }
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

    // ---------------------------------------------------------------------------------------------- protection

    private void checkBodySize(final Context ctx)
    {
        final HandlerType method = ctx.method();
        if (method != HandlerType.POST && method != HandlerType.PUT && method != HandlerType.PATCH)
        {
            return;
        }
        final String length = ctx.header("Content-Length");
        if (length != null)
        {
            try
            {
                if (Long.parseLong(length.trim()) > config.maxBodyBytes())
                {
                    throw tooLarge();
                }
            }
            catch (final NumberFormatException ex)
            {
                throw ApiError.badRequest("bad Content-Length");
            }
        }
        ctx.attribute(BODY, readBody(ctx));
    }

    /**
     * Reads at most {@code maxBodyBytes + 1} bytes: a chunked body (no Content-Length) is never buffered whole, as
     * Javalin's {@code bodyAsBytes} would. A body the client cuts short or garbles (bad chunk) is a 400, not a 500.
     */
    private byte[] readBody(final Context ctx)
    {
        final int max = config.maxBodyBytes();
        final byte[] bytes;
        try
        {
            bytes = ctx.req().getInputStream().readNBytes(max + 1);
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            // Jetty: EofException (cut short), BadMessageException (bad chunk); the request is over either way
            throw ApiError.badRequest("could not read the request body");
        }
        if (bytes.length > max)
        {
            throw tooLarge();
        }
        return bytes;
    }

    private ApiError tooLarge()
    {
        return new ApiError(413, "PAYLOAD_TOO_LARGE", "body over " + config.maxBodyBytes() + " bytes");
    }

    private Tokens.Principal shopper(final Context ctx)
    {
        return tokens.verify(ctx.header("Authorization"));
    }

    private Tokens.Principal admin(final Context ctx)
    {
        final Tokens.Principal principal = tokens.verify(ctx.header("Authorization"));
        if (!principal.admin())
        {
            throw new ApiError(403, "FORBIDDEN", "operator route");
        }
        return principal;
    }

    /** Blocklist, then the user's and the IP's token buckets: after auth and validation, before the engine. */
    private void admit(final Context ctx, final Tokens.Principal principal)
    {
        final String ip = ctx.ip();
        if (blockedUsers.contains(principal.userId()) || blockedIps.contains(ip))
        {
            throw new ApiError(403, "BLOCKED", "blocked");
        }
        final long now = System.nanoTime();
        long wait = userBuckets.tryAcquire(principal.userId(), now);
        if (wait == 0)
        {
            wait = ipBuckets.tryAcquire(ip, now);
        }
        if (wait > 0)
        {
            throw new ApiError(429, "RATE_LIMITED", "too many requests", wait);
        }
    }

    // ---------------------------------------------------------------------------------------------- shopper routes

    private void getSale(final Context ctx)
    {
        final Tokens.Principal principal = shopper(ctx);
        final String saleId = saleId(ctx);
        admit(ctx, principal);
        final Reply.Sale cached = cache.get(saleId);
        if (cached != null)
        {
            writeJson(ctx, 200, publicSale(cached));
            return;
        }
        callEngine(ctx, true, () -> gateway.querySale(saleId), (c, reply) ->
        {
            if (reply instanceof Reply.Sale sale)
            {
                final Reply.Sale latest = cache.get(saleId);
                writeJson(c, 200, publicSale(latest != null ? latest : sale));
            }
            else
            {
                throw unexpectedOrRejected(reply);
            }
        }, null);
    }

    private void purchase(final Context ctx)
    {
        final Tokens.Principal principal = shopper(ctx);
        final String userId = principal.userId();
        final String saleId = saleId(ctx);
        final String key = ctx.header("Idempotency-Key");
        if (!Ids.isValid(key))
        {
            throw ApiError.badRequest("Idempotency-Key must be 1-64 characters of [A-Za-z0-9_.:-]");
        }
        final JsonNode body = jsonObject(ctx);
        final JsonNode q = body.get("quantity");
        if (q == null || !q.isIntegralNumber() || !q.canConvertToLong())
        {
            throw ApiError.badRequest("quantity must be an integer");
        }
        final long quantity = q.longValue();
        final Reply.Sale known = cache.get(saleId);
        if (quantity < 1 || (known != null && quantity > known.limitPerUser()))
        {
            throw ApiError.badRequest("quantity must be between 1 and the sale's limit per user");
        }
        admit(ctx, principal);

        final String userKey = userId + ' ' + key;
        if (!recentKeys.contains(userKey) && !knownBuyers.mayHaveOrder(saleId, userId))
        {
            final Reason refusal = cache.refusal(saleId, System.currentTimeMillis());
            if (refusal != null)
            {
                metrics.purchase(refusal.name(), true);
                throw rejected(refusal);
            }
        }
        if (!purchasesInFlight.add(userId))
        {
            throw new ApiError(429, "RATE_LIMITED", "a purchase is already in flight for this user", 1);
        }
        if (recentKeys.size() > MAX_RECENT_KEYS)
        {
            recentKeys.clear();
        }
        recentKeys.add(userKey);
        callEngine(ctx, true, () -> gateway.purchase(saleId, userId, key, quantity), (c, reply) ->
        {
            if (reply instanceof Reply.Order order)
            {
                metrics.purchase(order.isNew() ? "CREATED" : "REPLAYED", false);
                writeJson(c, order.isNew() ? 201 : 200, order(order));
            }
            else
            {
                if (reply instanceof Reply.Rejected r)
                {
                    metrics.purchase(r.reason().name(), false);
                }
                throw unexpectedOrRejected(reply);
            }
        }, () -> purchasesInFlight.remove(userId));
    }

    private void getOrder(final Context ctx)
    {
        final Tokens.Principal principal = shopper(ctx);
        final long orderId = orderId(ctx);
        admit(ctx, principal);
        callEngine(ctx, true, () -> gateway.queryOrder(orderId, principal.userId()), this::orderReply, null);
    }

    private void cancelOrder(final Context ctx)
    {
        final Tokens.Principal principal = shopper(ctx);
        final long orderId = orderId(ctx);
        admit(ctx, principal);
        callEngine(ctx, true, () -> gateway.cancel(orderId, principal.userId()), this::orderReply, null);
    }

    // ---------------------------------------------------------------------------------------------- operator routes

    private void createSale(final Context ctx)
    {
        admin(ctx);
        final JsonNode body = jsonObject(ctx);
        final JsonNode idNode = body.get("saleId");
        if (idNode == null || !idNode.isTextual() || !Ids.isValid(idNode.textValue()))
        {
            throw ApiError.badRequest("saleId must be 1-64 characters of [A-Za-z0-9_.:-]");
        }
        final String saleId = idNode.textValue();
        final int stock = intField(body, "stock", 0);
        final int limitPerUser = intField(body, "limitPerUser", 1);
        final long startsAt = instantField(body, "startsAt");
        final long endsAt = instantField(body, "endsAt");
        final int ttl = intField(body, "reservationTtlSeconds", 1);
        if (endsAt <= startsAt)
        {
            throw ApiError.badRequest("endsAt must be after startsAt");
        }
        callEngine(ctx, false, () -> gateway.createSale(saleId, stock, limitPerUser, startsAt, endsAt, ttl),
            (c, reply) -> adminSaleReply(c, reply, 201), null);
    }

    private void adjustStock(final Context ctx)
    {
        admin(ctx);
        final String saleId = saleId(ctx);
        final JsonNode body = jsonObject(ctx);
        final JsonNode delta = body.get("delta");
        if (delta == null || !delta.isIntegralNumber() || !delta.canConvertToLong())
        {
            throw ApiError.badRequest("delta must be an integer");
        }
        final long value = delta.longValue();
        callEngine(ctx, false, () -> gateway.adjustStock(saleId, value), (c, reply) -> adminSaleReply(c, reply, 200),
            null);
    }

    private void saleCommand(final Context ctx, final java.util.function.Function<String, CompletableFuture<Reply>> command)
    {
        admin(ctx);
        final String saleId = saleId(ctx);
        callEngine(ctx, false, () -> command.apply(saleId), (c, reply) -> adminSaleReply(c, reply, 200), null);
    }

    private void confirmOrder(final Context ctx)
    {
        admin(ctx);
        final long orderId = orderId(ctx);
        callEngine(ctx, false, () -> gateway.confirm(orderId), this::orderReply, null);
    }

    private void blocklist(final Context ctx)
    {
        admin(ctx);
        final JsonNode body = jsonObject(ctx);
        final JsonNode users = body.get("users");
        final JsonNode ips = body.get("ips");
        if (users == null && ips == null)
        {
            throw ApiError.badRequest("give users and/or ips");
        }
        final java.util.List<String> newUsers = stringArray(users, "users", true);
        final java.util.List<String> newIps = stringArray(ips, "ips", false);
        blockedUsers.addAll(newUsers);
        blockedIps.addAll(newIps);
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", blockedUsers.size());
        out.put("ips", blockedIps.size());
        writeJson(ctx, 200, out);
    }

    private void ready(final Context ctx)
    {
        boolean reachable;
        try
        {
            reachable = gateway.isEngineReachable();
        }
        catch (final RuntimeException ex)
        {
            reachable = false;
        }
        if (reachable)
        {
            writeJson(ctx, 200, Map.of("status", "READY"));
        }
        else
        {
            writeError(ctx, new ApiError(503, "NOT_READY", "engine not reachable", 1));
        }
    }

    // ---------------------------------------------------------------------------------------------- engine calls

    /**
     * Sends one command and completes the request when the reply comes (on the reply executor).
     *
     * @param bounded counts against the global in-flight bound (shopper traffic; operators pass).
     * @param release run exactly once when the command is over (answered, failed or timed out), may be null.
     */
    private void callEngine(final Context ctx, final boolean bounded, final Supplier<CompletableFuture<Reply>> send,
        final BiConsumer<Context, Reply> render, final Runnable release)
    {
        if (bounded && inFlight.incrementAndGet() > config.maxInFlight())
        {
            inFlight.decrementAndGet();
            if (release != null)
            {
                release.run();
            }
            metrics.engineCall("SHED", 0);
            throw new ApiError(503, "OVERLOADED", "edge admission limit reached", 1);
        }
        final long start = System.nanoTime();
        CompletableFuture<Reply> sent;
        try
        {
            sent = send.get();
        }
        catch (final RuntimeException ex)
        {
            sent = CompletableFuture.failedFuture(ex);
        }
        // Runs on the gateway's thread in the engine's order, so the cache sees updates in order.
        sent.thenAccept(reply ->
        {
            if (reply instanceof Reply.Sale sale)
            {
                cache.update(sale);
            }
        });
        final CompletableFuture<Reply> timed = sent.copy().orTimeout(config.engineTimeoutMillis(), TimeUnit.MILLISECONDS);
        ctx.future(() -> timed.handleAsync((reply, failure) ->
        {
            if (bounded)
            {
                inFlight.decrementAndGet();
            }
            if (release != null)
            {
                release.run();
            }
            try
            {
                if (failure != null)
                {
                    final ApiError error = translate(failure);
                    metrics.engineCall(error.code(), System.nanoTime() - start);
                    writeError(ctx, error);
                }
                else
                {
                    metrics.engineCall("REPLY", System.nanoTime() - start);
                    render.accept(ctx, reply);
                }
            }
            catch (final ApiError error)
            {
                writeError(ctx, error);
            }
            catch (final RuntimeException ex)
            {
                internalError(ctx, ex);
            }
            return null;
        }, replyExecutor));
    }

    private static ApiError translate(final Throwable failure)
    {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        if (cause instanceof OverloadedException)
        {
            return new ApiError(503, "OVERLOADED", "engine back-pressure", 1);
        }
        if (cause instanceof ResultUnknownException || cause instanceof TimeoutException)
        {
            return new ApiError(504, "RESULT_UNKNOWN", "no answer from the engine in time: retry with the same Idempotency-Key");
        }
        LOG.warn("engine call failed", cause);
        return new ApiError(503, "OVERLOADED", "engine unavailable", 1);
    }

    private void orderReply(final Context ctx, final Reply reply)
    {
        if (reply instanceof Reply.Order order)
        {
            writeJson(ctx, 200, order(order));
            return;
        }
        throw unexpectedOrRejected(reply);
    }

    private void adminSaleReply(final Context ctx, final Reply reply, final int status)
    {
        if (reply instanceof Reply.Sale sale)
        {
            writeJson(ctx, status, adminSale(sale));
            return;
        }
        throw unexpectedOrRejected(reply);
    }

    private static ApiError unexpectedOrRejected(final Reply reply)
    {
        if (reply instanceof Reply.Rejected r)
        {
            return rejected(r.reason());
        }
        LOG.warn("unexpected engine reply {}", reply);
        return new ApiError(502, "ENGINE_ERROR", "unexpected engine reply");
    }

    /** The HTTP answer for an engine refusal (HTTP-API.md). */
    static ApiError rejected(final Reason reason)
    {
        if (reason == null)
        {
            return new ApiError(502, "ENGINE_ERROR", "unknown refusal");
        }
        return switch (reason)
        {
            case UNKNOWN_SALE -> new ApiError(404, reason.name(), "no such sale");
            case UNKNOWN_ORDER -> new ApiError(404, reason.name(), "no such order");
            case SOLD_OUT, LIMIT_EXCEEDED, NOT_STARTED, SALE_ENDED, SALE_PAUSED, ORDER_NOT_CANCELLABLE,
                ORDER_NOT_CONFIRMABLE, SALE_EXISTS, INSUFFICIENT_STOCK ->
                new ApiError(409, reason.name(), reason.name().toLowerCase().replace('_', ' '));
            case INVALID_QUANTITY, INVALID_ARGUMENT, MALFORMED -> ApiError.badRequest(reason.name().toLowerCase());
            case UNKNOWN_TYPE, UNSUPPORTED_VERSION, TOO_LONG -> new ApiError(502, "ENGINE_ERROR", reason.name());
        };
    }

    // ---------------------------------------------------------------------------------------------- input

    private static String saleId(final Context ctx)
    {
        final String saleId = ctx.pathParam("saleId");
        if (!Ids.isValid(saleId))
        {
            throw ApiError.badRequest("saleId must be 1-64 characters of [A-Za-z0-9_.:-]");
        }
        return saleId;
    }

    /** Order ids are positive longs; anything else cannot name an order: 404 UNKNOWN_ORDER. */
    private static long orderId(final Context ctx)
    {
        final String text = ctx.pathParam("orderId");
        if (text.isEmpty() || text.length() > 19)
        {
            throw rejected(Reason.UNKNOWN_ORDER);
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                throw rejected(Reason.UNKNOWN_ORDER);
            }
        }
        try
        {
            final long id = Long.parseLong(text);
            if (id < 1)
            {
                throw rejected(Reason.UNKNOWN_ORDER);
            }
            return id;
        }
        catch (final NumberFormatException ex)
        {
            throw rejected(Reason.UNKNOWN_ORDER);
        }
    }

    private JsonNode jsonObject(final Context ctx)
    {
        final byte[] bytes = ctx.attribute(BODY);
        if (bytes == null || bytes.length == 0)
        {
            throw ApiError.badRequest("a JSON object body is required");
        }
        final JsonNode node;
        try
        {
            node = mapper.readTree(bytes);
        }
        catch (final java.io.IOException ex)
        {
            throw ApiError.badRequest("malformed JSON");
        }
        if (node == null || !node.isObject())
        {
            throw ApiError.badRequest("a JSON object body is required");
        }
        return node;
    }

    private static int intField(final JsonNode body, final String name, final int min)
    {
        final JsonNode node = body.get(name);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min)
        {
            throw ApiError.badRequest(name + " must be an integer >= " + min);
        }
        return node.intValue();
    }

    private static long instantField(final JsonNode body, final String name)
    {
        final JsonNode node = body.get(name);
        if (node == null || !node.isTextual())
        {
            throw ApiError.badRequest(name + " must be an ISO-8601 UTC time");
        }
        try
        {
            return Instant.parse(node.textValue()).toEpochMilli();
        }
        catch (final DateTimeParseException | ArithmeticException ex)
        {
            throw ApiError.badRequest(name + " must be an ISO-8601 UTC time");
        }
    }

    private static java.util.List<String> stringArray(final JsonNode node, final String name, final boolean ids)
    {
        final java.util.List<String> out = new java.util.ArrayList<>();
        if (node == null)
        {
            return out;
        }
        if (!node.isArray())
        {
            throw ApiError.badRequest(name + " must be an array of strings");
        }
        for (final JsonNode item : node)
        {
            if (!item.isTextual() || (ids ? !Ids.isValid(item.textValue()) : !isIpLike(item.textValue())))
            {
                throw ApiError.badRequest(name + " must be an array of " + (ids ? "ids" : "IP addresses"));
            }
            out.add(item.textValue());
        }
        return out;
    }

    private static boolean isIpLike(final String text)
    {
        if (text.isEmpty() || text.length() > 64)
        {
            return false;
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':'))
            {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------- output

    private static Map<String, Object> order(final Reply.Order order)
    {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("orderId", Long.toString(order.orderId()));
        out.put("saleId", order.saleId());
        out.put("userId", order.userId());
        out.put("quantity", order.quantity());
        out.put("status", order.status() == null ? null : order.status().name());
        out.put("expiresAt", iso(order.expiresAt()));
        return out;
    }

    private static Map<String, Object> publicSale(final Reply.Sale sale)
    {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("saleId", sale.saleId());
        out.put("status", SaleStatusCache.statusAt(sale, System.currentTimeMillis()).name());
        out.put("remaining", Math.max(0, sale.remaining()));
        out.put("limitPerUser", sale.limitPerUser());
        out.put("startsAt", iso(sale.startsAt()));
        out.put("endsAt", iso(sale.endsAt()));
        return out;
    }

    private static Map<String, Object> adminSale(final Reply.Sale sale)
    {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("saleId", sale.saleId());
        out.put("status", sale.status() == null ? null : sale.status().name());
        out.put("stock", sale.stock());
        out.put("reserved", sale.reserved());
        out.put("confirmed", sale.confirmed());
        out.put("remaining", Math.max(0, sale.remaining()));
        out.put("buyers", sale.buyers());
        out.put("limitPerUser", sale.limitPerUser());
        out.put("startsAt", iso(sale.startsAt()));
        out.put("endsAt", iso(sale.endsAt()));
        out.put("reservationTtlSeconds", sale.reservationTtlSeconds());
        return out;
    }

    private static String iso(final long epochMillis)
    {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    private void writeJson(final Context ctx, final int status, final Object body)
    {
        try
        {
            ctx.status(status).contentType(JSON).result(mapper.writeValueAsBytes(body));
        }
        catch (final JsonProcessingException ex)
        {
            internalError(ctx, ex);
        }
    }

    private void writeError(final Context ctx, final ApiError error)
    {
        if (error.retryAfterSeconds() > 0)
        {
            ctx.header("Retry-After", Long.toString(error.retryAfterSeconds()));
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.code());
        body.put("message", error.getMessage());
        writeJson(ctx, error.status(), body);
    }

    private void internalError(final Context ctx, final Exception ex)
    {
        metrics.internalError();
        LOG.error("internal error on {} {}", ctx.method(), ctx.path(), ex);
        ctx.status(500).contentType(JSON).result("{\"error\":\"INTERNAL\",\"message\":\"internal error\"}");
    }
}
