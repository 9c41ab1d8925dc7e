package io.flashgate.config;

import java.util.Map;

/**
 * The effective settings and where each value came from.
 *
 * @param config  the typed tree.
 * @param values  every setting's typed value, by key, in {@link Settings} order.
 * @param origins every setting's origin, by key.
 */
public record LoadedConfig(FlashgateConfig config, Map<String, Object> values, Map<String, Origin> origins)
{
    public LoadedConfig
    {
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        origins = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(origins));
    }

    public Origin origin(final String key)
    {
        return origins.get(Settings.get(key).key());
    }
}
