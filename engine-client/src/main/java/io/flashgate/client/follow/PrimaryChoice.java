package io.flashgate.client.follow;

import io.flashgate.protocol.EngineRole;

import java.util.Arrays;

/**
 * The rule an edge follows to pick, among several engines, the one it sends commands to (docs/ARCHITECTURE.md,
 * "Hot standby and failover"): the reachable engine that says it is PRIMARY or SOLO with the highest epoch; on a
 * tie, the one followed already. Epochs only go up in the edge's view: once an engine was seen as primary of epoch
 * E, an engine reporting a lower epoch is never chosen again, so an old primary that was cut off and fenced cannot
 * win the edge back.
 *
 * <p>An engine is eligible only while its channels are up, it has not refused a command with NOT_PRIMARY since its
 * last answer, and (unless it is the one followed) its last answer is no older than {@code staleAfterNanos}: a
 * candidate must have answered recently. The one followed is kept through a short silence, so that a slow engine
 * gives late answers rather than none; it is dropped when it says otherwise, refuses, is found unreachable (its
 * channels are down, or a probe went unanswered for the whole reply timeout), or an engine of a higher epoch
 * answers.
 *
 * <p>Pure and single-threaded: the caller serialises calls and passes the time, so the rule is tested without
 * threads or engines.
 */
public final class PrimaryChoice
{
    /** No engine is followed: commands are refused at once. */
    public static final int NONE = -1;
    /** Epoch of an engine that has not answered yet. */
    public static final long NO_EPOCH = -1;

    private final long staleAfterNanos;
    private final EngineRole[] roles;
    private final long[] epochs;
    private final long[] answeredAtNanos;
    private final boolean[] reachable;
    private final boolean[] refused;
    private long highestPrimaryEpoch = NO_EPOCH;
    private int current = NONE;
    private int followedMember = NONE;
    private long followedEpoch = NO_EPOCH;
    private long switches;

    public PrimaryChoice(final int members, final long staleAfterNanos)
    {
        if (members < 1)
        {
            throw new IllegalArgumentException("at least one engine");
        }
        this.staleAfterNanos = staleAfterNanos;
        this.roles = new EngineRole[members];
        this.epochs = new long[members];
        this.answeredAtNanos = new long[members];
        this.reachable = new boolean[members];
        this.refused = new boolean[members];
        Arrays.fill(epochs, NO_EPOCH);
    }

    /** Engine {@code member} answered a probe: it is {@code role} in {@code epoch}. Clears a refusal. */
    public void answered(final int member, final EngineRole role, final long epoch, final long nowNanos)
    {
        roles[member] = role;
        epochs[member] = epoch;
        answeredAtNanos[member] = nowNanos;
        reachable[member] = true;
        refused[member] = false;
        if (isPrimaryRole(role) && epoch > highestPrimaryEpoch)
        {
            highestPrimaryEpoch = epoch;
        }
    }

    /** Its channels are down or a probe went unanswered: not eligible until it answers again. */
    public void unreachable(final int member)
    {
        reachable[member] = false;
    }

    /** It refused a command (NOT_PRIMARY, or any refusal of a probe): not eligible until it answers again. */
    public void refused(final int member)
    {
        refused[member] = true;
    }

    /**
     * Applies the rule now.
     *
     * @return true when the edge now follows another engine's history than before (another engine, or the same one
     * in another epoch): what it learnt from the old one must be dropped. False for the first choice, for no choice
     * (commands wait for one) and for the same engine chosen again.
     */
    public boolean update(final long nowNanos)
    {
        int best = eligible(current, nowNanos) ? current : NONE;
        for (int m = 0; m < roles.length; m++)
        {
            if (m != best && eligible(m, nowNanos) && (best == NONE || epochs[m] > epochs[best]))
            {
                best = m;
            }
        }
        current = best;
        if (best == NONE || (best == followedMember && epochs[best] == followedEpoch))
        {
            return false;
        }
        final boolean switched = followedMember != NONE;
        followedMember = best;
        followedEpoch = epochs[best];
        if (switched)
        {
            switches++;
        }
        return switched;
    }

    /** The engine commands go to, or {@link #NONE}. */
    public int current()
    {
        return current;
    }

    /**
     * The engine whose history is followed: the last one chosen, kept while none is eligible (its refusal, a probe
     * lost) and until {@link #update} reports a switch; {@link #NONE} before the first choice. What it says meanwhile
     * is still its history, so its broadcasts still count.
     */
    public int followed()
    {
        return followedMember;
    }

    /** The highest epoch any engine reported as PRIMARY or SOLO; {@link #NO_EPOCH} before any did. */
    public long highestPrimaryEpoch()
    {
        return highestPrimaryEpoch;
    }

    /** Times {@link #update} reported a switch to another history. */
    public long switches()
    {
        return switches;
    }

    /** What {@code member} last said it is; null before it answered. */
    public EngineRole role(final int member)
    {
        return roles[member];
    }

    /** The epoch {@code member} last reported; {@link #NO_EPOCH} before it answered. */
    public long epoch(final int member)
    {
        return epochs[member];
    }

    /** It answered within {@code staleAfterNanos} and has not been found unreachable since. */
    public boolean answersRecently(final int member, final long nowNanos)
    {
        return reachable[member] && roles[member] != null && nowNanos - answeredAtNanos[member] <= staleAfterNanos;
    }

    public int members()
    {
        return roles.length;
    }

    private boolean eligible(final int m, final long nowNanos)
    {
        return m != NONE && reachable[m] && !refused[m] && isPrimaryRole(roles[m]) &&
            epochs[m] >= highestPrimaryEpoch &&
            (m == current || nowNanos - answeredAtNanos[m] <= staleAfterNanos);
    }

    private static boolean isPrimaryRole(final EngineRole role)
    {
        return role == EngineRole.PRIMARY || role == EngineRole.SOLO;
    }
}
