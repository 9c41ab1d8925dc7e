package io.flashgate.edge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/** Writes every answer the edge gives: a JSON body, an {@link ApiError}, or the 500 catch-all (counted). */
final class JsonResponses
{
    static final String JSON = "application/json; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(JsonResponses.class);

    private final ObjectMapper mapper = new ObjectMapper();
    private final EdgeMetrics metrics;

    JsonResponses(final EdgeMetrics metrics)
    {
        this.metrics = metrics;
    }

    void json(final Context ctx, final int status, final Object body)
    {
        try
        {
            ctx.status(status).contentType(JSON).result(mapper.writeValueAsBytes(body));
        }
        catch (final JsonProcessingException ex)
        {
            internalError(ctx, ex);
        }
    }

    /** {@code {"error":CODE,"message":...}}, with Retry-After when the error carries one. */
    void error(final Context ctx, final ApiError error)
    {
        if (error.retryAfterSeconds() > 0)
        {
            ctx.header("Retry-After", Long.toString(error.retryAfterSeconds()));
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.code());
        body.put("message", error.getMessage());
        json(ctx, error.status(), body);
    }

    /** The catch-all for bugs: logged, counted, and never the detail of the exception to the client. */
    void internalError(final Context ctx, final Exception ex)
    {
        metrics.internalError();
        LOG.error("internal error on {} {}", ctx.method(), ctx.path(), ex);
        ctx.status(500).contentType(JSON).result("{\"error\":\"INTERNAL\",\"message\":\"internal error\"}");
    }
}
