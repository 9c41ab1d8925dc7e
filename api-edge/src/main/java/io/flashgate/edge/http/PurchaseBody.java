package io.flashgate.edge.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;

/**
 * Reads the purchase body {@code {"quantity": n}} ({@code docs/HTTP-API.md}, "Shopper routes") with Jackson's
 * streaming parser: no tree per purchase, the field name interned by the parser, nothing kept but one long.
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
