package io.flashgate.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flashgate.edge.http.Tokens;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** A real HTTP client for an edge, with tokens minted from the shared secret. */
final class Shopper
{
    static final ObjectMapper JSON = new ObjectMapper();

    record Answer(int status, JsonNode body)
    {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Tokens tokens;
    private final String base;

    Shopper(final String secret, final int port)
    {
        this.tokens = new Tokens(secret);
        this.base = "http://127.0.0.1:" + port;
    }

    Answer createSale(final String saleId, final int stock, final int limit) throws Exception
    {
        final Instant now = Instant.now();
        return send(post("/admin/sales", tokens.admin("ops"), null, "{\"saleId\":\"" + saleId + "\",\"stock\":" + stock +
            ",\"limitPerUser\":" + limit + ",\"startsAt\":\"" + now.minusSeconds(5) + "\",\"endsAt\":\"" +
            now.plusSeconds(3600) + "\",\"reservationTtlSeconds\":3600}")).get();
    }

    /** A sale that opens at {@code startsAt} and ends an hour later. */
    Answer createSale(final String saleId, final int stock, final int limit, final Instant startsAt) throws Exception
    {
        return send(post("/admin/sales", tokens.admin("ops"), null, "{\"saleId\":\"" + saleId + "\",\"stock\":" +
            stock + ",\"limitPerUser\":" + limit + ",\"startsAt\":\"" + startsAt + "\",\"endsAt\":\"" +
            startsAt.plusSeconds(3600) + "\",\"reservationTtlSeconds\":3600}")).get();
    }

    /** A request with this exact Authorization header (or none), to see how the edge treats it. */
    Answer withAuthorization(final String path, final String authorization, final String body) throws Exception
    {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
            .header("Idempotency-Key", "auth-check").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null)
        {
            builder.header("Authorization", authorization);
        }
        final HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    String shopperToken(final String user)
    {
        return tokens.shopper(user);
    }

    CompletableFuture<Answer> purchase(final String saleId, final String user, final String key)
    {
        return send(post("/api/sales/" + saleId + "/purchases", tokens.shopper(user), key, "{\"quantity\":1}"));
    }

    Answer order(final String user, final String orderId) throws Exception
    {
        return send(get("/api/orders/" + orderId, tokens.shopper(user))).get();
    }

    /** The public status route (served from the edge's cache, no token). */
    Answer status(final String saleId) throws Exception
    {
        return send(HttpRequest.newBuilder(URI.create(base + "/api/sales/" + saleId)).timeout(Duration.ofSeconds(5))
            .GET().build()).get();
    }

    Answer stats(final String saleId) throws Exception
    {
        return send(get("/admin/sales/" + saleId + "/stats", tokens.admin("ops"))).get();
    }

    Answer cancel(final String user, final String orderId) throws Exception
    {
        return send(post("/api/orders/" + orderId + "/cancel", tokens.shopper(user), null, "{}")).get();
    }

    Answer ready() throws Exception
    {
        return send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).timeout(Duration.ofSeconds(5)).GET()
            .build()).get();
    }

    String metrics() throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(5)).GET()
            .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    Answer admin(final String path) throws Exception
    {
        return send(post(path, tokens.admin("ops"), null, "{}")).get();
    }

    /** An operator's GET ({@code /admin/engine}, ...). */
    Answer adminGet(final String path) throws Exception
    {
        return send(get(path, tokens.admin("ops"))).get();
    }

    private HttpRequest post(final String path, final String token, final String key, final String body)
    {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null)
        {
            builder.header("Idempotency-Key", key);
        }
        return builder.build();
    }

    private HttpRequest get(final String path, final String token)
    {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token).GET().build();
    }

    private CompletableFuture<Answer> send(final HttpRequest request)
    {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response ->
        {
            try
            {
                return new Answer(response.statusCode(), JSON.readTree(response.body()));
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("not JSON (" + response.statusCode() + "): " + response.body(), ex);
            }
        });
    }
}
