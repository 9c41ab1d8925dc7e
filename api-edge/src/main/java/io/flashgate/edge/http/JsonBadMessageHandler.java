package io.flashgate.edge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Jetty's answer to a request it cannot parse (bad escapes, bad Content-Length, huge headers), before Javalin sees
 * it, with the contract's {@code {"error","message"}} body instead of Jetty's HTML page.
 */
final class JsonBadMessageHandler extends ErrorHandler
{
    private static final ObjectMapper BODY_WRITER = new ObjectMapper();

    @Override
    public ByteBuffer badMessageError(final int status, final String reason, final HttpFields.Mutable fields)
    {
        final String code = switch (status)
        {
            case 400 -> "BAD_REQUEST";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 414 -> "URI_TOO_LONG";
            case 431 -> "HEADERS_TOO_LARGE";
            default -> "HTTP_" + status;
        };
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", reason == null ? "bad request" : reason);
        fields.put(HttpHeader.CONTENT_TYPE, JsonResponses.JSON);
        try
        {
            return ByteBuffer.wrap(BODY_WRITER.writeValueAsBytes(body));
        }
        catch (final JsonProcessingException ex)
        {
            return ByteBuffer.wrap(("{\"error\":\"" + code + "\",\"message\":\"bad request\"}")
                .getBytes(StandardCharsets.UTF_8));
        }
    }
}
