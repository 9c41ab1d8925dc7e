package io.flashgate.edge.http;

import io.flashgate.protocol.Reply;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /admin/engine}'s body, for the one other server that answers it: an engine process's operator port
 * (ops), which adds its pair's own fields to the same view instead of writing another.
 */
public final class EngineStatusView
{
    private EngineStatusView()
    {
    }

    /** The fields of docs/HTTP-API.md, in their order; a map the caller may add to before writing it. */
    public static Map<String, Object> of(final Reply.EngineStatus status)
    {
        return JsonViews.engineStatus(status, List.of());
    }
}
