package io.flashgate.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.flashgate.engine.logic.DrawAlgorithm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.flashgate.edge.http.TestEdge.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Draw mode's routes and codes of docs/HTTP-API.md ("Draw mode") over real HTTP against the real engine behind Aeron:
 * entries (new, again, withdrawn), the draw (too early, wrong seed, right seed, again), what each shopper sees, the
 * public record checked against the algorithm, the waiting list moving on a cancel, and every refusal leaving the
 * sale as it was.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrawContractTest
{
    private static final String SEED = "9c1d8e7f6a5b4c3d2e1f0a9b8c7d6e5f";
    private static final String SEED_HASH = HexFormat.of().formatHex(DrawAlgorithm.seedHash(SEED));

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
    void shoppersEnterTheOperatorDrawsAndAnyoneCanCheckTheRecord()
    {
        createDraw("drop", 2, 2).expect(201, null);
        final JsonNode created = edge.get("/admin/sales/drop/stats", edge.admin()).expect(200, null).json();
        assertEquals("DRAW", created.get("mode").asText());
        assertEquals(0, created.get("entries").asInt());
        eventually(() -> edge.get("/api/sales/drop", null).status() == 200, "sale visible");
        final JsonNode status = edge.get("/api/sales/drop", null).expect(200, null).json();
        assertEquals("DRAW", status.get("mode").asText());
        assertEquals(0, status.get("entries").asInt());
        assertFalse(status.get("drawn").asBoolean());

        final List<String> users = List.of("ann", "bob", "cat", "dan");
        for (final String user : users)
        {
            final JsonNode entry = enter("drop", user, "k-" + user, 1).expect(201, null).json();
            assertEquals("ENTERED", entry.get("status").asText());
            assertEquals(user, entry.get("userId").asText());
        }
        final JsonNode again = enter("drop", "bob", "another-key", 2).expect(200, null).json();
        assertEquals("ENTERED", again.get("status").asText());
        assertEquals(1, again.get("quantity").asInt(), "the first entry, not a second one");
        enter("drop", "eve", "k-eve", 1).expect(201, null);
        assertEquals("WITHDRAWN", withdraw("drop", "eve").expect(200, null).json().get("status").asText());
        myEntry("drop", "eve").expect(404, "UNKNOWN_ENTRY");
        myEntry("drop", "zed").expect(404, "UNKNOWN_ENTRY");
        assertEquals("ENTERED", myEntry("drop", "ann").expect(200, null).json().get("status").asText());
        eventually(() -> edge.get("/api/sales/drop", null).json().get("entries").asInt() == 4, "4 entries shown");

        // Refusals before the draw change nothing.
        final JsonNode before = stats("drop");
        edge.purchase("drop", "ann", "p1", 1).expect(409, "DRAW_SALE");
        draw("drop", SEED).expect(409, "DRAW_NOT_DUE");
        draw("drop", "not-the-seed").expect(422, "SEED_MISMATCH");
        draw("drop", "bad seed!").expect(400, "BAD_REQUEST");
        edge.get("/api/sales/drop/draw", null).expect(409, "NOT_DRAWN");
        enter("drop", "fay", "k-fay", 3).expect(400, "BAD_REQUEST");
        enter("drop", "fay", "k-fay", 0).expect(400, "BAD_REQUEST");
        edge.send(edge.request("/api/sales/drop/entries", edge.shopper("fay"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")).build()).expect(400, "BAD_REQUEST");
        assertEquals(before, stats("drop"));

        edge.post("/admin/sales/drop/end", edge.admin(), "").expect(200, null);
        final JsonNode drawn = draw("drop", SEED).expect(201, null).json();
        assertEquals(4, drawn.get("entries").asInt());
        assertEquals(2, drawn.get("winnersAtDraw").asInt());
        assertEquals(2, drawn.get("waiting").asInt());
        assertEquals(200, draw("drop", SEED).status(), "a second draw with the seed is the same draw");
        draw("drop", "not-the-seed").expect(422, "SEED_MISMATCH");
        enter("drop", "fay", "k-fay", 1).expect(409, "SALE_ENDED");
        withdraw("drop", "ann").expect(409, "ENTRY_NOT_WITHDRAWABLE");

        // The record, against the algorithm run here on the entries in journal order.
        final DrawAlgorithm algorithm = new DrawAlgorithm().start(SEED, "drop");
        final int[] order = {0, 1, 2, 3};
        algorithm.shuffle(order, 4);
        final JsonNode record = edge.get("/api/sales/drop/draw", null).expect(200, null).json();
        assertEquals(SEED, record.get("seed").asText());
        assertEquals(SEED_HASH, record.get("seedHash").asText());
        assertEquals("sha256-counter-fisher-yates", record.at("/algorithm/name").asText());
        assertEquals(1, record.at("/algorithm/version").asInt());
        assertEquals(4, record.get("entries").asInt());
        assertEquals(HexFormat.of().formatHex(entriesHash("drop", users)), record.get("entriesHash").asText());
        assertEquals(List.of(hashed(users.get(order[0])), hashed(users.get(order[1]))), texts(record.get("winners")));
        assertFalse(record.toString().contains("\"ann\""), "no user id is published");

        // What each shopper sees.
        final String first = users.get(order[0]);
        final JsonNode won = myEntry("drop", first).expect(200, null).json();
        assertEquals("WON", won.get("status").asText());
        assertEquals("RESERVED", won.at("/order/status").asText());
        assertEquals(1, myEntry("drop", users.get(order[2])).expect(200, null).json().get("position").asInt());
        assertEquals("WAITING", myEntry("drop", users.get(order[3])).json().get("status").asText());
        assertEquals(2, myEntry("drop", users.get(order[3])).json().get("position").asInt());

        // A winner cancels: the next on the waiting list gets the unit.
        final String orderId = won.at("/order/orderId").asText();
        edge.post("/api/orders/" + orderId + "/cancel", edge.shopper(first), "").expect(200, null);
        final JsonNode next = myEntry("drop", users.get(order[2])).expect(200, null).json();
        assertEquals("WON", next.get("status").asText(), next::toString);
        final JsonNode moved = edge.get("/api/sales/drop/draw", null).expect(200, null).json();
        assertEquals(3, moved.get("winnersCount").asInt());
        assertEquals(hashed(users.get(order[2])), moved.get("winners").get(2).asText());

        // The operator closes the waiting list: the rest are not selected.
        edge.post("/admin/sales/drop/end", edge.admin(), "").expect(200, null);
        assertEquals("NOT_SELECTED", myEntry("drop", users.get(order[3])).json().get("status").asText());
        eventually(() -> edge.get("/api/sales/drop", null).json().get("drawn").asBoolean(), "drawn shown");
    }

    @Test
    void aDrawSaleNeedsItsSeedHashAndAFirstComeSaleTakesNoEntries()
    {
        final Instant now = Instant.now();
        final String base = "{\"saleId\":\"x\",\"stock\":1,\"limitPerUser\":1,\"startsAt\":\"" + now.minusSeconds(60) +
            "\",\"endsAt\":\"" + now.plusSeconds(600) + "\",\"reservationTtlSeconds\":60";
        edge.post("/admin/sales", edge.admin(), base + ",\"mode\":\"DRAW\"}").expect(400, "BAD_REQUEST");
        edge.post("/admin/sales", edge.admin(), base + ",\"mode\":\"DRAW\",\"seedHash\":\"abc\"}")
            .expect(400, "BAD_REQUEST");
        edge.post("/admin/sales", edge.admin(), base + ",\"mode\":\"LOTTERY\"}").expect(400, "BAD_REQUEST");
        edge.post("/admin/sales", edge.admin(), base + ",\"seedHash\":\"" + SEED_HASH + "\"}")
            .expect(400, "BAD_REQUEST");
        edge.get("/admin/sales/x/stats", edge.admin()).expect(404, "UNKNOWN_SALE");

        edge.createSale("fc", 5, 1, 60).expect(201, null);
        final JsonNode before = stats("fc");
        enter("fc", "ann", "k1", 1).expect(409, "NOT_A_DRAW");
        myEntry("fc", "ann").expect(409, "NOT_A_DRAW");
        draw("fc", SEED).expect(409, "NOT_A_DRAW");
        edge.get("/api/sales/fc/draw", null).expect(409, "NOT_A_DRAW");
        enter("nope", "ann", "k1", 1).expect(404, "UNKNOWN_SALE");
        assertEquals(before, stats("fc"));
    }

    @Test
    void aSaleCapsTheAccountsOfOneAddressAndTheSettingIsTheDefault() throws Exception
    {
        final Instant now = Instant.now();
        edge.post("/admin/sales", edge.admin(), "{\"saleId\":\"capped\",\"stock\":5,\"limitPerUser\":1,\"startsAt\":\"" +
            now.minusSeconds(60) + "\",\"endsAt\":\"" + now.plusSeconds(600) + "\",\"reservationTtlSeconds\":60," +
            "\"mode\":\"DRAW\",\"seedHash\":\"" + SEED_HASH + "\",\"accountsPerAddress\":2}").expect(201, null);
        enter("capped", "u1", "k", 1).expect(201, null);
        enter("capped", "u2", "k", 1).expect(201, null);
        final JsonNode before = stats("capped");
        enter("capped", "u3", "k", 1).expect(429, "TOO_MANY_ACCOUNTS_FROM_ADDRESS");
        assertEquals(before, stats("capped"), "a refused entry changes nothing");
        assertEquals(2, before.get("entries").asInt());
        enter("capped", "u1", "k", 1).expect(200, null);
        withdraw("capped", "u1").expect(200, null);
        enter("capped", "u3", "k", 1).expect(201, null);

        edge.post("/admin/sales", edge.admin(), "{\"saleId\":\"fc\",\"stock\":5,\"limitPerUser\":2,\"startsAt\":\"" +
            now.minusSeconds(60) + "\",\"endsAt\":\"" + now.plusSeconds(600) + "\",\"reservationTtlSeconds\":60," +
            "\"accountsPerAddress\":1}").expect(201, null);
        edge.purchase("fc", "u1", "p1", 1).expect(201, null);
        edge.purchase("fc", "u1", "p2", 1).expect(201, null);
        final JsonNode bought = stats("fc");
        edge.purchase("fc", "u2", "p1", 1).expect(429, "TOO_MANY_ACCOUNTS_FROM_ADDRESS");
        assertEquals(bought, stats("fc"));
        assertEquals(1, bought.get("accountsPerAddress").asInt());

        try (TestEdge capped = TestEdge.start(dir.resolve("second"), TestEdge.config().withAccountsPerAddress(3)))
        {
            capped.createSale("plain", 5, 1, 60).expect(201, null);
            assertEquals(3, capped.get("/admin/sales/plain/stats", capped.admin()).expect(200, null).json()
                .get("accountsPerAddress").asInt(), "the setting is the cap of a sale that names none");
        }
    }

    private TestEdge.Response createDraw(final String saleId, final int stock, final int limit)
    {
        final Instant now = Instant.now();
        return edge.post("/admin/sales", edge.admin(), "{\"saleId\":\"" + saleId + "\",\"stock\":" + stock +
            ",\"limitPerUser\":" + limit + ",\"startsAt\":\"" + now.minusSeconds(60) + "\",\"endsAt\":\"" +
            now.plusSeconds(3600) + "\",\"reservationTtlSeconds\":600,\"mode\":\"DRAW\",\"seedHash\":\"" +
            SEED_HASH + "\"}");
    }

    private TestEdge.Response enter(final String saleId, final String user, final String key, final int quantity)
    {
        return edge.send(edge.request("/api/sales/" + saleId + "/entries", edge.shopper(user))
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":" + quantity + "}")).build());
    }

    private TestEdge.Response myEntry(final String saleId, final String user)
    {
        return edge.get("/api/sales/" + saleId + "/entries/me", edge.shopper(user));
    }

    private TestEdge.Response withdraw(final String saleId, final String user)
    {
        return edge.send(edge.request("/api/sales/" + saleId + "/entries/me", edge.shopper(user)).DELETE().build());
    }

    private TestEdge.Response draw(final String saleId, final String seed)
    {
        return edge.post("/admin/sales/" + saleId + "/draw", edge.admin(), "{\"seed\":\"" + seed + "\"}");
    }

    private JsonNode stats(final String saleId)
    {
        return edge.get("/admin/sales/" + saleId + "/stats", edge.admin()).expect(200, null).json();
    }

    private static String hashed(final String user)
    {
        return HexFormat.of().formatHex(DrawAlgorithm.hashedId("drop", user));
    }

    /** docs/DRAW.md: SHA-256 over hashedId ‖ quantity (4 bytes big-endian) per entry; each entry here is 1 unit. */
    private static byte[] entriesHash(final String saleId, final List<String> users)
    {
        final java.io.ByteArrayOutputStream list = new java.io.ByteArrayOutputStream();
        for (final String user : users)
        {
            list.writeBytes(DrawAlgorithm.hashedId(saleId, user));
            list.writeBytes(new byte[] {0, 0, 0, 1});
        }
        final byte[] bytes = list.toByteArray();
        return DrawAlgorithm.sha256(bytes, 0, bytes.length);
    }

    private static List<String> texts(final JsonNode array)
    {
        final List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
