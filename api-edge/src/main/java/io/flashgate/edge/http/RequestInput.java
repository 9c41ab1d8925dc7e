package io.flashgate.edge.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flashgate.protocol.Ids;
import io.flashgate.protocol.Reason;
import io.javalin.http.Context;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and validates what a request says: path ids, headers and the JSON body. Anything malformed is a 400
 * BAD_REQUEST (never a 500); an order id that cannot name an order is 404 UNKNOWN_ORDER.
 */
final class RequestInput
{
    private static final String ID_RULE = " must be 1-64 characters of [A-Za-z0-9_.:-]";
    private static final ObjectMapper READER = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private RequestInput()
    {
    }

    static String saleId(final Context ctx)
    {
        return id(ctx.pathParam("saleId"), "saleId");
    }

    static String idempotencyKey(final Context ctx)
    {
        return id(ctx.header("Idempotency-Key"), "Idempotency-Key");
    }

    /** Order ids are positive longs; anything else cannot name an order: 404 UNKNOWN_ORDER. */
    static long orderId(final Context ctx)
    {
        final String text = ctx.pathParam("orderId");
        if (text.isEmpty() || text.length() > 19)
        {
            throw ErrorAnswers.rejected(Reason.UNKNOWN_ORDER);
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                throw ErrorAnswers.rejected(Reason.UNKNOWN_ORDER);
            }
        }
        try
        {
            final long id = Long.parseLong(text);
            if (id < 1)
            {
                throw ErrorAnswers.rejected(Reason.UNKNOWN_ORDER);
            }
            return id;
        }
        catch (final NumberFormatException ex)
        {
            throw ErrorAnswers.rejected(Reason.UNKNOWN_ORDER);
        }
    }

    /** The body {@link BodyLimit} read, which must be one JSON object. */
    static JsonNode jsonObject(final Context ctx)
    {
        final byte[] bytes = BodyLimit.body(ctx);
        if (bytes == null || bytes.length == 0)
        {
            throw ApiError.badRequest("a JSON object body is required");
        }
        final JsonNode node;
        try
        {
            node = READER.readTree(bytes);
        }
        catch (final IOException ex)
        {
            throw ApiError.badRequest("malformed JSON");
        }
        if (node == null || !node.isObject())
        {
            throw ApiError.badRequest("a JSON object body is required");
        }
        return node;
    }

    static String idField(final JsonNode body, final String name)
    {
        final JsonNode node = body.get(name);
        if (node == null || !node.isTextual())
        {
            throw ApiError.badRequest(name + ID_RULE);
        }
        return id(node.textValue(), name);
    }

    /** Any integer that fits a long; the range is the caller's (or the engine's) to check. */
    static long longField(final JsonNode body, final String name)
    {
        final JsonNode node = body.get(name);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong())
        {
            throw ApiError.badRequest(name + " must be an integer");
        }
        return node.longValue();
    }

    static int intField(final JsonNode body, final String name, final int min)
    {
        final JsonNode node = body.get(name);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min)
        {
            throw ApiError.badRequest(name + " must be an integer >= " + min);
        }
        return node.intValue();
    }

    /** An ISO-8601 UTC time, as epoch milliseconds. */
    static long instantField(final JsonNode body, final String name)
    {
        final JsonNode node = body.get(name);
        if (node == null || !node.isTextual())
        {
            throw ApiError.badRequest(name + " must be an ISO-8601 UTC time");
        }
        try
        {
            return Instant.parse(node.textValue()).toEpochMilli();
        }
        catch (final DateTimeParseException | ArithmeticException ex)
        {
            throw ApiError.badRequest(name + " must be an ISO-8601 UTC time");
        }
    }

    /** An optional array of ids (empty when absent). */
    static List<String> idArray(final JsonNode body, final String name)
    {
        return stringArray(body.get(name), name, true);
    }

    /** An optional array of IPv4/IPv6 addresses (empty when absent). */
    static List<String> ipArray(final JsonNode body, final String name)
    {
        return stringArray(body.get(name), name, false);
    }

    private static String id(final String value, final String name)
    {
        if (!Ids.isValid(value))
        {
            throw ApiError.badRequest(name + ID_RULE);
        }
        return value;
    }

    private static List<String> stringArray(final JsonNode node, final String name, final boolean ids)
    {
        final List<String> out = new ArrayList<>();
        if (node == null)
        {
            return out;
        }
        if (!node.isArray())
        {
            throw ApiError.badRequest(name + " must be an array of strings");
        }
        for (final JsonNode item : node)
        {
            if (!item.isTextual() || (ids ? !Ids.isValid(item.textValue()) : !isIpLike(item.textValue())))
            {
                throw ApiError.badRequest(name + " must be an array of " + (ids ? "ids" : "IP addresses"));
            }
            out.add(item.textValue());
        }
        return out;
    }

    private static boolean isIpLike(final String text)
    {
        if (text.isEmpty() || text.length() > 64)
        {
            return false;
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':'))
            {
                return false;
            }
        }
        return true;
    }
}
