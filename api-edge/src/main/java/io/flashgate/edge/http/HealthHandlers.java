package io.flashgate.edge.http;

import io.javalin.http.Context;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Health and metrics ({@code docs/HTTP-API.md}, "Operations"): no token, never the engine's ring. The same handlers
 * serve an edge ({@link EdgeServer}) and a process without one ({@link OperationsServer}: an engine, an order sink).
 */
final class HealthHandlers
{
    private final BooleanSupplier ready;
    private final String notReady;
    private final PrometheusRegistry registry;
    private final JsonResponses responses;

    /**
     * @param ready    whether the process can do its work now (an edge: its engine answers).
     * @param notReady the message of the 503 while it cannot.
     * @param registry the process's one registry, all of which {@code GET /metrics} serves.
     */
    HealthHandlers(final BooleanSupplier ready, final String notReady, final PrometheusRegistry registry,
        final JsonResponses responses)
    {
        this.ready = ready;
        this.notReady = notReady;
        this.registry = registry;
        this.responses = responses;
    }

    void live(final Context ctx)
    {
        responses.json(ctx, 200, Map.of("status", "LIVE"));
    }

    void ready(final Context ctx)
    {
        if (ready.getAsBoolean())
        {
            responses.json(ctx, 200, Map.of("status", "READY"));
        }
        else
        {
            responses.error(ctx, new ApiError(503, "NOT_READY", notReady, 1));
        }
    }

    /** Everything registered on the process's registry (the engine's figures too when it runs here). */
    void metrics(final Context ctx) throws java.io.IOException
    {
        ctx.status(200).contentType(PrometheusText.CONTENT_TYPE).result(PrometheusText.write(registry));
    }
}
