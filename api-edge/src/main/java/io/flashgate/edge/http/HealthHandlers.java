package io.flashgate.edge.http;

import io.flashgate.client.EngineGateway;
import io.javalin.http.Context;

import java.util.Map;

/** Health and metrics ({@code docs/HTTP-API.md}, "Operations"): no token, never the engine's ring. */
final class HealthHandlers
{
    private final EngineGateway gateway;
    private final EdgeMetrics metrics;
    private final JsonResponses responses;

    HealthHandlers(final EngineGateway gateway, final EdgeMetrics metrics, final JsonResponses responses)
    {
        this.gateway = gateway;
        this.metrics = metrics;
        this.responses = responses;
    }

    void live(final Context ctx)
    {
        responses.json(ctx, 200, Map.of("status", "LIVE"));
    }

    void ready(final Context ctx)
    {
        boolean reachable;
        try
        {
            reachable = gateway.isEngineReachable();
        }
        catch (final RuntimeException ex)
        {
            reachable = false;
        }
        if (reachable)
        {
            responses.json(ctx, 200, Map.of("status", "READY"));
        }
        else
        {
            responses.error(ctx, new ApiError(503, "NOT_READY", "engine not reachable", 1));
        }
    }

    /** Everything registered on the process's registry (the engine's figures too when it runs here). */
    void metrics(final Context ctx) throws java.io.IOException
    {
        ctx.status(200).contentType(PrometheusText.CONTENT_TYPE).result(PrometheusText.write(metrics.registry()));
    }
}
