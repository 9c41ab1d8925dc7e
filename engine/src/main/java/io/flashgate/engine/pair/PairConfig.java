package io.flashgate.engine.pair;

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
    /** What a primary does while no standby is in sync. */
    public enum StandbyAbsence
    {
        STOP,
        SOLO
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
