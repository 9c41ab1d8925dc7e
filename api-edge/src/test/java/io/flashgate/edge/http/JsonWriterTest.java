package io.flashgate.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flashgate.protocol.OrderStatus;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.SaleStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-written answers read back as the same JSON Jackson writes from a map, for any text and any long. */
class JsonWriterTest
{
    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Test
    void stringsAndNumbersRoundTripWhateverTheyHold() throws Exception
    {
        final List<String> texts = List.of("", "plain", "quote \" and backslash \\", "tab\tnew\nline\rcr",
            "\u0000\u0001\u001f\u007f", "é ü 中文", "emoji \uD83D\uDE00", "</script>", "\\u0041", "{\"a\":1}");
        final long[] numbers = {0, 1, -1, 9, 10, 99, 100, 1_000_000_007L, Long.MAX_VALUE, Long.MIN_VALUE,
            Long.MIN_VALUE + 1, -1_000_000_000_000L};
        for (final String text : texts)
        {
            for (final long number : numbers)
            {
                final JsonWriter writer = JsonWriter.object().string("s", text).number("n", number).string("z", null)
                    .end();
                final String written = new String(writer.toBytes(), StandardCharsets.US_ASCII);
                final Map<String, Object> map = new LinkedHashMap<>();
                map.put("s", text);
                map.put("n", number);
                map.put("z", null);
                assertEquals(JACKSON.readTree(JACKSON.writeValueAsBytes(map)), JACKSON.readTree(writer.toBytes()),
                    written);
                assertTrue(written.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "pure printable ASCII: " + written);
            }
        }
    }

    @Test
    void randomTextsRoundTrip() throws Exception
    {
        final Random random = new Random(7);
        for (int i = 0; i < 5_000; i++)
        {
            final char[] chars = new char[random.nextInt(40)];
            for (int c = 0; c < chars.length; c++)
            {
                chars[c] = (char)(random.nextBoolean() ? random.nextInt(128) : random.nextInt(0xD800));
            }
            final String text = new String(chars);
            final long number = random.nextLong();
            final JsonNode read = JACKSON.readTree(JsonWriter.object().string("t", text).number("n", number).end()
                .toBytes());
            assertEquals(text, read.get("t").textValue());
            assertEquals(number, read.get("n").longValue());
        }
    }

    @Test
    void aLongAnswerGrowsTheBufferAndTheNextAnswerStartsEmpty() throws Exception
    {
        final String big = "x".repeat(10_000);
        assertEquals(big, JACKSON.readTree(JsonWriter.object().string("big", big).end().toBytes()).get("big").asText());
        assertEquals("{\"a\":1}", new String(JsonWriter.object().number("a", 1).end().toBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void theOrderAndPublicSaleAnswersHaveTheContractsFieldsInOrder() throws Exception
    {
        final Reply.Order order = new Reply.Order((short)0, 42L, "s1", "alice", 2, OrderStatus.values()[0],
            1_764_000_000_123L);
        final JsonNode json = JACKSON.readTree(JsonViews.order(order).toBytes());
        assertEquals(List.of("orderId", "saleId", "userId", "quantity", "status", "expiresAt"), fieldNames(json));
        assertEquals("42", json.get("orderId").textValue());
        assertEquals("s1", json.get("saleId").textValue());
        assertEquals("alice", json.get("userId").textValue());
        assertEquals(2, json.get("quantity").intValue());
        assertEquals(OrderStatus.values()[0].name(), json.get("status").textValue());
        assertEquals(JsonViews.iso(1_764_000_000_123L), json.get("expiresAt").textValue());

        final PublicSale sale = new PublicSale("s1", SaleStatus.values()[0], 7, 2, 1_000L, 2_000L, 3_000L,
            io.flashgate.protocol.SaleMode.FIRST_COME, 0, false);
        final JsonNode view = JACKSON.readTree(JsonViews.publicSale(sale).toBytes());
        assertEquals(List.of("saleId", "status", "remaining", "limitPerUser", "startsAt", "endsAt", "serverTime",
            "mode"), fieldNames(view));
        final PublicSale draw = new PublicSale("d1", SaleStatus.values()[0], 7, 2, 1_000L, 2_000L, 3_000L,
            io.flashgate.protocol.SaleMode.DRAW, 12, true);
        final JsonNode drawView = JACKSON.readTree(JsonViews.publicSale(draw).toBytes());
        assertEquals(12, drawView.get("entries").intValue());
        assertTrue(drawView.get("drawn").booleanValue());
        assertEquals(7, view.get("remaining").intValue());
        assertEquals("1970-01-01T00:00:03Z", view.get("serverTime").textValue());
    }

    private static List<String> fieldNames(final JsonNode node)
    {
        final List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
