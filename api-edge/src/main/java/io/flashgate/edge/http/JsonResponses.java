package io.flashgate.edge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Writes every answer the edge gives: a JSON body, an {@link ApiError}, or the 500 catch-all (counted).
 *
 * <p>Bodies go straight to the servlet response with their Content-Length, not through {@code ctx.result}: Javalin
 * copies a result through a fresh 32 KB buffer per response, the edge's largest allocation per purchase
 * (docs/PERFORMANCE.md), and with the length known Jetty sends headers and body in one write and ends the response
 * there.
 */
final class JsonResponses
{
    static final String JSON = "application/json; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(JsonResponses.class);
    private static final byte[] INTERNAL = "{\"error\":\"INTERNAL\",\"message\":\"internal error\"}"
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final ObjectMapper mapper = new ObjectMapper();
    /** Counts a 500 (the edge's {@code flashgate_edge_internal_errors_total}). */
    private final Runnable countInternalError;

    JsonResponses(final Runnable countInternalError)
    {
        this.countInternalError = countInternalError;
    }

    /** A body of any shape (the operators' views): Jackson writes it. */
    void json(final Context ctx, final int status, final Object body)
    {
        final byte[] bytes;
        try
        {
            bytes = mapper.writeValueAsBytes(body);
        }
        catch (final JsonProcessingException ex)
        {
            internalError(ctx, ex);
            return;
        }
        write(ctx, status, bytes, bytes.length);
    }

    /** A body {@link JsonWriter} built on this thread. */
    void json(final Context ctx, final int status, final JsonWriter body)
    {
        write(ctx, status, body.buffer(), body.length());
    }

    /** {@code {"error":CODE,"message":...}}, with Retry-After when the error carries one. */
    void error(final Context ctx, final ApiError error)
    {
        if (error.retryAfterSeconds() > 0)
        {
            ctx.header("Retry-After", Long.toString(error.retryAfterSeconds()));
        }
        json(ctx, error.status(), JsonWriter.object()
            .string("error", error.code())
            .string("message", error.getMessage())
            .end());
    }

    /** The catch-all for bugs: logged, counted, and never the detail of the exception to the client. */
    void internalError(final Context ctx, final Exception ex)
    {
        countInternalError.run();
        LOG.error("internal error on {} {}", ctx.method(), ctx.path(), ex);
        write(ctx, 500, INTERNAL, INTERNAL.length);
    }

    private static void write(final Context ctx, final int status, final byte[] bytes, final int length)
    {
        final HttpServletResponse res = ctx.res();
        if (res.isCommitted())
        {
            // an answer already went out (a bug logged by the caller): the client has its one response
            return;
        }
        res.setStatus(status);
        res.setContentType(JSON);
        res.setContentLength(length);
        try
        {
            res.getOutputStream().write(bytes, 0, length);
        }
        catch (final IOException ex)
        {
            // the client went away: there is no one left to answer
        }
    }
}
