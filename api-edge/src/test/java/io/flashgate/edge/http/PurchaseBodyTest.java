package io.flashgate.edge.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The purchase body reader against the contract's 400s and against what reading the body as a tree answered (the
 * rule it replaced, kept here as the reference): same verdict and same quantity for every body, including random
 * mutations of valid ones.
 */
class PurchaseBodyTest
{
    private static final ObjectMapper TREE = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    /** Every body {@code BadInputBatteryTest} sends that must be a 400 whatever the sale's limit. */
    private static final List<String> CONTRACT_400 = List.of(
        "{", "not json", "[]", "null", "42", "\"q\"", "{\"quantity\":}", "{\"quantity\":1}{}",
        "{\"quantity\":\"1\"}", "{\"quantity\":1.5}", "{\"quantity\":true}", "{\"quantity\":null}",
        "{\"quantity\":[1]}", "{\"quantity\":{}}", "{}", "{\"qty\":1}", "{\"quantity\":9223372036854775808}",
        "{\"quantity\":1e3}", "{\"quantity\":1,\"quantity\":2}", "", "\u0000\u0001",
        "{\"quantity\":18446744073709551617}", "{\"quantity\":1.0}", "{\"quantity\":\"NaN\"}", "{\"quantity\":NaN}",
        "{\"quantity\":0x1}", "{\"quantity\":01}", "{'quantity':1}", "{quantity:1}", "{\"quantity\":1",
        "{\"quantity\":-9223372036854775809}", "{\"quantity\":1e400}", "   ", "{\"quantity\":1} x", "[] []",
        "{\"quantity\":1,\"x\":{\"a\":1,\"a\":2}}", "{\"quantity\":1,}", "{\"quantity\":1 /* c */}",
        "{\"quantity\":+1}", "{\"quantity\":1,\"x\":\"\u0001\"}");

    @Test
    void everyContract400IsABadRequest()
    {
        for (final String body : CONTRACT_400)
        {
            final ApiError error = assertThrows(ApiError.class, () -> PurchaseBody.quantity(bytes(body)), body);
            assertEquals(400, error.status(), body);
            assertEquals("BAD_REQUEST", error.code(), body);
        }
        assertEquals(400, assertThrows(ApiError.class, () -> PurchaseBody.quantity(null)).status());
    }

    @Test
    void readsTheQuantityWhateverElseTheObjectHolds()
    {
        assertEquals(1, PurchaseBody.quantity(bytes("{\"quantity\":1}")));
        assertEquals(2, PurchaseBody.quantity(bytes(" \n{ \"quantity\" : 2 }\r\n")));
        assertEquals(3, PurchaseBody.quantity(bytes(
            "{\"note\":\"a \\\"quoted\\\" \\u00e9 text\",\"quantity\":3,\"nested\":{\"quantity\":\"x\",\"a\":[1,{\"b\":null}]}}")));
        assertEquals(Long.MAX_VALUE, PurchaseBody.quantity(bytes("{\"quantity\":9223372036854775807}")));
        assertEquals(Long.MIN_VALUE, PurchaseBody.quantity(bytes("{\"quantity\":-9223372036854775808}")));
        // in range for the reader; the handler answers 400 for anything below 1 or above the sale's limit
        assertEquals(0, PurchaseBody.quantity(bytes("{\"quantity\":-0}")));
        assertEquals(-1, PurchaseBody.quantity(bytes("{\"quantity\":-1}")));
    }

    @Test
    void theHandReadShapeIsOnlyTheExactOneAndFallsBackForAnythingElse()
    {
        assertEquals(1, PurchaseBody.exactShape(bytes("{\"quantity\":1}")));
        assertEquals(-10, PurchaseBody.exactShape(bytes(" { \"quantity\" :\t-10 }\r\n")));
        assertEquals(0, PurchaseBody.exactShape(bytes("{\"quantity\":-0}")));
        assertEquals(999_999_999_999_999_999L, PurchaseBody.exactShape(bytes("{\"quantity\":999999999999999999}")));
        for (final String other : List.of("{\"quantity\":1000000000000000000}", "{\"quantity\":01}",
            "{\"quantity\":1.0}", "{\"quantity\":1,\"x\":2}", "{\"quantity\":1}{}", "{\"quantity\":-}",
            "{\"quantity\":\"1\"}", "{\"qty\":1}", "{\"quantity\":1", "{\"quantity\":1}x", "", "{}",
            "\u00a0{\"quantity\":1}", "{\"quantity\":1e3}"))
        {
            assertEquals(PurchaseBody.NOT_EXACT, PurchaseBody.exactShape(bytes(other)), other);
        }
        // what the hand reader leaves to the parser still reads right
        assertEquals(1_000_000_000_000_000_000L, PurchaseBody.quantity(bytes("{\"quantity\":1000000000000000000}")));
        assertEquals(1, PurchaseBody.quantity(bytes("{\"x\":2,\"quantity\":1}")));
    }

    @Test
    void agreesWithTheTreeRuleOnEveryBodyAndOnRandomMutations()
    {
        for (final String body : CONTRACT_400)
        {
            assertSameVerdict(bytes(body));
        }
        final List<String> seeds = List.of("{\"quantity\":1}", " { \"quantity\" :\t-10 }\n", "{\"quantity\":123456789012345678}", "{\"quantity\":12,\"x\":[true,false,null,1.5e3]}",
            "{\"a\":{\"b\":[{\"c\":\"d\"}]},\"quantity\":-7}", "{\"quantity\":9223372036854775807}");
        final byte[] alphabet = bytes("{}[]\":,0123456789-+.eEtrufalsnq \\x\u0000");
        final Random random = new Random(42);
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] body = bytes(seeds.get(random.nextInt(seeds.size())));
            final byte[] mutated = mutate(body, alphabet, random);
            assertSameVerdict(mutated);
        }
    }

    private static byte[] mutate(final byte[] body, final byte[] alphabet, final Random random)
    {
        final StringBuilder out = new StringBuilder(new String(body, StandardCharsets.ISO_8859_1));
        final int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && out.length() > 0; e++)
        {
            final int at = random.nextInt(out.length());
            final char c = (char)(alphabet[random.nextInt(alphabet.length)] & 0xff);
            switch (random.nextInt(3))
            {
                case 0 -> out.setCharAt(at, c);
                case 1 -> out.insert(at, c);
                default -> out.deleteCharAt(at);
            }
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertSameVerdict(final byte[] body)
    {
        final String text = new String(body, StandardCharsets.ISO_8859_1);
        final Long expected = treeRule(body);
        Long actual;
        try
        {
            actual = PurchaseBody.quantity(body);
        }
        catch (final ApiError error)
        {
            assertEquals(400, error.status(), text);
            actual = null;
        }
        assertEquals(expected, actual, text);
    }

    /** The rule the reader replaced: the body as a tree, then {@code quantity} as an integral long; null = 400. */
    private static Long treeRule(final byte[] body)
    {
        if (body.length == 0)
        {
            return null;
        }
        final JsonNode tree;
        try
        {
            tree = TREE.readTree(body);
        }
        catch (final IOException ex)
        {
            return null;
        }
        if (tree == null || !tree.isObject())
        {
            return null;
        }
        final JsonNode node = tree.get("quantity");
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong())
        {
            return null;
        }
        return node.longValue();
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
