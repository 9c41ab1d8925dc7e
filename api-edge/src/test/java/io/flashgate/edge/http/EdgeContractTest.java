package io.flashgate.edge.http;

import io.flashgate.client.ResultUnknownException;
import io.flashgate.client.OverloadedException;
import com.fasterxml.jackson.databind.JsonNode;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.SaleStatus;
import io.flashgate.testsupport.PrometheusSamples;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.flashgate.edge.http.TestEdge.eventually;
import static io.flashgate.testsupport.PrometheusSamples.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every route and every status / error code of docs/HTTP-API.md, over real HTTP against the real engine. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EdgeContractTest
{
    @TempDir
    Path dir;
    TestEdge edge;

    @BeforeEach
    void start() throws Exception
    {
        edge = TestEdge.start(dir);
    }

    @AfterEach
    void stop()
    {
        assertEquals(0, edge.server.internalErrors(), "no request may end in the 500 catch-all");
        edge.close();
    }

    @Test
    void saleStatusRouteAnswersFromTheCacheWithTheContractFields() throws Exception
    {
        edge.createSale("s1", 10, 2, 60).expect(201, null);
        eventually(() -> edge.get("/api/sales/s1", edge.shopper("u1")).status() == 200,
            "sale visible");
        final long before = edge.gateway.calls("querySale");
        final JsonNode sale = edge.get("/api/sales/s1", edge.shopper("u1")).expect(200, null).json();
        assertEquals("s1", sale.get("saleId").asText());
        assertEquals("OPEN", sale.get("status").asText());
        assertEquals(10, sale.get("remaining").asInt());
        assertEquals(2, sale.get("limitPerUser").asInt());
        assertTrue(sale.get("startsAt").asText().endsWith("Z"));
        Instant.parse(sale.get("startsAt").asText());
        Instant.parse(sale.get("endsAt").asText());
        assertTrue(sale.get("serverTime").asText().endsWith("Z"));
        Instant.parse(sale.get("serverTime").asText());
        assertEquals("FIRST_COME", sale.get("mode").asText());
        assertEquals(8, sale.size(), sale::toString);
        assertEquals(before, edge.gateway.calls("querySale"), "a cached sale is answered without the engine");
    }

    @Test
    void saleStatusIsPublicAndIgnoresAnyToken() throws Exception
    {
        edge.createSale("s1", 10, 2, 60).expect(201, null);
        final JsonNode withShopper = figures(edge.get("/api/sales/s1", edge.shopper("u1")).expect(200, null));
        final String noExp = com.auth0.jwt.JWT.create().withSubject("u1")
            .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(TestEdge.SECRET));
        final String[] ignored = {null, "not-a-jwt", new Tokens("other-secret").shopper("u1"),
            edge.tokens.mint("u1", null, Duration.ofSeconds(-10)), noExp, edge.admin()};
        for (final String token : ignored)
        {
            assertEquals(withShopper, figures(edge.get("/api/sales/s1", token).expect(200, null)), "token " + token);
        }
        edge.send(edge.request("/api/sales/s1", null).header("Authorization", "Basic YWxpY2U6cHc=").GET().build())
            .expect(200, null);
        edge.get("/api/sales/nope", null).expect(404, "UNKNOWN_SALE");
        edge.get("/api/sales/bad%20id", null).expect(400, "BAD_REQUEST");
    }

    @Test
    void saleStatusCarriesTheServerTimeAndIsCacheableForASecond() throws Exception
    {
        edge.createSale("s1", 10, 2, 60).expect(201, null);
        eventually(() -> edge.get("/api/sales/s1", null).status() == 200, "sale visible");
        final Instant before = Instant.now();
        final TestEdge.Response first = edge.get("/api/sales/s1", null).expect(200, null);
        final Instant after = Instant.now();
        final Instant serverTime = Instant.parse(first.json().get("serverTime").asText());
        assertFalse(serverTime.isBefore(before.minusMillis(1)) || serverTime.isAfter(after.plusMillis(1)),
            "serverTime is the edge's clock: " + serverTime + " not in [" + before + ", " + after + "]");
        assertEquals("public, max-age=1", first.headers().firstValue("Cache-Control").orElse(null));
        final String etag = first.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.matches("(W/)?\".+\""), etag);

        Thread.sleep(5);
        final TestEdge.Response second = edge.get("/api/sales/s1", null).expect(200, null);
        assertFalse(first.json().get("serverTime").equals(second.json().get("serverTime")), "the clock moved");
        assertEquals(etag, second.headers().firstValue("ETag").orElseThrow(), "the ETag does not follow serverTime");
    }

    @Test
    void aMatchingIfNoneMatchIs304WithoutABodyAndNewFiguresGetANewETag() throws Exception
    {
        edge.createSale("s1", 10, 2, 60).expect(201, null);
        eventually(() -> edge.get("/api/sales/s1", null).status() == 200, "sale visible");
        final String etag = edge.get("/api/sales/s1", null).expect(200, null).headers().firstValue("ETag").orElseThrow();
        final String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (final String ifNoneMatch : new String[] {etag, opaque, "W/" + opaque, "\"other\", " + etag, "*"})
        {
            final TestEdge.Response notModified = edge.send(edge.request("/api/sales/s1", null)
                .header("If-None-Match", ifNoneMatch).GET().build());
            assertEquals(304, notModified.status(), ifNoneMatch);
            assertEquals("", notModified.body(), "a 304 has no body");
            assertEquals(etag, notModified.headers().firstValue("ETag").orElse(null));
            assertEquals("public, max-age=1", notModified.headers().firstValue("Cache-Control").orElse(null));
        }
        edge.send(edge.request("/api/sales/s1", null).header("If-None-Match", "\"other\"").GET().build())
            .expect(200, null);

        edge.purchase("s1", "alice", "k", 1).expect(201, null);
        eventually(() -> edge.send(edge.request("/api/sales/s1", null).header("If-None-Match", etag).GET().build())
            .status() == 200, "the sale's new figures answered in full");
        final TestEdge.Response changed = edge.get("/api/sales/s1", null).expect(200, null);
        assertEquals(9, changed.json().get("remaining").asInt());
        assertFalse(etag.equals(changed.headers().firstValue("ETag").orElseThrow()), "remaining changed, so did the ETag");
        edge.send(edge.request("/api/sales/nope", null).header("If-None-Match", "*").GET().build())
            .expect(404, "UNKNOWN_SALE");
    }

    @Test
    void aSaleFetchedFromTheEngineCarriesTheSameHeaders() throws Exception
    {
        edge.gateway.dropBroadcasts = true;
        edge.engine.createSale("direct", 5, 1, System.currentTimeMillis() - 1000, System.currentTimeMillis() + 60_000, 60)
            .get(10, TimeUnit.SECONDS);
        final TestEdge.Response fetched = edge.get("/api/sales/direct", null).expect(200, null);
        assertEquals(1, edge.gateway.calls("querySale"), "a miss asks the engine");
        assertEquals("public, max-age=1", fetched.headers().firstValue("Cache-Control").orElse(null));
        final String etag = fetched.headers().firstValue("ETag").orElseThrow();
        final TestEdge.Response cached = edge.send(edge.request("/api/sales/direct", null)
            .header("If-None-Match", etag).GET().build());
        assertEquals(304, cached.status(), cached::body);
    }

    /** A status body without {@code serverTime}, which moves with the clock. */
    private static JsonNode figures(final TestEdge.Response response)
    {
        final com.fasterxml.jackson.databind.node.ObjectNode body =
            (com.fasterxml.jackson.databind.node.ObjectNode)response.json();
        assertTrue(body.remove("serverTime") != null, body::toString);
        return body;
    }

    @Test
    void saleStatusRouteFetchesOnceOnAMiss() throws Exception
    {
        edge.gateway.dropBroadcasts = true;
        edge.engine.createSale("direct", 5, 1, System.currentTimeMillis() - 1000, System.currentTimeMillis() + 60_000, 60)
            .get(10, TimeUnit.SECONDS);
        final JsonNode sale = edge.get("/api/sales/direct", edge.shopper("u1")).expect(200, null).json();
        assertEquals(5, sale.get("remaining").asInt());
        assertEquals(1, edge.gateway.calls("querySale"), "a miss asks the engine");
        edge.get("/api/sales/direct", edge.shopper("u1")).expect(200, null);
        assertEquals(1, edge.gateway.calls("querySale"), "second status read is served from the cache");
    }

    @Test
    void unknownSaleIs404() throws Exception
    {
        edge.get("/api/sales/nope", edge.shopper("u1")).expect(404, "UNKNOWN_SALE");
        edge.get("/api/sales/nope", null).expect(404, "UNKNOWN_SALE");
        edge.purchase("nope", "u1", "k1", 1).expect(404, "UNKNOWN_SALE");
        edge.post("/admin/sales/nope/pause", edge.admin(), "").expect(404, "UNKNOWN_SALE");
        edge.post("/admin/sales/nope/resume", edge.admin(), "").expect(404, "UNKNOWN_SALE");
        edge.post("/admin/sales/nope/end", edge.admin(), "").expect(404, "UNKNOWN_SALE");
        edge.get("/admin/sales/nope/stats", edge.admin()).expect(404, "UNKNOWN_SALE");
        edge.post("/admin/sales/nope/stock", edge.admin(), "{\"delta\":1}").expect(404, "UNKNOWN_SALE");
    }

    @Test
    void purchaseCreatesAReservationAndTheSameKeyReplaysIt() throws Exception
    {
        edge.createSale("s1", 10, 3, 60).expect(201, null);
        final JsonNode order = edge.purchase("s1", "alice", "key-1", 2).expect(201, null).json();
        assertTrue(order.get("orderId").isTextual(), "orderId is a string");
        final long orderId = Long.parseLong(order.get("orderId").asText());
        assertEquals("s1", order.get("saleId").asText());
        assertEquals("alice", order.get("userId").asText());
        assertEquals(2, order.get("quantity").asInt());
        assertEquals("RESERVED", order.get("status").asText());
        assertTrue(Instant.parse(order.get("expiresAt").asText()).isAfter(Instant.now()));

        final JsonNode again = edge.purchase("s1", "alice", "key-1", 2).expect(200, null).json();
        assertEquals(order, again, "a replay answers the original order");
        assertEquals(2, edge.engineSale("s1").reserved(), "the replay reserved nothing more");

        final JsonNode got = edge.get("/api/orders/" + orderId, edge.shopper("alice")).expect(200, null).json();
        assertEquals(order, got);
    }

    @Test
    void replayAfterSoldOutStillAnswersTheOriginalOrder() throws Exception
    {
        edge.createSale("s1", 1, 1, 60).expect(201, null);
        final JsonNode order = edge.purchase("s1", "alice", "k", 1).expect(201, null).json();
        eventually(() -> edge.purchase("s1", "bob", "k2", 1).error().equals("SOLD_OUT"), "sold out");
        final JsonNode again = edge.purchase("s1", "alice", "k", 1).expect(200, null).json();
        assertEquals(order.get("orderId"), again.get("orderId"));
    }

    @Test
    void businessRefusalsAre409WithTheirCodes() throws Exception
    {
        edge.createSale("s1", 3, 2, 60).expect(201, null);
        edge.purchase("s1", "alice", "a1", 2).expect(201, null);
        edge.purchase("s1", "alice", "a2", 1).expect(409, "LIMIT_EXCEEDED");
        edge.purchase("s1", "bob", "b1", 2).expect(409, "SOLD_OUT"); // only 1 left
        edge.purchase("s1", "bob", "b2", 1).expect(201, null);
        edge.purchase("s1", "carol", "c1", 1).expect(409, "SOLD_OUT");

        final Instant now = Instant.now();
        edge.createSale("later", 5, 1, now.plusSeconds(3600), now.plusSeconds(7200), 60).expect(201, null);
        edge.purchase("later", "alice", "l1", 1).expect(409, "NOT_STARTED");

        edge.createSale("p", 5, 1, 60).expect(201, null);
        final JsonNode paused = edge.post("/admin/sales/p/pause", edge.admin(), "").expect(200, null).json();
        assertEquals("PAUSED", paused.get("status").asText());
        edge.purchase("p", "alice", "p1", 1).expect(409, "SALE_PAUSED");
        assertEquals("PAUSED", edge.get("/api/sales/p", edge.shopper("x")).json().get("status").asText());
        final JsonNode resumed = edge.post("/admin/sales/p/resume", edge.admin(), "").expect(200, null).json();
        assertEquals("OPEN", resumed.get("status").asText());
        edge.purchase("p", "alice", "p2", 1).expect(201, null);
        final JsonNode ended = edge.post("/admin/sales/p/end", edge.admin(), "").expect(200, null).json();
        assertEquals("ENDED", ended.get("status").asText());
        edge.purchase("p", "bob", "p3", 1).expect(409, "SALE_ENDED");
        eventually(() -> "ENDED".equals(edge.get("/api/sales/p", edge.shopper("x")).json().get("status").asText()),
            "ENDED on the status route");
    }

    @Test
    void edgeAnswersAsTheEngineWouldWhenTheEngineIsAsked() throws Exception
    {
        // The same refusals straight from the engine (the edge's cache does not know these sales yet).
        final long now = System.currentTimeMillis();
        edge.engine.createSale("e1", 5, 1, now + 3_600_000, now + 7_200_000, 60).get(10, TimeUnit.SECONDS);
        edge.engine.createSale("e2", 5, 1, now - 1000, now + 3_600_000, 60).get(10, TimeUnit.SECONDS);
        edge.engine.pause("e2").get(10, TimeUnit.SECONDS);
        edge.engine.createSale("e3", 5, 1, now - 1000, now + 3_600_000, 60).get(10, TimeUnit.SECONDS);
        edge.engine.end("e3").get(10, TimeUnit.SECONDS);
        edge.purchase("e1", "u", "k1", 1).expect(409, "NOT_STARTED");
        edge.purchase("e2", "u", "k2", 1).expect(409, "SALE_PAUSED");
        edge.purchase("e3", "u", "k3", 1).expect(409, "SALE_ENDED");
    }

    @Test
    void ordersAreVisibleToTheirOwnerOnly() throws Exception
    {
        edge.createSale("s1", 10, 2, 60).expect(201, null);
        final String orderId = edge.purchase("s1", "alice", "k", 1).expect(201, null).json().get("orderId").asText();
        edge.get("/api/orders/" + orderId, edge.shopper("alice")).expect(200, null);
        edge.get("/api/orders/" + orderId, edge.shopper("mallory")).expect(404, "UNKNOWN_ORDER");
        edge.post("/api/orders/" + orderId + "/cancel", edge.shopper("mallory"), "").expect(404, "UNKNOWN_ORDER");
        edge.get("/api/orders/999999", edge.shopper("alice")).expect(404, "UNKNOWN_ORDER");
        edge.get("/api/orders/abc", edge.shopper("alice")).expect(404, "UNKNOWN_ORDER");
        edge.get("/api/orders/-1", edge.shopper("alice")).expect(404, "UNKNOWN_ORDER");
        edge.get("/api/orders/0", edge.shopper("alice")).expect(404, "UNKNOWN_ORDER");
        edge.get("/api/orders/99999999999999999999999", edge.shopper("alice")).expect(404, "UNKNOWN_ORDER");
        final long cancelsBefore = edge.gateway.calls("cancel");
        edge.post("/api/orders/999999/cancel", edge.shopper("alice"), "").expect(404, "UNKNOWN_ORDER");
        assertEquals(cancelsBefore + 1, edge.gateway.calls("cancel"), "the engine was asked about order 999999");
        assertEquals(1, edge.engineSale("s1").reserved(), "mallory's cancel changed nothing");
        assertEquals("RESERVED", edge.get("/api/orders/" + orderId, edge.shopper("alice")).json().get("status").asText());
    }

    @Test
    void cancelReturnsStockAndASecondCancelIs409() throws Exception
    {
        edge.createSale("s1", 1, 1, 60).expect(201, null);
        final String orderId = edge.purchase("s1", "alice", "k", 1).expect(201, null).json().get("orderId").asText();
        eventually(() -> "SOLD_OUT".equals(edge.get("/api/sales/s1", edge.shopper("x")).json().get("status").asText()),
            "sold out in the cache");
        final JsonNode cancelled = edge.post("/api/orders/" + orderId + "/cancel", edge.shopper("alice"), "")
            .expect(200, null).json();
        assertEquals("CANCELLED", cancelled.get("status").asText());
        assertEquals(orderId, cancelled.get("orderId").asText());
        edge.post("/api/orders/" + orderId + "/cancel", edge.shopper("alice"), "").expect(409, "ORDER_NOT_CANCELLABLE");
        edge.post("/admin/orders/" + orderId + "/confirm", edge.admin(), "").expect(409, "ORDER_NOT_CONFIRMABLE");
        assertEquals(1, edge.engineSale("s1").remaining(), "the stock went back to the sale");
        eventually(() -> "OPEN".equals(edge.get("/api/sales/s1", edge.shopper("x")).json().get("status").asText()),
            "open again in the cache");
        edge.purchase("s1", "bob", "k", 1).expect(201, null);
        edge.get("/api/orders/" + orderId, edge.shopper("alice")).expect(200, null);
        assertEquals("CANCELLED", edge.get("/api/orders/" + orderId, edge.shopper("alice")).json().get("status").asText());
    }

    @Test
    void unpaidReservationsExpire() throws Exception
    {
        edge.createSale("s1", 1, 1, 1).expect(201, null);
        final String orderId = edge.purchase("s1", "alice", "k", 1).expect(201, null).json().get("orderId").asText();
        Thread.sleep(1100);
        assertEquals("EXPIRED", edge.get("/api/orders/" + orderId, edge.shopper("alice")).expect(200, null)
            .json().get("status").asText());
        assertEquals(1, edge.engineSale("s1").remaining());
        edge.post("/api/orders/" + orderId + "/cancel", edge.shopper("alice"), "").expect(409, "ORDER_NOT_CANCELLABLE");
        edge.post("/admin/orders/" + orderId + "/confirm", edge.admin(), "").expect(409, "ORDER_NOT_CONFIRMABLE");
        final JsonNode replay = edge.purchase("s1", "alice", "k", 1).expect(200, null).json();
        assertEquals(orderId, replay.get("orderId").asText(), "the same key still names the expired order");
        assertEquals(1, edge.engineSale("s1").remaining(), "the replay reserved nothing");
    }

    @Test
    void adminCreatesSalesOnceAndValidatesThem() throws Exception
    {
        final JsonNode sale = edge.createSale("s1", 7, 2, 30).expect(201, null).json();
        assertEquals("s1", sale.get("saleId").asText());
        assertEquals(7, sale.get("stock").asInt());
        assertEquals(7, sale.get("remaining").asInt());
        assertEquals(30, sale.get("reservationTtlSeconds").asInt());
        edge.createSale("s1", 7, 2, 30).expect(409, "SALE_EXISTS");
        final Instant now = Instant.now();
        edge.createSale("s2", 7, 2, now, now.minusSeconds(1), 30).expect(400, "BAD_REQUEST");
        edge.createSale("s3", -1, 2, 30).expect(400, "BAD_REQUEST");
        edge.createSale("s4", 1, 0, 30).expect(400, "BAD_REQUEST");
        edge.createSale("s5", 1, 1, 0).expect(400, "BAD_REQUEST");
        edge.createSale("s6", 1, 1, 40_000_000).expect(400, "BAD_REQUEST"); // engine: INVALID_ARGUMENT
        edge.post("/admin/sales", edge.admin(), "{\"saleId\":\"x\",\"stock\":1}").expect(400, "BAD_REQUEST");
        edge.post("/admin/sales", edge.admin(), "{\"saleId\":\"x\",\"stock\":1,\"limitPerUser\":1,\"startsAt\":\"yesterday\","
            + "\"endsAt\":\"2030-01-01T00:00:00Z\",\"reservationTtlSeconds\":5}").expect(400, "BAD_REQUEST");
        edge.createSale("bad id!", 1, 1, 5).expect(400, "BAD_REQUEST");
        assertEquals(3, edge.gateway.calls("createSale"), "only s1 twice and s6 reached the engine");
    }

    @Test
    void stockCanGrowAndShrinkDownToWhatIsUnsold() throws Exception
    {
        edge.createSale("s1", 5, 5, 60).expect(201, null);
        edge.purchase("s1", "alice", "k", 3).expect(201, null);
        final JsonNode grown = edge.post("/admin/sales/s1/stock", edge.admin(), "{\"delta\":5}").expect(200, null).json();
        assertEquals(10, grown.get("stock").asInt());
        assertEquals(7, grown.get("remaining").asInt());
        edge.post("/admin/sales/s1/stock", edge.admin(), "{\"delta\":-7}").expect(200, null);
        edge.post("/admin/sales/s1/stock", edge.admin(), "{\"delta\":-1}").expect(409, "INSUFFICIENT_STOCK");
        edge.post("/admin/sales/s1/stock", edge.admin(), "{\"delta\":\"1\"}").expect(400, "BAD_REQUEST");
        edge.post("/admin/sales/s1/stock", edge.admin(), "{\"delta\":1099511627776}").expect(400, "BAD_REQUEST");
        edge.post("/admin/sales/s1/stock", edge.admin(), "{\"delta\":9223372036854775807}").expect(400, "BAD_REQUEST");
        edge.post("/admin/sales/s1/stock", edge.admin(), "{\"delta\":-9223372036854775808}")
            .expect(409, "INSUFFICIENT_STOCK");
        edge.post("/admin/sales/s1/stock", edge.admin(), "{\"delta\":-4294967296}").expect(409, "INSUFFICIENT_STOCK");
        assertEquals(3, edge.engineSale("s1").stock());
        assertEquals(0, edge.engineSale("s1").remaining());
    }

    @Test
    void adminEngineShowsTheEngineThisEdgeTalksTo() throws Exception
    {
        final JsonNode first = edge.get("/admin/engine", edge.admin()).expect(200, null).json();
        final List<String> fields = new java.util.ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("role", "epoch", "sequence", "durableSequence", "standby"), fields);
        // no standby exists yet: the engine runs alone, and says so
        assertEquals("SOLO", first.get("role").asText());
        assertEquals(0, first.get("epoch").asLong());
        assertEquals("ABSENT", first.get("standby").get("state").asText());
        assertEquals(0, first.get("standby").get("ackedSequence").asLong());
        assertEquals(0, first.get("standby").get("lagRecords").asLong());
        final long before = first.get("sequence").asLong();
        assertTrue(first.get("durableSequence").asLong() >= before, "the query itself is journaled before release");

        edge.createSale("s1", 5, 2, 60).expect(201, null);
        edge.purchase("s1", "alice", "k", 1).expect(201, null);
        final JsonNode after = edge.get("/admin/engine", edge.admin()).expect(200, null).json();
        // at least three commands later: the sale, the purchase and this query (liveness probes are commands too)
        assertTrue(after.get("sequence").asLong() >= before + 3, after::toString);
        assertTrue(after.get("durableSequence").asLong() >= after.get("sequence").asLong(), after::toString);
        edge.get("/admin/engine", edge.shopper("alice")).expect(403, "FORBIDDEN");
        edge.get("/admin/engine", null).expect(401, "UNAUTHENTICATED");
    }

    @Test
    void confirmAndStats() throws Exception
    {
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        final String orderId = edge.purchase("s1", "alice", "k", 2).expect(201, null).json().get("orderId").asText();
        final JsonNode confirmed = edge.post("/admin/orders/" + orderId + "/confirm", edge.admin(), "")
            .expect(200, null).json();
        assertEquals("CONFIRMED", confirmed.get("status").asText());
        assertEquals("CONFIRMED", edge.get("/api/orders/" + orderId, edge.shopper("alice")).expect(200, null)
            .json().get("status").asText());
        edge.post("/admin/orders/" + orderId + "/confirm", edge.admin(), "").expect(409, "ORDER_NOT_CONFIRMABLE");
        edge.post("/api/orders/" + orderId + "/cancel", edge.shopper("alice"), "").expect(409, "ORDER_NOT_CANCELLABLE");
        edge.post("/admin/orders/12345/confirm", edge.admin(), "").expect(404, "UNKNOWN_ORDER");
        edge.post("/admin/orders/x/confirm", edge.admin(), "").expect(404, "UNKNOWN_ORDER");
        final JsonNode stats = edge.get("/admin/sales/s1/stats", edge.admin()).expect(200, null).json();
        assertEquals(5, stats.get("stock").asInt());
        assertEquals(0, stats.get("reserved").asInt());
        assertEquals(2, stats.get("confirmed").asInt());
        assertEquals(3, stats.get("remaining").asInt());
        assertEquals(1, stats.get("buyers").asInt());
    }

    @Test
    void adminSalesListsEverySaleInCreationOrderWithItsStatusAndFigures() throws Exception
    {
        assertEquals("{\"sales\":[]}", edge.get("/admin/sales", edge.admin()).expect(200, null).body(),
            "an engine with no sale");
        final Instant now = Instant.now();
        // six sales: more than the first two windows of the listing (1 + 2), fewer than three (1 + 2 + 4)
        edge.createSale("open", 5, 2, 60).expect(201, null);
        edge.createSale("later", 3, 1, now.plusSeconds(3600), now.plusSeconds(7200), 60).expect(201, null);
        edge.createSale("paused", 4, 2, 60).expect(201, null);
        edge.createSale("sold", 1, 1, 60).expect(201, null);
        edge.createSale("ended", 2, 2, 60).expect(201, null);
        edge.createSale("last", 9, 3, 60).expect(201, null);
        edge.purchase("open", "alice", "k", 2).expect(201, null);
        edge.purchase("sold", "bob", "k", 1).expect(201, null);
        edge.post("/admin/sales/paused/pause", edge.admin(), "").expect(200, null);
        edge.post("/admin/sales/ended/end", edge.admin(), "").expect(200, null);

        final JsonNode list = edge.get("/admin/sales", edge.admin()).expect(200, null).json();
        final List<String> ids = new java.util.ArrayList<>();
        final Map<String, String> statuses = new TreeMap<>();
        for (final JsonNode sale : list.get("sales"))
        {
            ids.add(sale.get("saleId").asText());
            statuses.put(sale.get("saleId").asText(), sale.get("status").asText());
            // each entry is the sale as GET /admin/sales/{saleId}/stats answers it, field for field
            assertEquals(edge.get("/admin/sales/" + sale.get("saleId").asText() + "/stats", edge.admin())
                .expect(200, null).json(), sale);
        }
        assertEquals(List.of("open", "later", "paused", "sold", "ended", "last"), ids);
        assertEquals(Map.of("open", "OPEN", "later", "SCHEDULED", "paused", "PAUSED", "sold", "SOLD_OUT", "ended",
            "ENDED", "last", "OPEN"), statuses);
        final JsonNode open = list.get("sales").get(0);
        assertEquals(List.of("saleId", "status", "stock", "reserved", "confirmed", "remaining", "buyers",
            "limitPerUser", "startsAt", "endsAt", "reservationTtlSeconds", "mode", "accountsPerAddress"),
            fieldNames(open));
        assertEquals(2, open.get("reserved").asInt());
        assertEquals(3, open.get("remaining").asInt());
        assertEquals(1, open.get("buyers").asInt());
        assertEquals(1 + 2 + 4, edge.gateway.calls("querySaleAt") - 1, "windows of 1, 2 and 4 indexes (and the " +
            "empty listing's one)");

        edge.get("/admin/sales", edge.shopper("alice")).expect(403, "FORBIDDEN");
        edge.get("/admin/sales", null).expect(401, "UNAUTHENTICATED");
        edge.send(edge.request("/admin/sales", edge.admin()).method("PUT", HttpRequest.BodyPublishers.noBody())
            .build()).expect(404, "NOT_FOUND");
    }

    private static List<String> fieldNames(final JsonNode node)
    {
        final List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void authIs401ForBadTokensAnd403ForShoppersOnOperatorRoutes() throws Exception
    {
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        // the sale status is public (it reads no token); the order route stands for every route that needs one
        final String orderRoute = "/api/orders/1";
        edge.get(orderRoute, null).expect(401, "UNAUTHENTICATED");
        edge.get(orderRoute, "not-a-jwt").expect(401, "UNAUTHENTICATED");
        edge.get(orderRoute, new Tokens("other-secret").shopper("u1")).expect(401, "UNAUTHENTICATED");
        edge.get(orderRoute, edge.tokens.mint("u1", null, Duration.ofSeconds(-10))).expect(401, "UNAUTHENTICATED");
        final String noExp = com.auth0.jwt.JWT.create().withSubject("u1")
            .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(TestEdge.SECRET));
        edge.get(orderRoute, noExp).expect(401, "UNAUTHENTICATED");
        final String badSub = com.auth0.jwt.JWT.create().withSubject("bad user!").withExpiresAt(Instant.now().plusSeconds(60))
            .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(TestEdge.SECRET));
        edge.get(orderRoute, badSub).expect(401, "UNAUTHENTICATED");
        assertEquals(0, edge.gateway.calls("queryOrder"), "no unauthenticated order read reached the engine");
        for (final String token : new String[] {null, "not-a-jwt", noExp, badSub})
        {
            edge.get("/api/sales/s1", token).expect(200, null);
        }
        final String none = com.auth0.jwt.JWT.create().withSubject("u1").withExpiresAt(Instant.now().plusSeconds(60))
            .withClaim("role", "admin").sign(com.auth0.jwt.algorithms.Algorithm.none());
        edge.get("/admin/sales/s1/stats", none).expect(401, "UNAUTHENTICATED");
        edge.get("/admin/sales/s1/stats", edge.shopper("u1")).expect(403, "FORBIDDEN");
        edge.post("/admin/sales/s1/end", edge.shopper("u1"), "").expect(403, "FORBIDDEN");
        edge.post("/admin/blocklist", edge.shopper("u1"), "{\"users\":[\"u2\"]}").expect(403, "FORBIDDEN");
        edge.get("/admin/sales/s1/stats", edge.admin()).expect(200, null);
        assertEquals("OPEN", edge.engineSale("s1").status().name(), "the shopper's end did not reach the engine");
    }

    @Test
    void blocklistedUsersAreRefused() throws Exception
    {
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        edge.post("/admin/blocklist", edge.admin(), "{\"users\":[\"bot1\"]}").expect(200, null);
        edge.purchase("s1", "bot1", "k", 1).expect(403, "BLOCKED");
        // the sale status is public: it reads no token, so it cannot tell bot1 from anyone (its IP would be refused)
        edge.get("/api/sales/s1", edge.shopper("bot1")).expect(200, null);
        final String orderId = edge.purchase("s1", "human", "k", 1).expect(201, null).json().get("orderId").asText();
        final long callsBefore = edge.gateway.totalCalls();
        edge.get("/api/orders/" + orderId, edge.shopper("bot1")).expect(403, "BLOCKED");
        edge.post("/api/orders/" + orderId + "/cancel", edge.shopper("bot1"), "").expect(403, "BLOCKED");
        assertEquals(callsBefore, edge.gateway.totalCalls(), "blocked requests never reach the engine");
        edge.post("/admin/blocklist", edge.admin(), "{\"users\":[\"bad id!\"]}").expect(400, "BAD_REQUEST");
        edge.post("/admin/blocklist", edge.admin(), "{\"users\":\"bot2\"}").expect(400, "BAD_REQUEST");
        edge.post("/admin/blocklist", edge.admin(), "{\"ips\":[\"<script>\"]}").expect(400, "BAD_REQUEST");
        edge.post("/admin/blocklist", edge.admin(), "{}").expect(400, "BAD_REQUEST");
        assertEquals(1, edge.engineSale("s1").reserved());
    }

    @Test
    void blocklistedIpsAreRefused() throws Exception
    {
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        edge.post("/admin/blocklist", edge.admin(), "{\"ips\":[\"127.0.0.1\",\"::1\"]}").expect(200, null);
        edge.purchase("s1", "anyone", "k", 1).expect(403, "BLOCKED");
        edge.get("/api/sales/s1", null).expect(403, "BLOCKED");
        edge.get("/api/sales/not-cached", null).expect(403, "BLOCKED");
        assertEquals(0, edge.gateway.calls("purchase") + edge.gateway.calls("querySale"));
    }

    @Test
    void oversizeBodyIs413() throws Exception
    {
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        final String big = "{\"quantity\":1,\"pad\":\"" + "x".repeat(5000) + "\"}";
        edge.send(edge.purchaseRequest("s1", edge.shopper("u"), "k", big)).expect(413, "PAYLOAD_TOO_LARGE");
        // before auth: even without a token
        edge.send(edge.purchaseRequest("s1", null, "k", big)).expect(413, "PAYLOAD_TOO_LARGE");
        assertEquals(0, edge.gateway.calls("purchase"));
    }

    @Test
    void secondPurchaseInFlightForTheSameUserIs429() throws Exception
    {
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        final CompletableFuture<Void> gate = new CompletableFuture<>();
        edge.gateway.intercept((command, real) ->
            "purchase".equals(command) ? gate.thenCompose(v -> real.get()) : null);
        final CompletableFuture<TestEdge.Response> first =
            edge.sendAsync(edge.purchaseRequest("s1", edge.shopper("alice"), "k1", "{\"quantity\":1}"));
        eventually(() -> edge.gateway.calls("purchase") == 1, "first purchase at the engine");
        final TestEdge.Response second = edge.purchase("s1", "alice", "k2", 1).expect(429, "RATE_LIMITED");
        assertTrue(second.headers().firstValue("Retry-After").isPresent());
        // another user is not held back: bob's purchase reaches the engine while alice's is in flight
        final CompletableFuture<TestEdge.Response> bob =
            edge.sendAsync(edge.purchaseRequest("s1", edge.shopper("bob"), "k3", "{\"quantity\":1}"));
        eventually(() -> edge.gateway.calls("purchase") == 2, "bob's purchase at the engine");
        gate.complete(null);
        first.get(10, TimeUnit.SECONDS).expect(201, null);
        bob.get(10, TimeUnit.SECONDS).expect(201, null);
        edge.purchase("s1", "alice", "k4", 1).expect(201, null);
    }

    @Test
    void engineBackPressureIs503AndNoAnswerIs504() throws Exception
    {
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        edge.gateway.intercept((command, real) -> "purchase".equals(command) ?
            CompletableFuture.failedFuture(new OverloadedException("ring full")) : null);
        final TestEdge.Response overloaded = edge.purchase("s1", "alice", "k", 1).expect(503, "OVERLOADED");
        assertTrue(overloaded.headers().firstValue("Retry-After").isPresent());

        edge.gateway.intercept((command, real) -> "purchase".equals(command) ?
            CompletableFuture.failedFuture(new ResultUnknownException("timeout")) : null);
        edge.purchase("s1", "alice", "k", 1).expect(504, "RESULT_UNKNOWN");

        edge.gateway.intercept((command, real) -> null);
        edge.purchase("s1", "alice", "k", 1).expect(201, null);
    }

    @Test
    void edgeTimeoutIs504AndTheRetryWithTheSameKeyGetsTheOrder(@TempDir final Path other) throws Exception
    {
        edge.close();
        edge = TestEdge.start(other, TestEdge.config().withReplyTimeout(Duration.ofSeconds(1)));
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        final CompletableFuture<Void> gate = new CompletableFuture<>();
        edge.gateway.intercept((command, real) ->
            "purchase".equals(command) ? gate.thenCompose(v -> real.get()) : null);
        final long start = System.nanoTime();
        edge.purchase("s1", "alice", "k", 1).expect(504, "RESULT_UNKNOWN");
        // at the edge's 1 s timeout, not the client's 20 s: 10 s leaves room for a busy machine
        final long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis >= 1_000 && tookMillis < 10_000, "504 after " + tookMillis + " ms, at the 1 s timeout");
        // the engine gets the held purchase late ("is back"): it is applied, though its answer went nowhere
        gate.complete(null);
        edge.gateway.intercept((command, real) -> null);
        eventually(() -> edge.engine.querySale("s1").join() instanceof Reply.Sale sale && sale.reserved() == 1,
            "the held purchase applied");
        final JsonNode retry = edge.purchase("s1", "alice", "k", 1).expect(200, null).json();
        assertEquals("alice", retry.get("userId").asText());
        assertEquals("RESERVED", retry.get("status").asText());
        assertEquals(1, edge.engineSale("s1").reserved(), "one order in all");
    }

    @Test
    void userRateLimitIs429WithRetryAfter(@TempDir final Path other) throws Exception
    {
        edge.close();
        edge = TestEdge.start(other, TestEdge.config().withUserRate(0.5, 3));
        edge.createSale("s1", 100, 1, 60).expect(201, null);
        final Instant now = Instant.now();
        edge.createSale("later", 100, 1, now.plusSeconds(3600), now.plusSeconds(7200), 60).expect(201, null);
        for (int i = 0; i < 3; i++)
        {
            edge.purchase("later", "greedy", "l" + i, 1).expect(409, "NOT_STARTED"); // answered at the edge
        }
        final TestEdge.Response limited = edge.purchase("later", "greedy", "l3", 1).expect(429, "RATE_LIMITED");
        assertTrue(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        edge.purchase("s1", "greedy", "k", 1).expect(429, "RATE_LIMITED");
        edge.get("/api/orders/1", edge.shopper("greedy")).expect(429, "RATE_LIMITED");
        edge.purchase("later", "patient", "l0", 1).expect(409, "NOT_STARTED");
        // the public sale status reads no token, so no user's bucket applies to it
        edge.get("/api/sales/s1", edge.shopper("greedy")).expect(200, null);
        assertEquals(0, edge.gateway.calls("purchase") + edge.gateway.calls("queryOrder"));
    }

    @Test
    void ipRateLimitIs429(@TempDir final Path other) throws Exception
    {
        edge.close();
        edge = TestEdge.start(other, TestEdge.config().withIpRate(0.5, 2));
        edge.createSale("s1", 100, 1, 60).expect(201, null);
        edge.get("/api/sales/s1", edge.shopper("a")).expect(200, null);
        edge.get("/api/sales/s1", edge.shopper("b")).expect(200, null);
        final TestEdge.Response limited = edge.get("/api/sales/s1", edge.shopper("c")).expect(429, "RATE_LIMITED");
        assertTrue(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        assertEquals(0, edge.gateway.calls("querySale"), "the cached sale was served without the engine");
    }

    @Test
    void healthAndMetrics() throws Exception
    {
        edge.get("/health/live", null).expect(200, null);
        edge.get("/health/ready", null).expect(200, null);
        edge.gateway.reachable = false;
        edge.get("/health/ready", null).expect(503, "NOT_READY");
        edge.gateway.reachable = null;
        edge.createSale("s1", 1, 1, 60).expect(201, null);
        edge.purchase("s1", "alice", "k", 1).expect(201, null);
        edge.get("/api/sales/s1", edge.shopper("bob")).expect(200, null);
        eventually(() -> edge.purchase("s1", "bob", "k", 1).status() == 409, "sold out");
        final TestEdge.Response metrics = edge.get("/metrics", null);
        assertEquals(200, metrics.status());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        final String text = metrics.body();
        final String purchases = "/api/sales/{saleId}/purchases";
        assertEquals(1, value(text, "flashgate_edge_requests_total", "method", "POST", "route", purchases, "code", "201"));
        assertEquals(1, value(text, "flashgate_edge_purchases_total", "outcome", "CREATED", "where", "engine"));
        assertTrue(value(text, "flashgate_edge_requests_total", "method", "POST", "route", purchases, "code", "409") >= 1);
        assertEquals(1, value(text, "flashgate_edge_requests_total", "method", "GET", "route", "/health/ready", "code", "503"));
        assertFalse(PrometheusSamples.values(text, "flashgate_edge_purchases_total", "outcome", "SOLD_OUT").isEmpty(), text);
        assertTrue(value(text, "flashgate_edge_engine_latency_seconds", "quantile", "0.99") > 0);
        assertEquals(0, value(text, "flashgate_edge_internal_errors_total"));
        assertTrue(text.contains("# TYPE flashgate_edge_engine_latency_seconds summary"), text);
    }

    @Test
    void trafficCountsThisEdgesAnswersToASalesPurchasesByOutcome() throws Exception
    {
        edge.createSale("s1", 2, 1, 60).expect(201, null);
        edge.get("/admin/sales/s1/traffic", null).expect(401, "UNAUTHENTICATED");
        edge.get("/admin/sales/s1/traffic", edge.shopper("u1")).expect(403, "FORBIDDEN");
        edge.get("/admin/sales/nope/traffic", edge.admin()).expect(404, "UNKNOWN_SALE");
        edge.get("/admin/sales/bad%20id/traffic", edge.admin()).expect(400, "BAD_REQUEST");
        final JsonNode empty = edge.get("/admin/sales/s1/traffic", edge.admin()).expect(200, null).json();
        assertEquals(0, empty.get("outcomes").size(), empty::toString);
        assertEquals(0, empty.get("latencyMs").get("count").asLong(), empty::toString);

        edge.purchase("s1", "u1", "k1", 1).expect(201, null);
        edge.purchase("s1", "u1", "k1", 1).expect(200, null);
        edge.purchase("s1", "u1", "k2", 1).expect(409, "LIMIT_EXCEEDED");
        edge.purchase("s1", "u2", "k1", 1).expect(201, null);
        eventually(() -> "SOLD_OUT".equals(edge.get("/api/sales/s1", null).json().get("status").asText()), "sold out");
        edge.purchase("s1", "u3", "k1", 1).expect(409, "SOLD_OUT");
        edge.purchase("s1", "u4", "k1", 5).expect(400, "BAD_REQUEST");
        edge.send(edge.purchaseRequest("s1", null, "k1", "{\"quantity\":1}")).expect(401, "UNAUTHENTICATED");
        edge.purchase("ghost", "u1", "k1", 1).expect(404, "UNKNOWN_SALE");

        final JsonNode traffic = edge.get("/admin/sales/s1/traffic", edge.admin()).expect(200, null).json();
        assertEquals("s1", traffic.get("saleId").asText());
        Instant.parse(traffic.get("serverTime").asText());
        assertEquals(PurchaseCounts.of("CREATED", 2, "REPLAYED", 1, "LIMIT_EXCEEDED", 1, "SOLD_OUT", 1, "BAD_REQUEST", 1,
            "UNAUTHENTICATED", 1), PurchaseCounts.of(traffic.get("outcomes")));
        final JsonNode latency = traffic.get("latencyMs");
        assertEquals(7, latency.get("count").asLong(), "every answer since the last window: " + latency);
        assertTrue(latency.get("windowMs").asLong() >= 0, latency::toString);
        assertTrue(latency.get("p50").asDouble() > 0, latency::toString);
        assertTrue(latency.get("p50").asDouble() <= latency.get("p90").asDouble(), latency::toString);
        assertTrue(latency.get("p90").asDouble() <= latency.get("p99").asDouble(), latency::toString);
        assertTrue(latency.get("p99").asDouble() <= latency.get("max").asDouble(), latency::toString);
        // a sale the edge never heard of is not tracked: posting to made-up ids cannot grow the edge's tables
        edge.get("/admin/sales/ghost/traffic", edge.admin()).expect(404, "UNKNOWN_SALE");
    }

    /** Outcome counts as a sorted map, for one assertion over all of them. */
    private static final class PurchaseCounts
    {
        static Map<String, Long> of(final Object... codeThenCount)
        {
            final Map<String, Long> out = new TreeMap<>();
            for (int i = 0; i < codeThenCount.length; i += 2)
            {
                out.put((String)codeThenCount[i], ((Number)codeThenCount[i + 1]).longValue());
            }
            return out;
        }

        static Map<String, Long> of(final JsonNode outcomes)
        {
            final Map<String, Long> out = new TreeMap<>();
            outcomes.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
            return out;
        }
    }

    @Test
    void thePagesAreServedByTheEdgeWithNothingFromElsewhere() throws Exception
    {
        final String[][] files = {
            {"/", "text/html"}, {"/?sale=s1", "text/html"}, {"/console", "text/html"},
            {"/pages/shopper.js", "text/javascript"}, {"/pages/console.js", "text/javascript"},
            {"/pages/common.js", "text/javascript"}, {"/pages/pages.css", "text/css"},
            {"/pages/chart.umd.min.js", "text/javascript"}};
        for (final String[] file : files)
        {
            final TestEdge.Response page = edge.get(file[0], null);
            assertEquals(200, page.status(), file[0]);
            assertEquals(file[1] + "; charset=utf-8", page.contentType(), file[0]);
            assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElse(""), file[0]);
            final String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(policy.contains("default-src 'self'") && policy.contains("connect-src 'self'"), policy);
            assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
            final String etag = page.headers().firstValue("ETag").orElseThrow();
            final TestEdge.Response again = edge.send(edge.request(file[0], null).header("If-None-Match", etag).GET().build());
            assertEquals(304, again.status(), file[0]);
            assertEquals("", again.body());
            if (!file[0].contains("chart"))
            {
                // nothing the pages load or call comes from another host
                assertFalse(page.body().matches("(?s).*(src|href)=\"(https?:)?//.*"), file[0]);
                assertFalse(page.body().contains("fetch('http"), file[0]);
            }
        }
        assertTrue(edge.get("/", null).body().contains("/pages/shopper.js"));
        assertTrue(edge.get("/console", null).body().contains("/pages/chart.umd.min.js"));
        assertTrue(edge.get("/pages/chart.umd.min.js", null).body().contains("Chart"));
        edge.get("/pages/nope.js", null).expect(404, "NOT_FOUND");
        edge.get("/pages/..%2Fpom.xml", null).expect(404, "NOT_FOUND");
        edge.get("/pages/", null).expect(404, "NOT_FOUND");
        edge.post("/", null, "{}").expect(404, "NOT_FOUND");
        edge.post("/console", null, "{}").expect(404, "NOT_FOUND");
    }

    @Test
    void unknownRoutesAre404WithTheErrorBody() throws Exception
    {
        edge.get("/nope", null).expect(404, "NOT_FOUND");
        edge.get("/api/sales", edge.shopper("u")).expect(404, "NOT_FOUND");
        edge.post("/api/whatever", edge.shopper("u"), "{}").expect(404, "NOT_FOUND");
        edge.send(edge.request("/api/sales/s1", edge.shopper("u")).DELETE().build()).expect(404, "NOT_FOUND");
    }

    @Test
    void saleStatusFollowsTheClock() throws Exception
    {
        // the edge and the engine read the wall clock: the checks before the switch get 3 s, ten times what they
        // take on a busy machine, and the switch itself is waited for rather than slept through; the engine keeps
        // times in milliseconds, so the test's own must be whole milliseconds to compare with its answers
        final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        final Instant switchAt = now.plusSeconds(3);
        edge.createSale("soon", 5, 1, switchAt, now.plusSeconds(3600), 60).expect(201, null);
        edge.createSale("brief", 5, 1, now.minusSeconds(1), switchAt, 60).expect(201, null);
        final TestEdge.Response scheduled = edge.get("/api/sales/soon", edge.shopper("u"));
        assertEquals("SCHEDULED", scheduled.json().get("status").asText());
        edge.purchase("soon", "u", "k", 1).expect(409, "NOT_STARTED");
        assertEquals("OPEN", edge.get("/api/sales/brief", edge.shopper("u")).json().get("status").asText());
        assertTrue(Instant.now().isBefore(switchAt), "the checks before the switch took longer than 3 s");
        eventually(() -> "ENDED".equals(edge.get("/api/sales/brief", edge.shopper("u")).json().get("status").asText()),
            "brief ends at " + switchAt);
        assertFalse(Instant.now().isBefore(switchAt), "ended before its end " + switchAt);
        edge.purchase("brief", "u", "k", 1).expect(409, "SALE_ENDED");
        final TestEdge.Response opened = edge.get("/api/sales/soon", edge.shopper("u"));
        assertEquals("OPEN", opened.json().get("status").asText());
        assertFalse(scheduled.headers().firstValue("ETag").equals(opened.headers().firstValue("ETag")),
            "the ETag follows the status the clock gives");
        edge.purchase("soon", "u", "k2", 1).expect(201, null);
        final Reply.Sale sale = edge.engineSale("soon");
        assertEquals(SaleStatus.OPEN, sale.status());
        assertFalse(sale.reserved() == 0);
    }

    @Test
    void quantityAboveTheKnownLimitIs400AtTheEdge() throws Exception
    {
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        edge.get("/api/sales/s1", edge.shopper("u")).expect(200, null);
        edge.purchase("s1", "u", "k", 3).expect(400, "BAD_REQUEST");
        assertEquals(0, edge.gateway.calls("purchase"));
        final HttpRequest noKey = edge.purchaseRequest("s1", edge.shopper("u"), null, "{\"quantity\":1}");
        edge.send(noKey).expect(400, "BAD_REQUEST");
    }

    @Test
    void quantityAboveTheLimitIs400EvenWhenOnlyTheEngineKnowsTheLimit() throws Exception
    {
        edge.gateway.dropBroadcasts = true;
        final long now = System.currentTimeMillis();
        edge.engine.createSale("direct", 5, 2, now - 1000, now + 60_000, 60).get(10, TimeUnit.SECONDS);
        edge.purchase("direct", "u", "k", 3).expect(400, "BAD_REQUEST");
        edge.purchase("direct", "u", "k2", 9_223_372_036_854_775_807L).expect(400, "BAD_REQUEST");
        assertEquals(2, edge.gateway.calls("purchase"), "the edge could not know the limit: the engine refused");
        assertEquals(0, edge.engineSale("direct").reserved());
        edge.purchase("direct", "u", "k3", 2).expect(201, null);
    }

    /** {@link #engineBoundRequests} but the public sale status: every route that needs a token. */
    private List<HttpRequest> tokenRequests(final String shopper, final String admin, final String orderId,
        final String user)
    {
        return engineBoundRequests(shopper, admin, orderId, user).stream()
            .filter(request -> !request.uri().getPath().equals("/api/sales/not-cached")).toList();
    }

    /** One request of each route that goes to the engine, for the forced-failure and auth tables. */
    private List<HttpRequest> engineBoundRequests(final String shopper, final String admin, final String orderId,
        final String user)
    {
        final Instant now = Instant.now();
        return List.of(
            edge.request("/api/sales/not-cached", shopper).GET().build(),
            edge.purchaseRequest("s1", shopper, "k-" + user, "{\"quantity\":1}"),
            edge.request("/api/orders/" + orderId, shopper).GET().build(),
            edge.request("/api/orders/" + orderId + "/cancel", shopper).POST(HttpRequest.BodyPublishers.noBody()).build(),
            edge.request("/admin/sales", admin).POST(HttpRequest.BodyPublishers.ofString("{\"saleId\":\"new-" + user
                + "\",\"stock\":1,\"limitPerUser\":1,\"startsAt\":\"" + now + "\",\"endsAt\":\"" + now.plusSeconds(60)
                + "\",\"reservationTtlSeconds\":5}")).build(),
            edge.request("/admin/sales", admin).GET().build(),
            edge.request("/admin/sales/s1/stock", admin).POST(HttpRequest.BodyPublishers.ofString("{\"delta\":1}")).build(),
            edge.request("/admin/sales/s1/pause", admin).POST(HttpRequest.BodyPublishers.noBody()).build(),
            edge.request("/admin/sales/s1/resume", admin).POST(HttpRequest.BodyPublishers.noBody()).build(),
            edge.request("/admin/sales/s1/end", admin).POST(HttpRequest.BodyPublishers.noBody()).build(),
            edge.request("/admin/sales/s1/stats", admin).GET().build(),
            edge.request("/admin/orders/" + orderId + "/confirm", admin).POST(HttpRequest.BodyPublishers.noBody()).build(),
            edge.request("/admin/engine", admin).GET().build());
    }

    @Test
    void everyEngineRouteAnswers503OnBackPressureAnd504WithoutAnAnswer(@TempDir final Path other) throws Exception
    {
        edge.close();
        edge = TestEdge.start(other, TestEdge.config().withReplyTimeout(Duration.ofSeconds(1)));
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        final String orderId = edge.purchase("s1", "alice", "k0", 1).expect(201, null).json().get("orderId").asText();
        final Reply.Sale before = edge.engineSale("s1");
        final String alice = edge.shopper("alice");
        final String admin = edge.admin();

        // back-pressure (the transport refused the message) and a transport that throws: 503 OVERLOADED + Retry-After
        final List<java.util.function.Supplier<CompletableFuture<Reply>>> refusals = List.of(
            () -> CompletableFuture.failedFuture(new OverloadedException("ring full")),
            () ->
            {
                throw new RuntimeException("publication closed", null, false, false)
                {
                };
            });
        int round = 0;
        for (final java.util.function.Supplier<CompletableFuture<Reply>> refusal : refusals)
        {
            edge.gateway.intercept((command, real) -> refusal.get());
            for (final HttpRequest request : engineBoundRequests(alice, admin, orderId, "r" + round++))
            {
                final long calls = edge.gateway.totalCalls();
                final TestEdge.Response r = edge.send(request);
                assertEquals(503, r.status(), () -> request + ": " + r.body());
                r.expect(503, "OVERLOADED");
                assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElse("0")) >= 1, request::toString);
                assertEquals(calls + 1, edge.gateway.totalCalls(), () -> request + " reached the gateway");
            }
        }

        // the engine says it does not know (gateway timeout): 504 RESULT_UNKNOWN
        edge.gateway.intercept((command, real) ->
            CompletableFuture.failedFuture(new ResultUnknownException("no reply")));
        for (final HttpRequest request : engineBoundRequests(alice, admin, orderId, "r" + round++))
        {
            edge.send(request).expect(504, "RESULT_UNKNOWN");
        }

        // no answer at all: the edge's own timeout, for all routes at once, well before the client's
        edge.gateway.intercept((command, real) -> new CompletableFuture<>());
        final long start = System.nanoTime();
        final List<CompletableFuture<TestEdge.Response>> pending = new java.util.ArrayList<>();
        for (final HttpRequest request : engineBoundRequests(alice, admin, orderId, "r" + round++))
        {
            pending.add(edge.sendAsync(request));
        }
        for (final CompletableFuture<TestEdge.Response> answer : pending)
        {
            answer.get(15, TimeUnit.SECONDS).expect(504, "RESULT_UNKNOWN");
        }
        // at the edge's 1 s timeout, not the client's 20 s: 10 s leaves room for a busy machine
        final long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis < 10_000, "504s come at the edge's timeout: all after " + tookMillis + " ms");

        edge.gateway.intercept((command, real) -> null);
        assertEquals(before, edge.engineSale("s1"), "nothing forced reached the engine");
        assertEquals(1, edge.engineSale("s1").reserved());
        edge.purchase("s1", "bob", "k", 1).expect(201, null);
    }

    @Test
    void admissionLimitIs503OverloadedWithRetryAfterForShoppersOnly(@TempDir final Path other) throws Exception
    {
        edge.close();
        edge = TestEdge.start(other, TestEdge.config().withMaxInFlight(1));
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        eventually(() -> edge.get("/api/sales/s1", edge.shopper("x")).status() == 200, "sale cached");
        final CompletableFuture<Void> gate = new CompletableFuture<>();
        edge.gateway.intercept((command, real) -> "purchase".equals(command) ? gate.thenCompose(v -> real.get()) : null);
        final CompletableFuture<TestEdge.Response> first =
            edge.sendAsync(edge.purchaseRequest("s1", edge.shopper("alice"), "k1", "{\"quantity\":1}"));
        eventually(() -> edge.gateway.calls("purchase") == 1, "alice's purchase holds the only slot");

        // one purchase in flight per user comes before the global bound: alice is told 429, not 503
        edge.purchase("s1", "alice", "k2", 1).expect(429, "RATE_LIMITED");
        final TestEdge.Response shed = edge.purchase("s1", "bob", "k1", 1).expect(503, "OVERLOADED");
        assertTrue(Long.parseLong(shed.headers().firstValue("Retry-After").orElse("0")) >= 1, shed::toString);
        edge.get("/api/orders/1", edge.shopper("bob")).expect(503, "OVERLOADED");
        edge.post("/api/orders/1/cancel", edge.shopper("bob"), "").expect(503, "OVERLOADED");
        edge.get("/api/sales/never-seen", edge.shopper("bob")).expect(503, "OVERLOADED");
        assertEquals(1, edge.gateway.calls("purchase"), "the shed purchase never reached the engine");
        assertEquals(0, edge.gateway.calls("queryOrder") + edge.gateway.calls("cancel"));
        // cached status reads and operators are not held back
        edge.get("/api/sales/s1", edge.shopper("bob")).expect(200, null);
        edge.get("/admin/sales/s1/stats", edge.admin()).expect(200, null);

        gate.complete(null);
        first.get(10, TimeUnit.SECONDS).expect(201, null);
        edge.purchase("s1", "bob", "k1", 1).expect(201, null);
        assertEquals(2, edge.engineSale("s1").reserved());
    }

    @Test
    void replayIsTheOriginalOrderAfterCancelPauseAndEndAndKeysBelongToTheirUser() throws Exception
    {
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        final JsonNode alices = edge.purchase("s1", "alice", "k1", 1).expect(201, null).json();
        final JsonNode bobs = edge.purchase("s1", "bob", "k1", 1).expect(201, null).json();
        assertFalse(alices.get("orderId").equals(bobs.get("orderId")), "the same key from another user is a new order");
        assertEquals("bob", bobs.get("userId").asText());

        edge.post("/api/orders/" + alices.get("orderId").asText() + "/cancel", edge.shopper("alice"), "")
            .expect(200, null);
        JsonNode replay = edge.purchase("s1", "alice", "k1", 1).expect(200, null).json();
        assertEquals(alices.get("orderId"), replay.get("orderId"), "after cancel");
        assertEquals(1, edge.engineSale("s1").reserved(), "the replay after cancel reserved nothing");

        edge.post("/admin/sales/s1/pause", edge.admin(), "").expect(200, null);
        eventually(() -> "PAUSED".equals(edge.get("/api/sales/s1", edge.shopper("x")).json().get("status").asText()),
            "PAUSED in the cache");
        replay = edge.purchase("s1", "alice", "k1", 1).expect(200, null).json();
        assertEquals(alices.get("orderId"), replay.get("orderId"), "after pause");
        edge.purchase("s1", "alice", "k2", 1).expect(409, "SALE_PAUSED");
        edge.purchase("s1", "carol", "k1", 1).expect(409, "SALE_PAUSED");

        edge.post("/admin/sales/s1/end", edge.admin(), "").expect(200, null);
        eventually(() -> "ENDED".equals(edge.get("/api/sales/s1", edge.shopper("x")).json().get("status").asText()),
            "ENDED in the cache");
        assertEquals(alices.get("orderId"), edge.purchase("s1", "alice", "k1", 1).expect(200, null).json().get("orderId"));
        assertEquals(bobs, edge.purchase("s1", "bob", "k1", 1).expect(200, null).json(), "bob's reservation, unchanged");
        edge.purchase("s1", "carol", "k1", 1).expect(409, "SALE_ENDED");
        assertEquals(1, edge.engineSale("s1").reserved(), "only bob's unit is reserved");
    }

    @Test
    void bodyLimitIs4KiBOnEveryRouteWithOrWithoutContentLength() throws Exception
    {
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        final String small = "{\"quantity\":1}";
        final String exactly4KiB = small + " ".repeat(4096 - small.length());
        edge.send(edge.purchaseRequest("s1", edge.shopper("alice"), "k1", exactly4KiB)).expect(201, null);
        edge.send(edge.purchaseRequest("s1", edge.shopper("bob"), "k1", exactly4KiB + " "))
            .expect(413, "PAYLOAD_TOO_LARGE");

        // chunked, so no Content-Length to go by
        final String token = edge.shopper("carol");
        final byte[] chunked = ("1001\r\n" + exactly4KiB + " \r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        edge.raw("POST /api/sales/s1/purchases HTTP/1.1\r\nAuthorization: Bearer " + token
            + "\r\nIdempotency-Key: k1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked", chunked)
            .expect(413, "PAYLOAD_TOO_LARGE");
        final byte[] chunkedSmall = ("e\r\n" + small + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        edge.raw("POST /api/sales/s1/purchases HTTP/1.1\r\nAuthorization: Bearer " + token
            + "\r\nIdempotency-Key: k2\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked", chunkedSmall)
            .expect(201, null);

        final String pad = "x".repeat(5000);
        edge.post("/admin/sales", edge.admin(), "{\"saleId\":\"big\",\"pad\":\"" + pad + "\"}").expect(413, "PAYLOAD_TOO_LARGE");
        edge.post("/admin/sales/s1/stock", edge.admin(), "{\"delta\":1,\"pad\":\"" + pad + "\"}")
            .expect(413, "PAYLOAD_TOO_LARGE");
        edge.post("/admin/blocklist", edge.admin(), "{\"users\":[\"" + "u\",\"".repeat(1500) + "u\"]}")
            .expect(413, "PAYLOAD_TOO_LARGE");
        edge.post("/api/orders/1/cancel", edge.shopper("alice"), pad).expect(413, "PAYLOAD_TOO_LARGE");
        assertEquals(5, edge.engineSale("s1").stock());
        assertEquals(2, edge.engineSale("s1").reserved(), "alice's and carol's, nothing else");
        assertEquals(2, edge.gateway.calls("purchase"));
        assertEquals(1, edge.gateway.calls("createSale"));
        assertEquals(0, edge.gateway.calls("adjustStock") + edge.gateway.calls("cancel"));
    }

    @Test
    void everyRouteButOperationsAndTheSaleStatusNeedsATokenAndEveryOperatorRouteTheAdminRole() throws Exception
    {
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        final String orderId = edge.purchase("s1", "alice", "k", 1).expect(201, null).json().get("orderId").asText();
        final long calls = edge.gateway.totalCalls();
        final String expiredAdmin = edge.tokens.mint("ops", Tokens.ADMIN_ROLE, Duration.ofSeconds(-1));
        final String forgedAdmin = new Tokens("not-the-secret").admin("ops");
        final List<HttpRequest> anonymous = tokenRequests(null, null, orderId, "anon");
        final List<HttpRequest> expired = tokenRequests(expiredAdmin, expiredAdmin, orderId, "exp");
        final List<HttpRequest> forged = tokenRequests(forgedAdmin, forgedAdmin, orderId, "forged");
        for (int i = 0; i < anonymous.size(); i++)
        {
            edge.send(anonymous.get(i)).expect(401, "UNAUTHENTICATED");
            edge.send(expired.get(i)).expect(401, "UNAUTHENTICATED");
            edge.send(forged.get(i)).expect(401, "UNAUTHENTICATED");
        }
        edge.post("/admin/blocklist", null, "{\"users\":[\"alice\"]}").expect(401, "UNAUTHENTICATED");
        final String shopper = edge.shopper("alice");
        for (final HttpRequest request : tokenRequests(shopper, shopper, orderId, "shop"))
        {
            if (request.uri().getPath().startsWith("/admin/"))
            {
                edge.send(request).expect(403, "FORBIDDEN");
            }
        }
        edge.post("/admin/blocklist", shopper, "{\"users\":[\"alice\"]}").expect(403, "FORBIDDEN");
        assertEquals(calls, edge.gateway.totalCalls(), "no unauthenticated or forbidden request reached the engine");
        assertEquals(1, edge.engineSale("s1").reserved());
        assertEquals("OPEN", edge.engineSale("s1").status().name());
        edge.purchase("s1", "alice", "k2", 1).expect(201, null); // alice was not blocklisted by herself
        edge.get("/health/live", null).expect(200, null);
        edge.get("/health/ready", null).expect(200, null);
        assertEquals(200, edge.get("/metrics", null).status());
        edge.get("/api/sales/s1", null).expect(200, null);
        edge.get("/api/sales/s1", forgedAdmin).expect(200, null);
        edge.get("/api/sales/s1", expiredAdmin).expect(200, null);
    }

    @Test
    void headAndOtherUnmappedMethodsAreNotRoutes() throws Exception
    {
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        final String[] paths = {"/api/sales/s1", "/admin/sales/s1/stats", "/api/orders/1", "/health/live", "/metrics"};
        for (final String path : paths)
        {
            final TestEdge.Response head = edge.send(edge.request(path, null)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(404, head.status(), "HEAD " + path);
        }
        edge.send(edge.request("/api/sales/s1", edge.shopper("u")).method("PATCH", HttpRequest.BodyPublishers.noBody())
            .build()).expect(404, "NOT_FOUND");
        edge.send(edge.request("/admin/sales/s1/stats", edge.admin()).POST(HttpRequest.BodyPublishers.noBody()).build())
            .expect(404, "NOT_FOUND");
        edge.get("/admin/sales/s1/end", edge.admin()).expect(404, "NOT_FOUND");
        assertEquals("OPEN", edge.engineSale("s1").status().name());
    }

    @Test
    void protectionLayersApplyInTheContractOrder(@TempDir final Path other) throws Exception
    {
        edge.close();
        edge = TestEdge.start(other, TestEdge.config().withUserRate(0.01, 3));
        edge.createSale("s1", 5, 2, 60).expect(201, null);
        final String bad = "{\"quantity\":";
        // body size, then auth, then validation
        edge.send(edge.purchaseRequest("s1", null, "k", bad + "1" + " ".repeat(5000) + "}")).expect(413, "PAYLOAD_TOO_LARGE");
        edge.send(edge.purchaseRequest("s1", null, "k", bad)).expect(401, "UNAUTHENTICATED");
        edge.post("/admin/sales", edge.shopper("carol"), bad).expect(403, "FORBIDDEN");
        // validation, then the blocklist, then the token buckets
        edge.post("/admin/blocklist", edge.admin(), "{\"users\":[\"bot\"]}").expect(200, null);
        edge.send(edge.purchaseRequest("s1", edge.shopper("bot"), "k", bad)).expect(400, "BAD_REQUEST");
        for (int i = 0; i < 5; i++)
        {
            edge.purchase("s1", "bot", "k" + i, 1).expect(403, "BLOCKED"); // never 429: the blocklist comes first
        }
        // carol's bucket (3) drained by purchases the edge answers itself (the sale has not started)
        final Instant now = Instant.now();
        edge.createSale("later", 5, 1, now.plusSeconds(3600), now.plusSeconds(7200), 60).expect(201, null);
        for (int i = 0; i < 3; i++)
        {
            edge.purchase("later", "carol", "l" + i, 1).expect(409, "NOT_STARTED");
        }
        edge.purchase("later", "carol", "l3", 1).expect(429, "RATE_LIMITED");
        edge.send(edge.purchaseRequest("s1", edge.shopper("carol"), "k", bad)).expect(400, "BAD_REQUEST");
        edge.purchase("s1", "carol", "k", 1).expect(429, "RATE_LIMITED");
        assertEquals(2, edge.gateway.totalCalls(), "only the sales' creation reached the engine");
    }

    @Test
    void idsOfUpTo64CharactersOfTheContractAlphabetWork() throws Exception
    {
        final String saleId = ("Az09_.:-" + "x".repeat(64)).substring(0, 64);
        final String user = ("u-Z9_.:" + "y".repeat(64)).substring(0, 64);
        final String key = ("K:9_.-a" + "z".repeat(64)).substring(0, 64);
        edge.createSale(saleId, 5, 2, 60).expect(201, null);
        assertEquals(saleId, edge.get("/api/sales/" + saleId, edge.shopper(user)).expect(200, null).json()
            .get("saleId").asText());
        final JsonNode order = edge.purchase(saleId, user, key, 1).expect(201, null).json();
        assertEquals(user, order.get("userId").asText());
        assertEquals(saleId, order.get("saleId").asText());
        assertEquals(order, edge.purchase(saleId, user, key, 1).expect(200, null).json());
        edge.get("/admin/sales/" + saleId + "/stats", edge.admin()).expect(200, null);
        edge.createSale(saleId + "x", 5, 2, 60).expect(400, "BAD_REQUEST");
        edge.purchase(saleId, user, key + "k", 1).expect(400, "BAD_REQUEST");
        edge.get("/api/sales/" + saleId + "x", edge.shopper(user)).expect(400, "BAD_REQUEST");
        assertEquals(1, edge.engineSale(saleId).reserved());
    }
}
