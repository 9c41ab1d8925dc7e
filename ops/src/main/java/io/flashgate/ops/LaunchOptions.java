package io.flashgate.ops;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The launcher's settings: a flag wins over its environment variable, which wins over the default.
 *
 * <pre>
 *  --http-port     FLASHGATE_HTTP_PORT        8080
 *  --http-host     FLASHGATE_HTTP_HOST        127.0.0.1
 *  --data-dir      FLASHGATE_DATA_DIR         ./data
 *  --token-secret  FLASHGATE_TOKEN_SECRET     kept in the data folder (made on first start)
 *  --ingress       FLASHGATE_ENGINE_INGRESS   127.0.0.1:40123   engine's UDP command endpoint
 *  --egress        FLASHGATE_ENGINE_EGRESS    127.0.0.1:40124   engine's UDP event control endpoint
 *  --edge-host     FLASHGATE_EDGE_HOST        127.0.0.1         address an edge receives events on
 *  --metrics-port  FLASHGATE_METRICS_PORT     9464              engine-only process: its /metrics
 * </pre>
 */
public record LaunchOptions(
    int httpPort,
    String httpHost,
    Path dataDir,
    String tokenSecret,
    String ingressEndpoint,
    String egressControl,
    String edgeHost,
    int metricsPort,
    String user,
    boolean admin,
    long ttlSeconds)
{
    /** A bad flag or value: the launcher prints it with the usage and exits 2. */
    public static final class UsageException extends RuntimeException
    {
        public UsageException(final String message)
        {
            super(message);
        }
    }

    private static final Set<String> VALUED = Set.of("--http-port", "--http-host", "--data-dir", "--token-secret",
        "--ingress", "--egress", "--edge-host", "--metrics-port", "--user", "--ttl");
    private static final Set<String> SWITCHES = Set.of("--admin");

    /** Parses {@code args} (after the sub-command) with {@code env} as the fallback for every setting. */
    public static LaunchOptions parse(final List<String> args, final Function<String, String> env)
    {
        final Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.size(); i++)
        {
            final String arg = args.get(i);
            final int eq = arg.indexOf('=');
            final String name = eq > 0 ? arg.substring(0, eq) : arg;
            if (SWITCHES.contains(name) && eq < 0)
            {
                flags.put(name, "true");
            }
            else if (VALUED.contains(name))
            {
                if (eq > 0)
                {
                    flags.put(name, arg.substring(eq + 1));
                }
                else if (i + 1 < args.size())
                {
                    flags.put(name, args.get(++i));
                }
                else
                {
                    throw new UsageException(name + " needs a value");
                }
            }
            else
            {
                throw new UsageException("unknown option: " + arg);
            }
        }
        final Function<String, String> setting = key -> flags.getOrDefault(key, null);
        return new LaunchOptions(
            port(first(setting.apply("--http-port"), env.apply("FLASHGATE_HTTP_PORT"), "8080")),
            first(setting.apply("--http-host"), env.apply("FLASHGATE_HTTP_HOST"), "127.0.0.1"),
            Path.of(first(setting.apply("--data-dir"), env.apply("FLASHGATE_DATA_DIR"), "data")),
            first(setting.apply("--token-secret"), env.apply("FLASHGATE_TOKEN_SECRET"), null),
            endpoint(first(setting.apply("--ingress"), env.apply("FLASHGATE_ENGINE_INGRESS"), "127.0.0.1:40123")),
            endpoint(first(setting.apply("--egress"), env.apply("FLASHGATE_ENGINE_EGRESS"), "127.0.0.1:40124")),
            first(setting.apply("--edge-host"), env.apply("FLASHGATE_EDGE_HOST"), "127.0.0.1"),
            port(first(setting.apply("--metrics-port"), env.apply("FLASHGATE_METRICS_PORT"), "9464")),
            flags.get("--user"),
            flags.containsKey("--admin"),
            ttl(flags.getOrDefault("--ttl", "3600")));
    }

    private static String first(final String flag, final String env, final String fallback)
    {
        if (flag != null && !flag.isEmpty())
        {
            return flag;
        }
        return env != null && !env.isEmpty() ? env : fallback;
    }

    private static int port(final String value)
    {
        try
        {
            final int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65_535)
            {
                throw new UsageException("port out of range: " + value);
            }
            return port;
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException("port is not a number: " + value);
        }
    }

    private static String endpoint(final String value)
    {
        final int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1)
        {
            throw new UsageException("expected host:port, got " + value);
        }
        port(value.substring(colon + 1));
        return value;
    }

    private static long ttl(final String value)
    {
        try
        {
            final long seconds = Long.parseLong(value.trim());
            if (seconds < 1 || seconds > 366L * 24 * 3600)
            {
                throw new UsageException("--ttl must be 1 s .. 1 year, got " + value);
            }
            return seconds;
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException("--ttl is not a number of seconds: " + value);
        }
    }
}
