package io.flashgate.engine.pair;

import io.flashgate.config.FlashgateConfig;
import io.flashgate.config.StandbyAbsence;

import java.time.Duration;

/**
 * How one engine of a pair reaches the other (docs/ARCHITECTURE.md, "Hot standby and failover"; docs/CONFIG.md,
 * section {@code pair}).
 *
 * @param listen            this engine's UDP endpoint for the peer's messages ({@code host:port}).
 * @param peer              the other engine's endpoint.
 * @param heartbeatInterval how often each side speaks when it has nothing else to say.
 * @param heartbeatTimeout  silence after which the other side counts as gone: the standby promotes itself (if
 *                          {@code autoPromote} and it was in sync), the primary counts its standby absent.
 * @param autoPromote       a standby in sync promotes itself when the primary has been silent that long.
 * @param whenStandbyAbsent what a primary does without a standby in sync: STOP releasing (the default: safety) or
 *                          go on as SOLO (weaker: one copy; shown as role SOLO). Ignored with ZooKeeper, which
 *                          decides instead.
 * @param zookeeper         the ZooKeeper ensemble and the pair's root there, or null: the engines decide alone.
 */
public record PairConfig(
    String listen,
    String peer,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    boolean autoPromote,
    StandbyAbsence whenStandbyAbsent,
    io.flashgate.coordination.PairRegistry.Settings zookeeper)
{
    /** A pair without ZooKeeper. */
    public PairConfig(final String listen, final String peer, final Duration heartbeatInterval,
        final Duration heartbeatTimeout, final boolean autoPromote, final StandbyAbsence whenStandbyAbsent)
    {
        this(listen, peer, heartbeatInterval, heartbeatTimeout, autoPromote, whenStandbyAbsent, null);
    }

    /** The same pair coordinated through ZooKeeper. */
    public PairConfig withZooKeeper(final io.flashgate.coordination.PairRegistry.Settings settings)
    {
        return new PairConfig(listen, peer, heartbeatInterval, heartbeatTimeout, autoPromote, whenStandbyAbsent,
            settings);
    }

    public PairConfig
    {
        if (listen == null || peer == null || listen.equals(peer))
        {
            throw new IllegalArgumentException("a pair needs two different endpoints: " + listen + ", " + peer);
        }
        if (heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0)
        {
            throw new IllegalArgumentException("the heartbeat timeout must be at least two intervals");
        }
    }

    /** The pair's part of the settings tree; empty when {@code pair.peer} is not set (an engine alone). */
    public static java.util.Optional<PairConfig> of(final FlashgateConfig settings)
    {
        final FlashgateConfig.Pair pair = settings.pair();
        if (pair.peer().isEmpty())
        {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new PairConfig(pair.listen(), pair.peer(),
            Duration.ofMillis(pair.heartbeatIntervalMillis()), Duration.ofMillis(pair.heartbeatTimeoutMillis()),
            pair.autoPromote(), pair.whenStandbyAbsent(), pair.zookeeper().isEmpty() ? null :
            new io.flashgate.coordination.PairRegistry.Settings(pair.zookeeper(), pair.zookeeperRoot(),
                Duration.ofMillis(pair.zookeeperSessionTimeoutMillis()))));
    }

    /**
     * The epoch a promotion of the engine whose pair id is {@code pairId} starts, above every epoch it knows: a
     * counter above the known one's, in the high bits, and the engine's pair id in the low 16. Two engines that each
     * promoted themselves without hearing the other (both cut off, or restarted one after the other while the peer
     * was down) therefore never share an epoch, and fencing by epoch stays sound.
     */
    static long nextEpochAbove(final long known, final int pairId)
    {
        return (((known >>> 16) + 1) << 16) | (pairId & 0xFFFF);
    }
}
