package io.flashgate.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flashgate.edge.EdgeConfig;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.engine.transport.AeronEngine;
import io.flashgate.engine.transport.TransportConfig;
import org.agrona.CloseHelper;
import io.flashgate.protocol.Reply;
import io.flashgate.testsupport.Await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One real engine behind Aeron IPC (embedded media driver), the edge on a free port in front of it (through a
 * counting {@link ForwardingGateway}), and a real HTTP client. Everything is stopped by {@link #close()}.
 */
final class TestEdge implements AutoCloseable
{
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "test-secret-0123456789";

    /** The engine as the edge sees it: over Aeron IPC, through the embedded media driver. */
    final AeronEngineGateway engine;
    final ForwardingGateway gateway;
    private final EmbeddedDriver driver;
    private final AeronEngine transport;
    final EdgeServer server;
    final HttpClient http;
    final Tokens tokens;
    final String base;

    private TestEdge(final EmbeddedDriver driver, final AeronEngine transport, final AeronEngineGateway engine,
        final ForwardingGateway gateway, final EdgeServer server)
    {
        this.driver = driver;
        this.transport = transport;
        this.engine = engine;
        this.gateway = gateway;
        this.server = server;
        this.tokens = new Tokens(SECRET);
        this.base = "http://127.0.0.1:" + server.port();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Generous limits: tests of throttling set their own. */
    static EdgeConfig config()
    {
        return EdgeConfig.defaults().withPort(0).withTokenSecret(SECRET).withUserRate(10_000, 10_000)
            .withIpRate(100_000, 100_000);
    }

    static TestEdge start(final Path dir) throws IOException
    {
        return start(dir, config());
    }

    static TestEdge start(final Path dir, final EdgeConfig config) throws IOException
    {
        return start(dir, config, 0);
    }

    /** @param tickMillis the engine's clock (reservation expiry, exact sale figures); 0 = none, as most tests want. */
    static TestEdge start(final Path dir, final EdgeConfig config, final long tickMillis) throws IOException
    {
        // What `ops/flashgate run` wires: embedded driver, engine behind Aeron IPC, the edge's Aeron gateway.
        final EmbeddedDriver driver = EmbeddedDriver.start();
        AeronEngine transport = null;
        AeronEngineGateway engine = null;
        try
        {
            transport = AeronEngine.start(TransportConfig.ipc(driver.aeronDirectory()),
                EngineConfig.defaults(dir).withTickIntervalMillis(tickMillis).withSnapshotEveryCommands(0));
            engine = AeronEngineGateway.start(GatewayConfig.ipc(driver.aeronDirectory()));
            if (!engine.awaitReachable(Duration.ofSeconds(20)))
            {
                throw new IllegalStateException("engine not reachable over Aeron IPC");
            }
            final ForwardingGateway gateway = new ForwardingGateway(engine);
            return new TestEdge(driver, transport, engine, gateway, EdgeServer.start(config, gateway));
        }
        catch (final IOException | RuntimeException | InterruptedException ex)
        {
            CloseHelper.quietCloseAll(engine, transport, driver);
            throw new IOException("could not start the test edge", ex);
        }
    }

    @Override
    public void close()
    {
        try
        {
            server.close();
        }
        finally
        {
            CloseHelper.quietCloseAll(engine, transport, driver);
        }
    }

    String admin()
    {
        return tokens.admin("ops");
    }

    String shopper(final String user)
    {
        return tokens.shopper(user);
    }

    record Response(int status, String body, java.net.http.HttpHeaders headers)
    {
        JsonNode json()
        {
            try
            {
                return JSON.readTree(body);
            }
            catch (final IOException ex)
            {
                throw new AssertionError("not JSON: " + body, ex);
            }
        }

        /** The Content-Type header, normalised (lower case, one space after ';'). */
        String contentType()
        {
            return headers.firstValue("Content-Type").orElse("").toLowerCase().replaceAll(";\\s*", "; ");
        }

        String error()
        {
            return json().path("error").asText(null);
        }

        /** Asserts the status and, for errors, the contract's error body with the given code. */
        Response expect(final int expectedStatus, final String expectedCode)
        {
            assertEquals(expectedStatus, status, () -> "status of response " + body);
            assertEquals("application/json; charset=utf-8", contentType(), () -> "content type of " + body);
            if (expectedCode != null)
            {
                assertEquals(expectedCode, error(), () -> "error code of " + body);
                assertTrue(json().path("message").isTextual(), () -> "message in " + body);
            }
            return this;
        }
    }

    HttpRequest.Builder request(final String path, final String token)
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (token != null)
        {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    Response send(final HttpRequest request)
    {
        try
        {
            final HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body(), r.headers());
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /**
     * Sends {@code head} (request line and headers, without the blank line) and {@code body} byte for byte over a
     * plain socket, for requests {@link HttpClient} refuses to make (bad escapes, chunked bodies, odd methods).
     * Adds {@code Connection: close} and reads the whole answer.
     */
    Response raw(final String head, final byte[] body)
    {
        return raw(head, body, false);
    }

    /** @param halfClose shut the socket's output after the body, as a client that gives up sending does. */
    Response raw(final String head, final byte[] body, final boolean halfClose)
    {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port()))
        {
            socket.setSoTimeout(10_000);
            final java.io.OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            if (halfClose)
            {
                socket.shutdownOutput();
            }
            final byte[] all = socket.getInputStream().readAllBytes();
            final String text = new String(all, StandardCharsets.UTF_8);
            final int split = text.indexOf("\r\n\r\n");
            if (split < 0)
            {
                throw new AssertionError("no HTTP answer to " + head + ": " + text);
            }
            final String[] lines = text.substring(0, split).split("\r\n");
            final int status = Integer.parseInt(lines[0].split(" ")[1]);
            final java.util.Map<String, java.util.List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++)
            {
                final int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new java.util.ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
            }
            return new Response(status, text.substring(split + 4), java.net.http.HttpHeaders.of(headers, (a, b) -> true));
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    CompletableFuture<Response> sendAsync(final HttpRequest request)
    {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
            .thenApply(r -> new Response(r.statusCode(), r.body(), r.headers()));
    }

    Response get(final String path, final String token)
    {
        return send(request(path, token).GET().build());
    }

    Response post(final String path, final String token, final String body)
    {
        return send(request(path, token).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpRequest purchaseRequest(final String saleId, final String token, final String key, final String body)
    {
        final HttpRequest.Builder b = request("/api/sales/" + saleId + "/purchases", token)
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null)
        {
            b.header("Idempotency-Key", key);
        }
        return b.build();
    }

    Response purchase(final String saleId, final String user, final String key, final long quantity)
    {
        return send(purchaseRequest(saleId, shopper(user), key, "{\"quantity\":" + quantity + "}"));
    }

    /** Creates an open sale through the admin route (ends in an hour). */
    Response createSale(final String saleId, final int stock, final int limit, final int ttlSeconds)
    {
        final Instant now = Instant.now();
        return createSale(saleId, stock, limit, now.minusSeconds(60), now.plusSeconds(3600), ttlSeconds);
    }

    Response createSale(final String saleId, final int stock, final int limit, final Instant startsAt,
        final Instant endsAt, final int ttlSeconds)
    {
        return post("/admin/sales", admin(), "{\"saleId\":\"" + saleId + "\",\"stock\":" + stock +
            ",\"limitPerUser\":" + limit + ",\"startsAt\":\"" + startsAt + "\",\"endsAt\":\"" + endsAt +
            "\",\"reservationTtlSeconds\":" + ttlSeconds + "}");
    }

    /** The engine's own view, bypassing the edge (and its call counters). */
    Reply.Sale engineSale(final String saleId) throws Exception
    {
        return (Reply.Sale)engine.querySale(saleId).get(10, TimeUnit.SECONDS);
    }

    /** Waits for a condition fed by broadcasts (they arrive on the engine's thread). */
    static void eventually(final java.util.function.BooleanSupplier condition, final String what)
    {
        Await.until(what, Duration.ofSeconds(10), condition);
    }
}
