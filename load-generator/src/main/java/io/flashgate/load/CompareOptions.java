package io.flashgate.load;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.config.StageLayout;
import io.flashgate.config.WaitChoice;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.client.aeron.IdleChoice;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * What {@code bench compare|aeron|redis} reads from its command line, every default here.
 *
 * @param capacityRequests requests per capacity round; empty: as many as the slowest warm-up rate gets through.
 * @param rate             the common open-loop rate; 0: half the slowest measured capacity.
 * @param out              the report folder; null: {@code bench-results/<timestamp>}.
 * @param dataDir          the engine's journal folder; null: a temp folder, deleted at the end.
 * @param idle             the transport pollers' idle strategy; null: the engine's default.
 * @param pipelineWait     the engine pipeline's wait strategy; null: the engine's default.
 * @param alsoWait         a second engine with this pipeline wait strategy, as an extra line; null: none.
 * @param stageLayout      who runs the engines' journaller and logic (engine.stageLayout); null: the default.
 * @param ringSize         slots in the engines' input rings (engine.ringSize); 0: the default.
 * @param standby          also an engine that is the primary of a hot-standby pair (synchronous replication to a
 *                         standby in this JVM on its own media driver), as an extra line {@code flashgate-aeron-standby}.
 * @param zookeeper        also the same pair coordinated through a ZooKeeper server in this JVM, as an extra line
 *                         {@code flashgate-aeron-standby-zk}.
 * @param channel          {@code udp}: the generator reaches the engine over UDP on 127.0.0.1 ({@code flashgate-aeron});
 *                         {@code ipc}: over {@code aeron:ipc} on one driver, as {@code ops/flashgate run} has engine
 *                         and edge ({@code flashgate-aeron-ipc}); {@code both}: the two as two lines of one run.
 */
