package io.flashgate.ops;

import io.flashgate.engine.pipeline.Engine;

/**
 * {@code POST /admin/sink?committed=N&lagRecords=M} on the engine process (docs/HTTP-API.md, "Engine process"): the
 * order sink tells the engine how far it has committed, so {@code GET /admin/engine} (the engine's and every edge's)
 * shows it. Bad numbers are a 400, never a 500.
 */
final class SinkReportRoute
{
    private SinkReportRoute()
    {
    }

    static EngineAdmin.Answer take(final Engine engine, final String query)
    {
        long committed = -1;
        long lag = -1;
        for (final String pair : String.valueOf(query).split("&"))
        {
            final int equals = pair.indexOf('=');
            if (equals <= 0)
            {
                continue;
            }
            final String value = pair.substring(equals + 1);
            switch (pair.substring(0, equals))
            {
                case "committed" -> committed = number(value);
                case "lagRecords" -> lag = number(value);
                default ->
                {
                    // other keys are ignored
                }
            }
        }
        if (committed < 0 || lag < 0)
        {
            return new EngineAdmin.Answer(400, "{\"error\":\"BAD_REQUEST\",\"message\":\"committed and lagRecords " +
                "must be whole numbers >= 0\"}");
        }
        engine.sinkReport().report(committed, lag, System.currentTimeMillis());
        return new EngineAdmin.Answer(202, "{\"status\":\"TAKEN\"}");
    }

    private static long number(final String text)
    {
        try
        {
            return Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
