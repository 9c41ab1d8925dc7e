package io.flashgate.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One kind of HTTP request against the edge or the bare Javalin app, over {@link NioHttpClient}'s keep-alive
 * connections. Every request carries the buyer's bearer token (the bare app ignores it), so both sides read the
 * same bytes.
 */
final class HttpTarget implements Target
{
    enum Kind
    {
        /** POST /api/sales/{id}/purchases on Flashgate's edge: a real purchase, checked at the end. */
        EDGE_PURCHASE,
        /** The same POST on a sale that is sold out: answered 409 by the edge's status cache. */
        EDGE_PURCHASE_SOLD_OUT,
        /** GET /api/sales/{id} on the edge (served from its status cache). */
        EDGE_STATUS,
        /** GET /bare/sales/{id}: constant JSON. */
        BARE_GET,
        /** POST /bare/sales/{id}/purchases: parse JSON, answer 201 JSON asynchronously. */
        BARE_POST
    }

    private static final byte[] PURCHASE_BODY = "{\"quantity\":1}".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final Kind kind;
    private final String host;
    private final int port;
    private final String[] buyerTokens;
    private final String adminToken;
    private final NioHttpClient client;
    private final ServerProcess server;
    private final HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper mapper = new ObjectMapper();

    HttpTarget(final String name, final Kind kind, final String host, final int port, final int connections,
        final String[] buyerTokens, final String adminToken) throws IOException
    {
        this(name, kind, host, port, connections, buyerTokens, adminToken, null);
    }