record CompareOptions(int buyers, int limit, double duplicates, double warmupSeconds, double capacitySeconds,
    OptionalLong capacityRequests, double seconds, int rounds, int inFlight, double rate, int redisConnections,
    int redisPipelines, int redisBatch, Path out, Path dataDir, int drivers, IdleChoice idle,
    WaitChoice pipelineWait, WaitChoice alsoWait, StageLayout stageLayout, int ringSize, boolean standby,
    boolean zookeeper, String channel)
{
    static final List<Option> OPTIONS = List.of(
        Option.valued("rate", "N", "common open-loop rate (requests/s); default: half the slowest measured capacity"),
        Option.valued("seconds", "S", "open-loop phase length (default 10)"),
        Option.valued("capacity-seconds", "S", "capacity phase length (default 6; 0 skips it, then --rate is " +
            "required); each system drains the same requests: as many as the slowest warm-up rate gets through"),
        Option.valued("capacity-requests", "N", "requests per capacity round instead (same for every system)"),
        Option.valued("warmup", "S", "warm-up per system, discarded (default 3)"),
        Option.valued("rounds", "N", "capacity and open-loop time split in N interleaved rounds per system " +
            "(default 3)"),
        Option.valued("buyers", "N", "distinct buyers (default 20000)"),
        Option.valued("limit", "L", "per-buyer limit (default 2)"),
        Option.valued("duplicates", "F", "share of requests re-sending the buyer's previous Idempotency-Key " +
            "(default 0.05)"),
        Option.valued("in-flight", "N", "requests in flight in capacity mode (default 4096)"),
        Option.valued("redis-connections", "N", "Redis connections without pipelining (default 16)"),
        Option.valued("redis-pipelines", "N", "Redis pipelining connections (default 2)"),
        Option.valued("redis-batch", "N", "most commands per pipeline (default 512)"),
        Option.valued("out", "DIR", "output folder (default bench-results/<timestamp>)"),
        Option.valued("data-dir", "DIR", "engine journal folder (default: a temp folder, deleted at the end)"),
        Option.valued("drivers", "1|2", "Aeron media drivers: 2, one per side, as an edge on another host has " +
            "(default), or 1 shared by the engine and the generator"),
        Option.valued("idle", "I", "transport pollers' idle strategy: " +
            "backoff|timed_backoff|sleeping|yielding|busy_spin (default: the engine's, backoff)"),
        Option.valued("wait", "W", "engine pipeline wait strategy: parking|spin_then_park|disruptor_blocking|" +
            "lite_blocking|sleeping|yielding|busy_spin (default: the engine's, parking)"),
        Option.valued("also-wait", "W", "also run a second engine with pipeline wait strategy W, as an extra " +
            "labelled line"),
        Option.valued("stage-layout", "L", "who runs the engines' journaller and business logic: aeron_thread|" +
            "own_threads (default: the engine's, aeron_thread)"),
        Option.valued("ring-size", "N", "slots in the engines' input rings, a power of two (default: the engine's)"),
        Option.flag("standby", "also run an engine with a hot standby (synchronous replication; the standby in this " +
            "JVM on its own media driver), as the extra line flashgate-aeron-standby"),
        Option.valued("channel", "udp|ipc|both", "how the generator reaches the engine: udp on 127.0.0.1 (default: " +
            "as an edge on another host), ipc through one shared media driver (as ops/flashgate run has its edge, " +
            "the line flashgate-aeron-ipc), or both as two lines"),
        Option.flag("zookeeper", "also run that pair coordinated through a ZooKeeper server in this JVM, as the extra " +
            "line flashgate-aeron-standby-zk (ZooKeeper stays off the purchase path)"));

    /** The engines' settings as these options change them from the defaults (wait strategy, stage layout). */
    UnaryOperator<EngineConfig> engineTuning()
    {
        return config ->
        {
            final EngineConfig waiting = pipelineWait == null ? config : config.withWaitChoice(pipelineWait);
            final EngineConfig laidOut = stageLayout == null ? waiting : waiting.withStageLayout(stageLayout);
            return ringSize == 0 ? laidOut : laidOut.withRingSize(ringSize);
        };
    }

    static CompareOptions from(final Args args) throws UsageException
    {
        final int drivers = args.number("drivers", 1).orElse(2L).intValue();
        if (drivers > 2)
        {
            throw new UsageException("--drivers must be 1 or 2, was " + drivers);
        }
        final CompareOptions options = new CompareOptions(
            args.number("buyers", 1).orElse(20_000L).intValue(),
            args.number("limit", 1).orElse(2L).intValue(),
            duplicates(args),
            args.decimal("warmup", 0).orElse(3.0),
            args.decimal("capacity-seconds", 0).orElse(6.0),
            args.number("capacity-requests", 0).map(OptionalLong::of).orElse(OptionalLong.empty()),
            args.decimal("seconds", 0).orElse(10.0),
            args.number("rounds", 1).orElse(3L).intValue(),
            args.number("in-flight", 1).orElse(4096L).intValue(),
            args.decimal("rate", 0).orElse(0.0),
            args.number("redis-connections", 1).orElse(16L).intValue(),
            args.number("redis-pipelines", 1).orElse(2L).intValue(),
            args.number("redis-batch", 1).orElse(512L).intValue(),
            args.value("out").map(Path::of).orElse(null),
            args.value("data-dir").map(Path::of).orElse(null),
            drivers,
            args.choice("idle", IdleChoice.class).orElse(null),
            args.choice("wait", WaitChoice.class).orElse(null),
            args.choice("also-wait", WaitChoice.class).orElse(null),
            args.choice("stage-layout", StageLayout.class).orElse(null),
            ringSize(args),
            args.flag("standby"),
            args.flag("zookeeper"),
            channel(args));
        if (options.capacitySeconds() == 0 && options.rate() == 0)
        {
            throw new UsageException("--rate is required when --capacity-seconds is 0");
        }
        return options;
    }

    /** {@code --ring-size}: 0 when absent, else a power of two in the range engine.ringSize allows (64..2^24). */
    static int ringSize(final Args args) throws UsageException
    {
        final long size = args.number("ring-size", 64).orElse(0L);
        if (size != 0 && (size > 1 << 24 || Long.bitCount(size) != 1))
        {
            throw new UsageException("--ring-size must be a power of two from 64 to 16777216, was " + size);
        }
        return (int)size;
    }

    /** {@code --channel}: udp (the default), ipc or both. */
    static String channel(final Args args) throws UsageException
    {
        final String channel = args.value("channel").orElse("udp");
        if (!List.of("udp", "ipc", "both").contains(channel))
        {
            throw new UsageException("--channel must be udp, ipc or both, was " + channel);
        }
        return channel;
    }

    boolean udp()
    {
        return !channel.equals("ipc");
    }

    boolean ipc()
    {
        return !channel.equals("udp");
    }

    /** The share of re-sent keys, in [0, 1). */
    static double duplicates(final Args args) throws UsageException
    {
        final double share = args.decimal("duplicates", 0).orElse(0.05);
        if (share >= 1)
        {
            throw new UsageException("--duplicates must be below 1, was " + share);
        }
        return share;
    }
}
