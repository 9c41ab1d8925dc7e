package io.flashgate.config;

import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.journal.FlushPolicy;
import io.flashgate.journal.JournalConfig;
import io.flashgate.client.aeron.IdleChoice;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.flashgate.config.ProcessKind.EDGE;
import static io.flashgate.config.ProcessKind.ENGINE;
import static io.flashgate.config.ProcessKind.RUN;
import static io.flashgate.config.ProcessKind.SINK;
import static io.flashgate.config.Setting.derived;
import static io.flashgate.config.Setting.kinds;

/**
 * Every setting Flashgate has, in the order the YAML file and the docs list them: THE one place where each default
 * is written (the component records' {@code defaults(...)} read them through {@link FlashgateConfig#defaults()}).
 * docs/CONFIG.md lists the same settings; a test fails when one is missing there.
 */
public final class Settings
{
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.:_-]*[A-Za-z0-9])?");
    private static final Pattern ENDPOINT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])");
    private static final Pattern ANY_PATH = Pattern.compile("[^\\x00]+");
    private static final Pattern SECRET = Pattern.compile("\\S+");
    /** {@code component=LEVEL} pairs, comma-separated: the components and levels of {@link #LOG_COMPONENTS}. */
    private static final Pattern LOG_LEVELS = Pattern.compile(
        "(engine|edge|client|ops|lib)=(TRACE|DEBUG|INFO|WARN|ERROR|OFF)(,(engine|edge|client|ops|lib)=(TRACE|DEBUG|INFO|WARN|ERROR|OFF))*");
    /** The components a log line names (docs/CONFIG.md, "Logs"): lib is every library (Jetty, Javalin, Aeron). */
    public static final List<String> LOG_COMPONENTS = List.of("engine", "edge", "client", "ops", "lib");
    /** ZooKeeper's connect string: host:port pairs separated by commas. */
    private static final Pattern ZOOKEEPER = Pattern.compile(
        "[A-Za-z0-9][A-Za-z0-9._-]*:[0-9]{1,5}(,[A-Za-z0-9][A-Za-z0-9._-]*:[0-9]{1,5})*");
    private static final Pattern ZNODE_PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+");
    private static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql:\\S*");
    private static final Pattern REPORT_URL = Pattern.compile("http://[A-Za-z0-9.\\-]+:[0-9]{1,5}/?");

    private static final SettingType PORT = new SettingType.Whole(1, 65_535, false,
        " (0 is not allowed: clients and probes must know the port)");
    private static final SettingType HOST_NAME = new SettingType.Text("host", HOST, "a host name or IP address",
        false, false);
    private static final SettingType HOST_PORT = new SettingType.Text("host:port", ENDPOINT,
        "host:port with a port in 1..65535", false, false);
    private static final Set<ProcessKind> ENGINES = kinds(RUN, ENGINE);
    private static final Set<ProcessKind> EDGES = kinds(RUN, EDGE);
    private static final Set<ProcessKind> ALL = kinds(RUN, ENGINE, EDGE);
    private static final Set<ProcessKind> OVER_UDP = kinds(ENGINE, EDGE);

    /** The settings, by section; names already documented before this list existed keep their env and flag. */
    public static final List<Setting> ALL_SETTINGS = List.of(
        // engine
        new Setting("engine.dataDir", new SettingType.Folder(), Path.of("data"), "FLASHGATE_DATA_DIR", "data-dir",
            "folder of the journal, snapshots and the kept token secret", ALL),
        derived("engine.ringSize", new SettingType.Whole(64, 1 << 24, true, ""), 16 * 1024L,
            "slots in the engine's input ring; a full ring is back-pressure (503)", ENGINES),
        derived("engine.waitStrategy", new SettingType.Choice(WaitChoice.class), WaitChoice.PARKING,
            "how pipeline threads wait (PARKING: park until signalled; SPIN_THEN_PARK: low latency, spare cores)", ENGINES),
        derived("engine.stageLayout", new SettingType.Choice(StageLayout.class), StageLayout.AERON_THREAD,
            "who runs the journaller and the business logic (AERON_THREAD: the process's Aeron thread; "
                + "OWN_THREADS: a thread each, for capacity)", ENGINES),
        derived("engine.expectedBuyers", SettingType.Whole.range(1, 100_000_000), 1024L,
            "sizes the business-logic tables so a rush does not rehash", ENGINES),
        derived("engine.tickIntervalMillis", SettingType.Whole.range(0, 3_600_000), 1000L,
            "how often the engine's clock expires reservations; 0 = never", ENGINES),
        derived("engine.snapshotEveryCommands", SettingType.Whole.range(0, 1_000_000_000_000L), 1_000_000L,
            "take a snapshot after this many commands; 0 = only on request", ENGINES),
        // journal
        derived("journal.flushPolicy", new SettingType.Choice(FlushPolicy.class), FlushPolicy.PAGE_CACHE,
            "PAGE_CACHE survives a process crash; FSYNC also a power loss", ENGINES),
        derived("journal.segmentSizeBytes", SettingType.Whole.range(1L << 20, 1L << 30),
            JournalConfig.DEFAULT_SEGMENT_SIZE_BYTES, "journal segment size before it rolls to a new file", ENGINES),
        // transport
        derived("transport.embeddedDriver", new SettingType.Switch(null, ""), true,
            "start an Aeron media driver inside this process (false: use the one running in aeronDir)", ALL),
        derived("transport.aeronDir", new SettingType.Text("path", ANY_PATH, "a folder path", true, false), "",
            "the media driver's folder (none: a fresh one for the embedded driver, Aeron's default otherwise)", ALL),
        new Setting("transport.ingress", HOST_PORT, "127.0.0.1:40123", "FLASHGATE_ENGINE_INGRESS", "ingress",
            "the engine's UDP endpoint for commands", OVER_UDP),
        new Setting("transport.egress", HOST_PORT, "127.0.0.1:40124", "FLASHGATE_ENGINE_EGRESS", "egress",
            "the engine's UDP control endpoint for events (multi-destination-cast)", OVER_UDP),
        derived("transport.engines", new SettingType.EngineList(ENDPOINT), "",
            "every engine an edge may send to (a primary and its standby): it follows the one that answers as " +
            "primary with the highest epoch; none: the one engine of ingress and egress", kinds(EDGE)),
        new Setting("transport.edgeHost", HOST_NAME, "127.0.0.1", "FLASHGATE_EDGE_HOST", "edge-host",
            "address this edge receives the engine's events on", kinds(EDGE)),
        derived("transport.pollerIdle", new SettingType.Choice(IdleChoice.class), IdleChoice.DEFAULT,
            "how the process's one Aeron thread (embedded media driver, client conductor, ingress and reply " +
            "pollers) waits when idle", ALL),
        derived("transport.driverIdle", new SettingType.Choice(IdleChoice.class), IdleChoice.DEFAULT,
            "unused: the embedded media driver has no thread of its own, it runs on the Aeron thread that " +
            "transport.pollerIdle governs (kept so that older files still load)", ALL),
        derived("transport.driverTimeoutMillis", SettingType.Whole.range(1_000, 60_000), 5_000L,
            "no heartbeat from the media driver for this long: it is lost, the process exits 5", ALL),
        // edge
        new Setting("edge.httpHost", HOST_NAME, "127.0.0.1", "FLASHGATE_HTTP_HOST", "http-host",
            "interface the HTTP edge binds", EDGES),
        new Setting("edge.httpPort", PORT, 8080L, "FLASHGATE_HTTP_PORT", "http-port",
            "the HTTP edge's TCP port", EDGES),
        derived("edge.replyTimeoutMillis", SettingType.Whole.range(1, 600_000),
            GatewayConfig.DEFAULT_REPLY_TIMEOUT.toMillis(),
            "no reply from the engine within this: 504 RESULT_UNKNOWN", EDGES),
        derived("edge.maxBodyBytes", SettingType.Whole.range(256, 16L << 20), 4096L,
            "larger request bodies: 413 PAYLOAD_TOO_LARGE", EDGES),
        new Setting("edge.tokenSecret", new SettingType.Text("secret", SECRET,
            "text without spaces", true, true), "", "FLASHGATE_TOKEN_SECRET", "token-secret",
            "HS256 secret of bearer tokens (none: kept in <dataDir>/token-secret, made on first start)", EDGES),
        // protections
        derived("protections.userRatePerSecond", new SettingType.Positive(1_000_000), 20.0,
            "token-bucket refill rate per user id", EDGES),
        derived("protections.userBurst", SettingType.Whole.range(1, 1_000_000), 40L,
            "token-bucket capacity per user id", EDGES),
        derived("protections.ipRatePerSecond", new SettingType.Positive(1_000_000), 2000.0,
            "token-bucket refill rate per client IP", EDGES),
        derived("protections.ipBurst", SettingType.Whole.range(1, 1_000_000), 4000L,
            "token-bucket capacity per client IP", EDGES),
        derived("protections.maxInFlight", SettingType.Whole.range(1, 1_000_000), 1024L,
            "engine commands this edge lets wait at once; beyond it: 503 OVERLOADED", EDGES),
        derived("protections.accountsPerAddress", SettingType.Whole.range(0, 1_000_000), 0L,
            "cap of accounts per client address in a new sale that sets none (draw entries, first-come buyers), " +
            "counted by the engine; beyond it: 429 TOO_MANY_ACCOUNTS_FROM_ADDRESS; 0: none", EDGES),
        // metrics (engine-only process: run adds the engine's figures to the edge's /metrics)
        new Setting("metrics.host", HOST_NAME, "127.0.0.1", "FLASHGATE_METRICS_HOST", "metrics-host",
            "interface the engine-only process serves /metrics on", kinds(ENGINE)),
        new Setting("metrics.port", PORT, 9464L, "FLASHGATE_METRICS_PORT", "metrics-port",
            "TCP port of the engine-only process's /metrics", kinds(ENGINE)),
        // log
        new Setting("log.levels", new SettingType.Text("levels", LOG_LEVELS,
                "component=LEVEL pairs separated by commas (components engine, edge, client, ops, lib; levels TRACE, " +
                "DEBUG, INFO, WARN, ERROR, OFF)", false, false),
            "engine=INFO,edge=INFO,client=INFO,ops=INFO,lib=WARN", "FLASHGATE_LOG_LEVELS", "log-levels",
            "the lowest level logged per component; a component left out logs at INFO (lib: WARN)", ALL),
        // pair: a hot standby (docs/ARCHITECTURE.md, "Hot standby and failover")
        new Setting("pair.peer", new SettingType.Text("host:port", ENDPOINT, "host:port with a port in 1..65535", true,
            false), "", "FLASHGATE_PAIR_PEER", "pair-peer",
            "the other engine's pair endpoint (none: this engine runs alone, SOLO)", kinds(ENGINE)),
        new Setting("pair.listen", HOST_PORT, "127.0.0.1:40125", "FLASHGATE_PAIR_LISTEN", "pair-listen",
            "this engine's UDP endpoint for its peer's records, heartbeats and acknowledgements", kinds(ENGINE)),
        derived("pair.heartbeatIntervalMillis", SettingType.Whole.range(10, 10_000), 100L,
            "how often each engine of a pair speaks when it has nothing else to say", kinds(ENGINE)),
        derived("pair.heartbeatTimeoutMillis", SettingType.Whole.range(50, 60_000), 500L,
            "silence after which the peer counts as gone (the standby promotes itself; the primary's standby is "
                + "absent); at least two heartbeat intervals", kinds(ENGINE)),
        derived("pair.autoPromote", new SettingType.Switch(null, ""), true,
            "a standby in sync promotes itself when its primary has been silent for the heartbeat timeout",
            kinds(ENGINE)),
        derived("pair.whenStandbyAbsent", new SettingType.Choice(StandbyAbsence.class), StandbyAbsence.STOP,
            "without ZooKeeper, what a primary does without a standby in sync: STOP releasing (safe), or SOLO (one copy; with "
                + "autoPromote a split link then leaves two engines selling)", kinds(ENGINE)),
        new Setting("pair.zookeeper", new SettingType.Text("host:port,...", ZOOKEEPER,
            "host:port pairs separated by commas", true, false), "", "FLASHGATE_ZOOKEEPER",
            "zookeeper", "the ZooKeeper ensemble that decides the pair's roles (docs/ARCHITECTURE.md, \"Coordination " +
                "through ZooKeeper\"); none: the engines decide alone and a dead standby waits for an operator's solo",
            kinds(ENGINE)),
        derived("pair.zookeeperRoot", new SettingType.Text("znode path", ZNODE_PATH,
            "an absolute znode path such as /flashgate/pair-1", false, false), "/flashgate/pair",
            "where this pair's znodes live in ZooKeeper (one root per pair)", kinds(ENGINE)),
        derived("pair.zookeeperSessionTimeoutMillis", SettingType.Whole.range(200, 60_000), 600L,
            "how long ZooKeeper keeps a silent engine's session (and its leader node); the servers' tickTime must "
                + "allow it (at least 2 ticks)", kinds(ENGINE)),
        // sink: the order sink into PostgreSQL (ops/flashgate sink)
        sink("sink.sourceDir", "source-dir", new SettingType.Folder(), Path.of("data"),
            "the engine's (or a standby's) data folder the sink reads, read-only: journal/ and snapshots/"),
        sink("sink.jdbcUrl", "jdbc-url", new SettingType.Text("url", JDBC_URL, "a jdbc:postgresql:// URL", false,
            false), "jdbc:postgresql://127.0.0.1:5432/flashgate", "the PostgreSQL database the sink writes (ignored "
            + "with sink.embeddedPostgres, which makes its own)"),
        sink("sink.user", "db-user", new SettingType.Text("name", SECRET, "a user name without spaces", false, false),
            "flashgate", "the database user"),
        sink("sink.password", "db-password", new SettingType.Text("secret", SECRET, "text without spaces", true, true),
            "", "the database user's password (none: no password; with sink.embeddedPostgres, one kept in its folder)"),
        sink("sink.batchSize", "batch-size", SettingType.Whole.range(1, 100_000), 2000L,
            "journal records applied per database transaction at most"),
        sink("sink.pollIntervalMillis", "poll-interval-millis", SettingType.Whole.range(1, 10_000), 20L,
            "how long the sink waits before looking at the journal again when it has read everything"),
        sink("sink.standAside", "stand-aside", new SettingType.Switch(null, ""), true,
            "while the journal grows faster than the sink applies it (a burst at the engine's capacity), take one "
            + "batch every 5 s and catch up after, so that the sink takes no CPU from the engine (false: full speed "
            + "always, for a sink on a host of its own)"),
        sink("sink.metricsHost", "sink-metrics-host", HOST_NAME, "127.0.0.1", "interface the sink serves /metrics on"),
        sink("sink.metricsPort", "sink-metrics-port", PORT, 9465L,
            "TCP port of the sink's /metrics (lag in records and seconds)"),
        sink("sink.embeddedPostgres", "embedded-postgres", new SettingType.Switch(null, ""), false,
            "start a private PostgreSQL (Debian's postgresql package) in sink.embeddedFolder and write there"),
        sink("sink.embeddedFolder", "embedded-folder", new SettingType.Folder(), Path.of("sink-postgres"),
            "the private PostgreSQL's folder (made on first use; the OS user postgres must be able to reach it)"),
        sink("sink.embeddedPort", "embedded-port", PORT, 5433L, "TCP port of the private PostgreSQL, on 127.0.0.1"),
        sink("sink.reportTo", "report-to", new SettingType.Text("url", REPORT_URL, "an http://host:port URL", true,
            false), "", "the engine's metrics endpoint (http://metrics.host:metrics.port) the sink tells its lag every "
            + "second, shown in GET /admin/engine (none: it tells nobody)"));

    private static final Map<String, Setting> BY_KEY = ALL_SETTINGS.stream()
        .collect(Collectors.toMap(Setting::key, s -> s, (a, b) -> a, LinkedHashMap::new));

    private Settings()
    {
    }

    /** A sink setting: its variable is FLASHGATE_SINK_ and the name, so none clashes with the engine's own. */
    private static Setting sink(final String key, final String flag, final SettingType type, final Object defaultValue,
        final String meaning)
    {
        final String name = key.substring(key.indexOf('.') + 1);
        return new Setting(key, type, defaultValue, "FLASHGATE_SINK_"
            + name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT), flag, meaning,
            kinds(SINK));
    }

    public static Optional<Setting> byKey(final String key)
    {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    public static Setting get(final String key)
    {
        return byKey(key).orElseThrow(() -> new IllegalArgumentException("no setting " + key));
    }

    /** The sections in file order: engine, journal, transport, edge, protections, metrics, log, pair, sink. */
    public static List<String> sections()
    {
        return ALL_SETTINGS.stream().map(Setting::section).distinct().toList();
    }

    /** The settings a process kind reads. */
    public static List<Setting> usedBy(final ProcessKind kind)
    {
        return ALL_SETTINGS.stream().filter(s -> s.usedBy().contains(kind)).toList();
    }
}
