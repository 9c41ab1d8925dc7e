package io.flashgate.edge.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;

/**
 * Reads the purchase body {@code {"quantity": n}} ({@code docs/HTTP-API.md}, "Shopper routes"): the exact shape
 * by hand, anything else with Jackson's streaming parser; no tree per purchase, nothing kept but one long.
 *
 * <p>It answers exactly what reading the body as a tree did: the same parser accepts the same texts (no comments,
 * no single quotes, no NaN, no leading zeros), a duplicate key at any depth and anything after the object are
 * malformed, every other field may hold any JSON value, and {@code quantity} must be an integer that fits a long
 * (not 1.0, 1e3, "1" or 2^63). The whole body is read before the quantity is judged, so a malformed body is always
 * "malformed JSON", whatever came first.
 */
final class PurchaseBody
{
    static final String FIELD = "quantity";
    /** Not a quantity {@link #exactShape} can return: it reads at most 18 digits. */
    static final long NOT_EXACT = Long.MIN_VALUE;
    private static final byte[] QUOTED_FIELD = ("\"" + FIELD + "\"").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final JsonFactory FACTORY = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();

    private PurchaseBody()
    {
    }

    /** @throws ApiError 400 BAD_REQUEST for anything but a JSON object whose {@code quantity} is a long. */
    static long quantity(final byte[] body)
    {
        if (body == null || body.length == 0)
        {
            throw ApiError.badRequest("a JSON object body is required");
        }
        final long fast = exactShape(body);
        if (fast != NOT_EXACT)
        {
            return fast;
        }
        return parsed(body);
    }

    /**
     * The body every client sends, {@code {"quantity":n}} with optional JSON whitespace and at most 18 digits (no
     * leading zero), read by hand: no parser to build. Anything else, valid or not, goes to {@link #parsed}, so this
     * only ever accepts what the parser would accept, with the same value.
     *
     * @return the quantity, or {@link #NOT_EXACT}.
     */
    static long exactShape(final byte[] body)
    {
        int i = skipWhitespace(body, 0);
        if (i >= body.length || body[i++] != '{')
        {
            return NOT_EXACT;
        }
        i = skipWhitespace(body, i);
        if (body.length - i < QUOTED_FIELD.length)
        {
            return NOT_EXACT;
        }
        for (final byte b : QUOTED_FIELD)
        {
            if (body[i++] != b)
            {
                return NOT_EXACT;
            }
        }
        i = skipWhitespace(body, i);
        if (i >= body.length || body[i++] != ':')
        {
            return NOT_EXACT;
        }
        i = skipWhitespace(body, i);
        final boolean negative = i < body.length && body[i] == '-';
        if (negative)
        {
            i++;
        }
        final int firstDigit = i;
        long value = 0;
        while (i < body.length && body[i] >= '0' && body[i] <= '9')
        {
            value = value * 10 + (body[i++] - '0');
        }
        final int digits = i - firstDigit;
        if (digits == 0 || digits > 18 || (digits > 1 && body[firstDigit] == '0'))
        {
            return NOT_EXACT;
        }
        i = skipWhitespace(body, i);
        if (i >= body.length || body[i++] != '}' || skipWhitespace(body, i) != body.length)
        {
            return NOT_EXACT;
        }
        return negative ? -value : value;
    }

    private static int skipWhitespace(final byte[] body, final int from)
    {
        int i = from;
        while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r'))
        {
            i++;
        }
        return i;
    }

    /** Any other body: Jackson's streaming parser, with the rules above. */
    private static long parsed(final byte[] body)
    {
        boolean found = false;
        boolean integral = false;
        long quantity = 0;
        try (JsonParser parser = FACTORY.createParser(body))
        {
            if (parser.nextToken() != JsonToken.START_OBJECT)
            {
                parser.skipChildren();
                if (parser.nextToken() != null)
                {
                    throw ApiError.badRequest("malformed JSON");
                }
                throw ApiError.badRequest("a JSON object body is required");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
            {
                final boolean isQuantity = FIELD.equals(parser.currentName());
                final JsonToken value = parser.nextToken();
                if (isQuantity)
                {
                    found = true;
                    integral = value == JsonToken.VALUE_NUMBER_INT && fitsLong(parser.getNumberType());
                    if (integral)
                    {
                        quantity = parser.getLongValue();
                    }
                }
                parser.skipChildren();
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null)
            {
                throw ApiError.badRequest("malformed JSON");
            }
        }
        catch (final IOException ex)
        {
            throw ApiError.badRequest("malformed JSON");
        }
        if (!found || !integral)
        {
            throw ApiError.badRequest(FIELD + " must be an integer");
        }
        return quantity;
    }

    private static boolean fitsLong(final JsonParser.NumberType type)
    {
        return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
    }
}