    /** @param server the process serving {@code port} when it is not {@link CpuWatch}'s peer; null: that one. */
    HttpTarget(final String name, final Kind kind, final String host, final int port, final int connections,
        final String[] buyerTokens, final String adminToken, final ServerProcess server) throws IOException
    {
        this.server = server;
        this.name = name;
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.buyerTokens = buyerTokens;
        this.adminToken = adminToken;
        this.client = new NioHttpClient(host, port, connections);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public ServerProcess ownProcess()
    {
        return server;
    }

    @Override
    public void createSale(final String saleId, final int stock, final int limitPerUser) throws Exception
    {
        if (kind == Kind.BARE_GET || kind == Kind.BARE_POST)
        {
            return;
        }
        final Instant now = Instant.now();
        final String body = "{\"saleId\":\"" + saleId + "\",\"stock\":" + stock + ",\"limitPerUser\":" + limitPerUser +
            ",\"startsAt\":\"" + now.minusSeconds(1) + "\",\"endsAt\":\"" + now.plusSeconds(3600) +
            "\",\"reservationTtlSeconds\":3600}";
        // A 503 is a refusal at once (a pair's primary that has just lost sight of its standby under load, an engine
        // switching over): nothing was taken, so the sale is asked for again until the deadline, as Retry-After says.
        final long refusedUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> created = admin("/admin/sales", body);
        while (created.statusCode() == 503 && System.nanoTime() < refusedUntil)
        {
            // Retry-After is whole seconds (docs/HTTP-API.md); a refusal without it is asked again after a second.
            final long retryAfterSeconds = created.headers().firstValueAsLong("Retry-After").orElse(1);
            Thread.sleep(TimeUnit.SECONDS.toMillis(Math.max(1, retryAfterSeconds)));
            created = admin("/admin/sales", body);
        }
        if (created.statusCode() != 201 && created.statusCode() != 409)
        {
            throw new IOException("create sale " + saleId + ": " + created.statusCode() + " " + created.body());
        }
        if (kind == Kind.EDGE_PURCHASE_SOLD_OUT)
        {
            // Sell the whole stock now, then wait until the edge's cache says SOLD_OUT.
            for (int i = 0; i < stock; i++)
            {
                final HttpResponse<String> bought = shopper("POST", "/api/sales/" + saleId + "/purchases",
                    buyerTokens[i % buyerTokens.length], saleId + "-first-" + i);
                if (bought.statusCode() != 201)
                {
                    throw new IOException("first purchase: " + bought.statusCode() + " " + bought.body());
                }
            }
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!shopper("GET", "/api/sales/" + saleId, buyerTokens[0], null).body().contains("SOLD_OUT"))
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IOException("the edge never saw " + saleId + " sold out");
                }
                Thread.sleep(10);
            }
        }
    }

    private HttpResponse<String> admin(final String path, final String body) throws Exception
    {
        return admin.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
            .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> shopper(final String method, final String path, final String token, final String key)
        throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10));
        if (key != null)
        {
            request.header("Idempotency-Key", key).header("Content-Type", "application/json");
        }
        request.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() :
            HttpRequest.BodyPublishers.ofByteArray(PURCHASE_BODY));
        return admin.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void purchase(final String saleId, final long index, final String userId, final String idempotencyKey,
        final Completion done)
    {
        final String token = buyerTokens[Integer.parseInt(userId, 1, userId.length(), 10) % buyerTokens.length];
        final boolean post = kind != Kind.EDGE_STATUS && kind != Kind.BARE_GET;
        final String path = switch (kind)
        {
            case EDGE_PURCHASE, EDGE_PURCHASE_SOLD_OUT -> "/api/sales/" + saleId + "/purchases";
            case EDGE_STATUS -> "/api/sales/" + saleId;
            case BARE_GET -> "/bare/sales/" + saleId;
            case BARE_POST -> "/bare/sales/" + saleId + "/purchases";
        };
        final StringBuilder head = new StringBuilder(512).append(post ? "POST " : "GET ").append(path)
            .append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
            .append("\r\nAuthorization: Bearer ").append(token).append("\r\n");
        if (post)
        {
            head.append("Idempotency-Key: ").append(idempotencyKey)
                .append("\r\nContent-Type: application/json\r\nContent-Length: ").append(PURCHASE_BODY.length)
                .append("\r\n");
        }
        head.append("\r\n");
        final byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        final byte[] bytes = post ? concat(headBytes, PURCHASE_BODY) : headBytes;
        client.send(bytes, (status, body) -> complete(status, body, done));
    }

    private void complete(final int status, final byte[] body, final Completion done)
    {
        switch (status)
        {
            case 201 -> done.complete(kind == Kind.EDGE_PURCHASE ? Outcome.ACCEPTED : Outcome.OK, orderId(body));
            case 200 -> done.complete(kind == Kind.EDGE_PURCHASE ? Outcome.REPLAYED : Outcome.OK, orderId(body));
            case 409 ->
            {
                final String text = new String(body, StandardCharsets.UTF_8);
                done.complete(text.contains("SOLD_OUT") ? Outcome.SOLD_OUT :
                    text.contains("LIMIT_EXCEEDED") ? Outcome.LIMIT_EXCEEDED : Outcome.REJECTED_OTHER, 0);
            }
            case 429, 503 -> done.complete(Outcome.REFUSED, 0);
            default -> done.complete(Outcome.UNKNOWN, 0);
        }
    }

    /** The "orderId" number of an order JSON, or 0. */
    static long orderId(final byte[] body)
    {
        final String text = new String(body, StandardCharsets.UTF_8);
        final int at = text.indexOf("\"orderId\"");
        if (at < 0)
        {
            return 0;
        }
        int i = text.indexOf(':', at) + 1;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '"'))
        {
            i++;
        }
        long value = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i)))
        {
            value = value * 10 + (text.charAt(i++) - '0');
        }
        return value;
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * The engine as the edge sees it ({@code GET /admin/engine}, docs/HTTP-API.md): role and standby state, as in
     * "PRIMARY IN_SYNC lag 0".
     */
    String engineState() throws Exception
    {
        final HttpResponse<String> engine = admin.send(HttpRequest.newBuilder(
                URI.create("http://" + host + ":" + port + "/admin/engine"))
            .header("Authorization", "Bearer " + adminToken).GET().timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (engine.statusCode() != 200)
        {
            return "unknown (" + engine.statusCode() + " " + engine.body() + ")";
        }
        final JsonNode json = mapper.readTree(engine.body());
        return json.path("role").asText() + " " + json.path("standby").path("state").asText() + " lag " +
            json.path("standby").path("lagRecords").asLong();
    }

    @Override
    public SaleFigures figures(final String saleId, final int limitPerUser) throws Exception
    {
        if (kind != Kind.EDGE_PURCHASE)
        {
            return null;
        }
        final HttpResponse<String> stats = admin.send(HttpRequest.newBuilder(
                URI.create("http://" + host + ":" + port + "/admin/sales/" + saleId + "/stats"))
            .header("Authorization", "Bearer " + adminToken).GET().timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (stats.statusCode() != 200)
        {
            throw new IOException("stats " + saleId + ": " + stats.statusCode() + " " + stats.body());
        }
        final JsonNode json = mapper.readTree(stats.body());
        return new SaleFigures(json.path("reserved").asLong() + json.path("confirmed").asLong(),
            json.path("remaining").asLong(), -1);
    }

    @Override
    public void close()
    {
        client.close();
    }
}
