package io.flashgate.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.flashgate.protocol.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile and broken input: every request gets one of the listed 4xx with the JSON error body, never a
 * 500, nothing reaches the engine, and the engine's figures are the same before and after.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputBatteryTest
{
    private static final Set<Integer> ALLOWED = Set.of(400, 401, 403, 404, 405, 413, 414, 431);

    record Case(String name, HttpRequest request, int expected)
    {
    }

    /** A request HttpClient will not send as is: written byte for byte by {@link TestEdge#raw}. */
    record RawCase(String name, String head, String body, int expected, boolean halfClose)
    {
        RawCase(final String name, final String head, final String body, final int expected)
        {
            this(name, head, body, expected, false);
        }
    }

    @Test
    void batteryGetsOnlyListed4xxAndLeavesTheEngineUntouched(@TempDir final Path dir) throws Exception
    {
        try (TestEdge edge = TestEdge.start(dir))
        {
            edge.createSale("s1", 10, 2, 60).expect(201, null);
            final String orderId = edge.purchase("s1", "alice", "k0", 1).expect(201, null).json().get("orderId").asText();
            // let the broadcast put the sale (and its limit) in the edge's cache
            TestEdge.eventually(() -> edge.get("/api/sales/s1", edge.shopper("x")).status() == 200, "cached");

            final Reply.Sale before = edge.engineSale("s1");
            final String statsBefore = edge.get("/admin/sales/s1/stats", edge.admin()).expect(200, null).body();
            final JsonNode statusBefore = saleFigures(edge);
            final long callsBefore = edge.gateway.totalCalls();

            final String alice = edge.shopper("alice");
            final String expired = edge.tokens.mint("alice", null, Duration.ofSeconds(-5));
            final String forged = new Tokens("guessed-secret").admin("alice");
            final String tampered = alice.substring(0, alice.length() - 3) + (alice.endsWith("AAA") ? "BBB" : "AAA");
            final List<Case> cases = new ArrayList<>();
            final String[] badBodies = {
                "{", "not json", "[]", "null", "42", "\"q\"", "{\"quantity\":}", "{\"quantity\":1}{}",
                "{\"quantity\":\"1\"}", "{\"quantity\":1.5}", "{\"quantity\":true}", "{\"quantity\":null}",
                "{\"quantity\":[1]}", "{\"quantity\":{}}", "{}", "{\"qty\":1}", "{\"quantity\":0}",
                "{\"quantity\":-1}", "{\"quantity\":3}", "{\"quantity\":9223372036854775808}",
                "{\"quantity\":9223372036854775807}", "{\"quantity\":-9223372036854775808}",
                "{\"quantity\":1e3}", "{\"quantity\":1,\"quantity\":2}", "", "\u0000\u0001",
                "{\"quantity\":18446744073709551617}", "{\"quantity\":-0}", "{\"quantity\":1.0}",
                "{\"quantity\":\"NaN\"}", "{\"quantity\":NaN}", "{\"quantity\":0x1}", "{\"quantity\":01}",
                "{'quantity':1}", "{quantity:1}", "{\"quantity\":1",
                "{\"quantity\":-9223372036854775809}", "{\"quantity\":1e400}"
            };
            for (final String body : badBodies)
            {
                cases.add(new Case("purchase body " + body, edge.purchaseRequest("s1", alice, "kb", body), 400));
            }
            cases.add(new Case("no key", edge.purchaseRequest("s1", alice, null, "{\"quantity\":1}"), 400));
            cases.add(new Case("empty key", edge.purchaseRequest("s1", alice, "", "{\"quantity\":1}"), 400));
            cases.add(new Case("long key", edge.purchaseRequest("s1", alice, "k".repeat(65), "{\"quantity\":1}"), 400));
            cases.add(new Case("odd key", edge.purchaseRequest("s1", alice, "k/ey", "{\"quantity\":1}"), 400));
            cases.add(new Case("key with space", edge.purchaseRequest("s1", alice, "k ey", "{\"quantity\":1}"), 400));
            cases.add(new Case("long sale id", edge.purchaseRequest("s".repeat(65), alice, "k", "{\"quantity\":1}"), 400));
            cases.add(new Case("odd sale id", edge.purchaseRequest("s%20x", alice, "k", "{\"quantity\":1}"), 400));
            cases.add(new Case("unicode sale id", edge.purchaseRequest("%C3%A9", alice, "k", "{\"quantity\":1}"), 400));
            cases.add(new Case("oversize", edge.purchaseRequest("s1", alice, "k",
                "{\"quantity\":1,\"x\":\"" + "y".repeat(8000) + "\"}"), 413));
            cases.add(new Case("no token", edge.purchaseRequest("s1", null, "k", "{\"quantity\":1}"), 401));
            cases.add(new Case("expired", edge.purchaseRequest("s1", expired, "k", "{\"quantity\":1}"), 401));
            cases.add(new Case("forged", edge.purchaseRequest("s1", forged, "k", "{\"quantity\":1}"), 401));
            cases.add(new Case("tampered", edge.purchaseRequest("s1", tampered, "k", "{\"quantity\":1}"), 401));
            final String unsigned = com.auth0.jwt.JWT.create().withSubject("alice")
                .withExpiresAt(java.time.Instant.now().plusSeconds(60)).sign(com.auth0.jwt.algorithms.Algorithm.none());
            cases.add(new Case("alg none", edge.purchaseRequest("s1", unsigned, "k", "{\"quantity\":1}"), 401));
            final String noSub = com.auth0.jwt.JWT.create().withExpiresAt(java.time.Instant.now().plusSeconds(60))
                .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(TestEdge.SECRET));
            cases.add(new Case("no sub", edge.purchaseRequest("s1", noSub, "k", "{\"quantity\":1}"), 401));
            final String longSub = com.auth0.jwt.JWT.create().withSubject("a".repeat(65))
                .withExpiresAt(java.time.Instant.now().plusSeconds(60))
                .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(TestEdge.SECRET));
            cases.add(new Case("over-long sub", edge.purchaseRequest("s1", longSub, "k", "{\"quantity\":1}"), 401));
            // on a route that needs a token: the sale status is public and reads none
            cases.add(new Case("empty bearer", edge.request("/api/orders/" + orderId, null)
                .header("Authorization", "Bearer ").GET().build(), 401));
            cases.add(new Case("two tokens", edge.request("/api/orders/" + orderId, null)
                .header("Authorization", "Bearer " + alice + " " + alice).GET().build(), 401));
            cases.add(new Case("basic auth", edge.request("/api/sales/s1/purchases", null)
                .header("Authorization", "Basic YWxpY2U6cHc=").header("Idempotency-Key", "k")
                .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")).build(), 401));
            cases.add(new Case("shopper on admin stats", edge.request("/admin/sales/s1/stats", alice).GET().build(), 403));
            cases.add(new Case("shopper on the admin list", edge.request("/admin/sales", alice).GET().build(), 403));
            cases.add(new Case("shopper on admin create", edge.request("/admin/sales", alice)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), 403));
            cases.add(new Case("shopper confirm", edge.request("/admin/orders/" + orderId + "/confirm", alice)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), 403));
            cases.add(new Case("shopper stock", edge.request("/admin/sales/s1/stock", alice)
                .POST(HttpRequest.BodyPublishers.ofString("{\"delta\":-10}")).build(), 403));
            cases.add(new Case("expired admin", edge.request("/admin/sales/s1/end",
                edge.tokens.mint("ops", Tokens.ADMIN_ROLE, Duration.ofSeconds(-1)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), 401));
            final String admin = edge.admin();
            final String[] badStock = {"{\"delta\":9223372036854775808}", "{\"delta\":\"-1\"}", "{}", "[", "{\"delta\":0.5}"};
            for (final String body : badStock)
            {
                cases.add(new Case("stock " + body, edge.request("/admin/sales/s1/stock", admin)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), 400));
            }
            final String[] badSales = {
                "{\"saleId\":\"s1\"}",
                "{\"saleId\":1,\"stock\":1,\"limitPerUser\":1,\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2036-01-01T00:00:00Z\",\"reservationTtlSeconds\":5}",
                "{\"saleId\":\"n1\",\"stock\":4294967296,\"limitPerUser\":1,\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2036-01-01T00:00:00Z\",\"reservationTtlSeconds\":5}",
                "{\"saleId\":\"n2\",\"stock\":1,\"limitPerUser\":1,\"startsAt\":1,\"endsAt\":2,\"reservationTtlSeconds\":5}",
                "{\"saleId\":\"n3\",\"stock\":1,\"limitPerUser\":1,\"startsAt\":\"2026-01-01\",\"endsAt\":\"2036-01-01T00:00:00Z\",\"reservationTtlSeconds\":5}",
                "{\"saleId\":\"" + "n".repeat(65) + "\",\"stock\":1,\"limitPerUser\":1,\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2036-01-01T00:00:00Z\",\"reservationTtlSeconds\":5}",
                "{\"saleId\":\"n4\",\"stock\":1,\"limitPerUser\":-1,\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2036-01-01T00:00:00Z\",\"reservationTtlSeconds\":5}",
                "{\"saleId\":\"n5\",\"stock\":1,\"limitPerUser\":1,\"startsAt\":\"+999999999-01-01T00:00:00Z\",\"endsAt\":\"+1000000000-01-01T00:00:00Z\",\"reservationTtlSeconds\":5}",
            };
            for (final String body : badSales)
            {
                cases.add(new Case("sale " + body, edge.request("/admin/sales", admin)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), 400));
            }
            final String[] badBlocklists = {
                "{\"users\":[1,2]}", "{\"users\":[\"" + "u".repeat(65) + "\"]}", "{\"users\":[\"\"]}",
                "{\"users\":[\"a b\"]}", "{\"users\":[\"\u00e9\"]}", "{\"users\":[null]}", "{\"users\":null}",
                "{\"users\":[\"ok\",\"not ok\"]}", "{\"ips\":[\"host.example\"]}", "{\"ips\":\"127.0.0.1\"}",
                "{\"ips\":[\"\"]}", "[\"alice\"]"
            };
            for (final String body : badBlocklists)
            {
                cases.add(new Case("blocklist " + body, edge.request("/admin/blocklist", admin)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), 400));
            }
            for (final String id : new String[] {"", "a/b", "\u00e9t\u00e9", "a b", "s1\n"})
            {
                cases.add(new Case("sale id " + id, edge.request("/admin/sales", admin).POST(HttpRequest.BodyPublishers
                    .ofString(TestEdge.JSON.createObjectNode().put("saleId", id).put("stock", 1).put("limitPerUser", 1)
                        .put("startsAt", "2026-01-01T00:00:00Z").put("endsAt", "2036-01-01T00:00:00Z")
                        .put("reservationTtlSeconds", 5).toString())).build(), 400));
            }
            cases.add(new Case("bad sale id on GET", edge.request("/api/sales/" + "x".repeat(100), alice).GET().build(), 400));
            cases.add(new Case("odd sale id on GET", edge.request("/api/sales/a%3Cb", alice).GET().build(), 400));
            for (final String id : new String[] {"abc", "-5", "0", "1.5", "99999999999999999999", "1e3", "%20", "0x10"})
            {
                cases.add(new Case("order " + id, edge.request("/api/orders/" + id, alice).GET().build(), 404));
                cases.add(new Case("cancel " + id, edge.request("/api/orders/" + id + "/cancel", alice)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), 404));
            }
            cases.add(new Case("unknown route", edge.request("/api/nothing", alice).GET().build(), 404));
            // "/" is the shopper page now (docs/HTTP-API.md, "Pages"); a file the edge does not serve is still 404
            cases.add(new Case("unserved page", edge.request("/pages/index.html", null).GET().build(), 404));
            cases.add(new Case("unserved root file", edge.request("/index.html", null).GET().build(), 404));
            cases.add(new Case("traversal", edge.request("/api/sales/..%2F..%2Fetc", alice).GET().build(), 400));
            cases.add(new Case("wrong method", edge.request("/api/sales/s1/purchases", alice).GET().build(), 404));
            final String[][] wrongMethods = {
                {"PUT", "/api/sales/s1"}, {"DELETE", "/api/sales/s1"}, {"POST", "/api/sales/s1"},
                {"PUT", "/api/sales/s1/purchases"}, {"DELETE", "/api/sales/s1/purchases"},
                {"POST", "/api/orders/" + orderId}, {"DELETE", "/api/orders/" + orderId},
                {"GET", "/api/orders/" + orderId + "/cancel"}, {"DELETE", "/admin/sales"}, {"PUT", "/admin/sales"},
                {"GET", "/admin/sales/s1/stock"}, {"PATCH", "/admin/sales/s1/stock"}, {"GET", "/admin/sales/s1/pause"},
                {"GET", "/admin/sales/s1/resume"}, {"DELETE", "/admin/sales/s1/end"}, {"POST", "/admin/sales/s1/stats"},
                {"GET", "/admin/orders/" + orderId + "/confirm"}, {"GET", "/admin/blocklist"},
                {"DELETE", "/admin/blocklist"}, {"POST", "/health/live"}, {"POST", "/health/ready"},
                {"POST", "/metrics"}, {"OPTIONS", "/api/sales/s1"}, {"TRACE", "/api/sales/s1"}
            };
            for (final String[] m : wrongMethods)
            {
                final String token = m[1].startsWith("/admin") ? admin : alice;
                cases.add(new Case(m[0] + " " + m[1], edge.request(m[1], token)
                    .method(m[0], HttpRequest.BodyPublishers.ofString("{\"quantity\":1,\"delta\":-10}")).build(), 404));
            }

            for (final Case c : cases)
            {
                final TestEdge.Response r = edge.send(c.request());
                assertTrue(ALLOWED.contains(r.status()), () -> c.name() + " got " + r.status() + " " + r.body());
                assertEquals(c.expected(), r.status(), () -> c.name() + ": " + r.body());
                assertTrue(r.json().path("error").isTextual() && r.json().path("message").isTextual(),
                    () -> c.name() + " has no error body: " + r.body());
            }

            final String auth = "\r\nAuthorization: Bearer " + alice;
            final String json = "\r\nContent-Type: application/json";
            final List<RawCase> raw = List.of(
                new RawCase("bad escape in id", "GET /api/sales/% HTTP/1.1" + auth, "", 400),
                new RawCase("NUL in id", "GET /api/sales/s%001 HTTP/1.1" + auth, "", 400),
                new RawCase("invalid UTF-8 in id", "GET /api/sales/s%C31 HTTP/1.1" + auth, "", 400),
                new RawCase("raw non-ASCII id", "GET /api/sales/s\u00e91 HTTP/1.1" + auth, "", 400),
                new RawCase("encoded slash in id", "GET /api/sales/s1%2Fpurchases HTTP/1.1" + auth, "", 400),
                new RawCase("over-long order id", "GET /api/orders/" + "9".repeat(300) + " HTTP/1.1" + auth, "", 404),
                new RawCase("URI over 8 KiB", "GET /api/sales/" + "s".repeat(9000) + " HTTP/1.1" + auth, "", 414),
                new RawCase("headers over 8 KiB", "GET /api/sales/s1 HTTP/1.1\r\nAuthorization: Bearer "
                    + "a".repeat(9000), "", 431),
                new RawCase("bad Content-Length", "POST /api/sales/s1/purchases HTTP/1.1" + auth
                    + "\r\nIdempotency-Key: k" + json + "\r\nContent-Length: 1x", "{\"quantity\":1}", 400),
                new RawCase("negative Content-Length", "POST /api/sales/s1/purchases HTTP/1.1" + auth
                    + "\r\nIdempotency-Key: k" + json + "\r\nContent-Length: -1", "{\"quantity\":1}", 400),
                new RawCase("huge Content-Length", "POST /api/sales/s1/purchases HTTP/1.1" + auth
                    + "\r\nIdempotency-Key: k" + json + "\r\nContent-Length: 99999999999999999999", "{}", 400),
                new RawCase("Content-Length over 4 KiB", "POST /api/sales/s1/purchases HTTP/1.1" + auth
                    + "\r\nIdempotency-Key: k" + json + "\r\nContent-Length: 5000", "{\"quantity\":1}" + " ".repeat(4986), 413),
                new RawCase("chunked over 4 KiB", "POST /admin/sales HTTP/1.1\r\nAuthorization: Bearer " + admin + json
                    + "\r\nTransfer-Encoding: chunked", "1400\r\n" + "x".repeat(0x1400) + "\r\n0\r\n\r\n", 413),
                new RawCase("non-ASCII key", "POST /api/sales/s1/purchases HTTP/1.1" + auth
                    + "\r\nIdempotency-Key: cl\u00e9" + json + "\r\nContent-Length: 14", "{\"quantity\":1}", 400),
                new RawCase("unknown method", "BREW /api/sales/s1 HTTP/1.1" + auth, "", 404),
                new RawCase("bad chunk size", "POST /api/sales/s1/purchases HTTP/1.1" + auth + "\r\nIdempotency-Key: k"
                    + json + "\r\nTransfer-Encoding: chunked", "zz\r\n{\"quantity\":1}\r\n0\r\n\r\n", 400),
                new RawCase("Content-Length and chunked", "POST /api/sales/s1/purchases HTTP/1.1" + auth
                    + "\r\nIdempotency-Key: k" + json + "\r\nContent-Length: 14\r\nTransfer-Encoding: chunked",
                    "e\r\n{\"quantity\":1}\r\n0\r\n\r\n", 400),
                new RawCase("body cut short", "POST /api/sales/s1/purchases HTTP/1.1" + auth + "\r\nIdempotency-Key: k"
                    + json + "\r\nContent-Length: 20", "{\"quantity\":1}", 400, true),
                new RawCase("chunked body cut short", "POST /api/sales/s1/purchases HTTP/1.1" + auth
                    + "\r\nIdempotency-Key: k" + json + "\r\nTransfer-Encoding: chunked", "20\r\n{\"quantity\":1}", 400, true),
                // a 1 MiB chunk of which 8 KiB are sent: the answer must not wait for the rest
                new RawCase("endless chunked body", "POST /api/sales/s1/purchases HTTP/1.1" + auth
                    + "\r\nIdempotency-Key: k" + json + "\r\nTransfer-Encoding: chunked",
                    "100000\r\n" + "x".repeat(8192), 413));
            for (final RawCase c : raw)
            {
                final TestEdge.Response r = edge.raw(c.head(), c.body().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                    c.halfClose());
                assertTrue(ALLOWED.contains(r.status()), () -> c.name() + " got " + r.status() + " " + r.body());
                assertEquals(c.expected(), r.status(), () -> c.name() + ": " + r.body());
                assertEquals("application/json; charset=utf-8", r.contentType(), () -> c.name() + ": " + r.body());
                assertTrue(r.json().path("error").isTextual() && r.json().path("message").isTextual(),
                    () -> c.name() + " has no error body: " + r.body());
            }
            for (final String path : new String[] {"/api/sales/s1", "/api/orders/" + orderId, "/admin/sales/s1/stats"})
            {
                assertEquals(404, edge.send(edge.request(path, admin).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build()).status(), "HEAD " + path);
            }

            assertEquals(callsBefore, edge.gateway.totalCalls(), "no bad request reached the engine");
            final Reply.Sale after = edge.engineSale("s1");
            assertEquals(before, after, "engine state unchanged");
            assertEquals(statsBefore, edge.get("/admin/sales/s1/stats", edge.admin()).expect(200, null).body());
            assertEquals(statusBefore, saleFigures(edge));
            final com.fasterxml.jackson.databind.JsonNode blocked =
                edge.post("/admin/blocklist", admin, "{\"users\":[],\"ips\":[]}").expect(200, null).json();
            assertEquals(0, blocked.get("users").asInt(), "no bad blocklist request blocked anyone: " + blocked);
            assertEquals(0, blocked.get("ips").asInt(), "no bad blocklist request blocked an IP: " + blocked);
            assertEquals("RESERVED", ((Reply.Order)edge.engine.queryOrder(Long.parseLong(orderId), "alice")
                .get(10, TimeUnit.SECONDS)).status().name());
            if (edge.server.internalErrors() != 0)
            {
                fail("the 500 catch-all was hit " + edge.server.internalErrors() + " times");
            }
            final String metrics = edge.get("/metrics", null).body();
            assertTrue(!metrics.contains("code=\"500\""), metrics);
        }
    }

    /** The public status of s1 without {@code serverTime}, which moves with the clock. */
    private static JsonNode saleFigures(final TestEdge edge)
    {
        final com.fasterxml.jackson.databind.node.ObjectNode sale =
            (com.fasterxml.jackson.databind.node.ObjectNode)edge.get("/api/sales/s1", null).expect(200, null).json();
        sale.remove("serverTime");
        return sale;
    }
}
