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
 *                          go on as SOLO (weaker: one copy; shown as role SOLO).
 */
public record PairConfig(
    String listen,
    String peer,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    boolean autoPromote,
    StandbyAbsence whenStandbyAbsent)
{
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
            pair.autoPromote(), pair.whenStandbyAbsent()));
    }

    /**
     * Epochs never collide: each engine of the pair takes them of its own parity (the one whose endpoint sorts
     * first takes odd ones), so two engines that each promoted themselves while cut off never share an epoch.
     */
    long nextEpochAbove(final long known)
    {
        final long parity = listen.compareTo(peer) < 0 ? 1 : 0;
        long next = known + 1;
        if ((next & 1) != parity)
        {
            next++;
        }
        return next;
    }
}
