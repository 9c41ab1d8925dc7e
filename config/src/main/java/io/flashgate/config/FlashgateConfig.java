package io.flashgate.config;

import io.flashgate.journal.FlushPolicy;
import io.flashgate.client.aeron.IdleChoice;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one typed tree of settings (docs/CONFIG.md). Every default is written once, in {@link Settings}; the component
 * records ({@code EngineConfig}, {@code EdgeConfig}, ...) are built from this tree by the composition roots.
 */
public record FlashgateConfig(
    Engine engine,
    Journal journal,
    Transport transport,
    Edge edge,
    Protections protections,
    Metrics metrics,
    Log log,
    Pair pair,
    Sink sink)
{
    private static final FlashgateConfig DEFAULTS = from(key -> Settings.get(key).defaultValue());

    /** The engine pipeline. */
    public record Engine(Path dataDir, int ringSize, WaitChoice waitStrategy, StageLayout stageLayout,
        int expectedBuyers, long tickIntervalMillis, long snapshotEveryCommands)
    {
    }

    /** The command journal. */
    public record Journal(FlushPolicy flushPolicy, long segmentSizeBytes)
    {
    }

    /**
     * Aeron between engine and edges. {@code aeronDir} is empty when not set; {@code engines} is empty when not set
     * (then an edge has the one engine of {@code ingress} and {@code egress}).
     */
    public record Transport(boolean embeddedDriver, String aeronDir, String ingress, String egress, String engines,
        String edgeHost, IdleChoice pollerIdle, IdleChoice driverIdle, long driverTimeoutMillis)
    {
        /** The engines an edge may send to, in the order given: {@code engines}, or else ingress and egress. */
        public List<EngineEndpoints> engineList()
        {
            if (engines.isEmpty())
            {
                return List.of(new EngineEndpoints(ingress, egress));
            }
            return Arrays.stream(engines.split(",")).map(String::trim).map(engine ->
            {
                final int slash = engine.indexOf('/');
                return new EngineEndpoints(engine.substring(0, slash), engine.substring(slash + 1));
            }).toList();
        }

        /** The media driver's folder, if one is set. */
        public Optional<String> aeronDirectory()
        {
            return aeronDir.isEmpty() ? Optional.empty() : Optional.of(aeronDir);
        }
    }

    /** One engine's UDP endpoints: where it takes commands, and the control endpoint of its events. */
    public record EngineEndpoints(String ingress, String egress)
    {
        /** {@code ingressHost:port/egressHost:port}, as the setting {@code transport.engines} writes it. */
        @Override
        public String toString()
        {
            return ingress + "/" + egress;
        }
    }

    /** The HTTP edge. {@code tokenSecret} is empty when not set (then the launcher keeps one in the data folder). */
    public record Edge(String httpHost, int httpPort, long replyTimeoutMillis, int maxBodyBytes, String tokenSecret)
    {
        public Optional<String> secret()
        {
            return tokenSecret.isEmpty() ? Optional.empty() : Optional.of(tokenSecret);
        }

        @Override
        public String toString()
        {
            return "Edge[httpHost=" + httpHost + ", httpPort=" + httpPort + ", replyTimeoutMillis=" +
                replyTimeoutMillis + ", maxBodyBytes=" + maxBodyBytes + ", tokenSecret=" +
                (tokenSecret.isEmpty() ? "(none)" : "***") + "]";
        }
    }

    /** The edge's admission limits. */
    public record Protections(double userRatePerSecond, int userBurst, double ipRatePerSecond, int ipBurst,
        int maxInFlight, int accountsPerAddress)
    {
    }

    /** The engine-only process's /metrics endpoint. */
    public record Metrics(String host, int port)
    {
    }

    /** Structured logs: {@code levels} is "component=LEVEL,..." (docs/CONFIG.md, "Logs"). */
    public record Log(String levels)
    {
    }

    /**
     * The engine's hot-standby pair (docs/ARCHITECTURE.md, "Hot standby and failover"). {@code peer} is empty for an
     * engine alone.
     */
    public record Pair(String peer, String listen, long heartbeatIntervalMillis, long heartbeatTimeoutMillis,
        boolean autoPromote, StandbyAbsence whenStandbyAbsent, String zookeeper, String zookeeperRoot,
        long zookeeperSessionTimeoutMillis)
    {
    }

    /** The order sink ({@code ops/flashgate sink}). {@code password} is empty when not set. */
    public record Sink(Path sourceDir, String jdbcUrl, String user, String password, int batchSize,
        long pollIntervalMillis, boolean standAside, String metricsHost, int metricsPort, boolean embeddedPostgres, Path embeddedFolder,
        int embeddedPort, String reportTo)
    {
        @Override
        public String toString()
        {
            return "Sink[sourceDir=" + sourceDir + ", jdbcUrl=" + jdbcUrl + ", user=" + user + ", password="
                + (password.isEmpty() ? "(none)" : "***") + ", batchSize=" + batchSize + ", pollIntervalMillis="
                + pollIntervalMillis + ", standAside=" + standAside + ", metrics=" + metricsHost + ":" + metricsPort + ", embeddedPostgres="
                + embeddedPostgres + ", embeddedFolder=" + embeddedFolder + ", embeddedPort=" + embeddedPort + "]";
        }
    }

    /** Every setting at its default. */
    public static FlashgateConfig defaults()
    {
        return DEFAULTS;
    }

    /** The tree of typed values by key (each already checked against its setting's rule). */
    static FlashgateConfig from(final Function<String, Object> value)
    {
        final Values v = new Values(value);
        return new FlashgateConfig(
            new Engine(v.get("engine.dataDir", Path.class), v.integer("engine.ringSize"),
                v.get("engine.waitStrategy", WaitChoice.class), v.get("engine.stageLayout", StageLayout.class),
                v.integer("engine.expectedBuyers"),
                v.whole("engine.tickIntervalMillis"), v.whole("engine.snapshotEveryCommands")),
            new Journal(v.get("journal.flushPolicy", FlushPolicy.class), v.whole("journal.segmentSizeBytes")),
            new Transport(v.get("transport.embeddedDriver", Boolean.class), v.get("transport.aeronDir", String.class),
                v.get("transport.ingress", String.class), v.get("transport.egress", String.class),
                v.get("transport.engines", String.class), v.get("transport.edgeHost", String.class), v.get("transport.pollerIdle", IdleChoice.class),
                v.get("transport.driverIdle", IdleChoice.class), v.whole("transport.driverTimeoutMillis")),
            new Edge(v.get("edge.httpHost", String.class), v.integer("edge.httpPort"),
                v.whole("edge.replyTimeoutMillis"), v.integer("edge.maxBodyBytes"),
                v.get("edge.tokenSecret", String.class)),
            new Protections(v.decimal("protections.userRatePerSecond"), v.integer("protections.userBurst"),
                v.decimal("protections.ipRatePerSecond"), v.integer("protections.ipBurst"),
                v.integer("protections.maxInFlight"), v.integer("protections.accountsPerAddress")),
            new Metrics(v.get("metrics.host", String.class), v.integer("metrics.port")),
            new Log(v.get("log.levels", String.class)),
            new Pair(v.get("pair.peer", String.class), v.get("pair.listen", String.class),
                v.whole("pair.heartbeatIntervalMillis"), v.whole("pair.heartbeatTimeoutMillis"),
                v.get("pair.autoPromote", Boolean.class), v.get("pair.whenStandbyAbsent", StandbyAbsence.class),
                v.get("pair.zookeeper", String.class), v.get("pair.zookeeperRoot", String.class),
                v.whole("pair.zookeeperSessionTimeoutMillis")),
            new Sink(v.get("sink.sourceDir", Path.class), v.get("sink.jdbcUrl", String.class),
                v.get("sink.user", String.class), v.get("sink.password", String.class), v.integer("sink.batchSize"),
                v.whole("sink.pollIntervalMillis"), v.get("sink.standAside", Boolean.class),
                v.get("sink.metricsHost", String.class),
                v.integer("sink.metricsPort"), v.get("sink.embeddedPostgres", Boolean.class),
                v.get("sink.embeddedFolder", Path.class), v.integer("sink.embeddedPort"),
                v.get("sink.reportTo", String.class)));
    }

    /** Reads the typed values by key; a test checks that every key of {@link Settings} is read. */
    private record Values(Function<String, Object> value)
    {
        <T> T get(final String key, final Class<T> type)
        {
            return type.cast(value.apply(Settings.get(key).key()));
        }

        long whole(final String key)
        {
            return get(key, Long.class);
        }

        int integer(final String key)
        {
            return Math.toIntExact(whole(key));
        }

        double decimal(final String key)
        {
            return get(key, Double.class);
        }
    }
}
