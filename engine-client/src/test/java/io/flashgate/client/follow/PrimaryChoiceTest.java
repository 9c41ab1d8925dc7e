package io.flashgate.client.follow;

import io.flashgate.protocol.EngineRole;
import org.junit.jupiter.api.Test;

import static io.flashgate.client.follow.PrimaryChoice.NONE;
import static io.flashgate.protocol.EngineRole.PRIMARY;
import static io.flashgate.protocol.EngineRole.SOLO;
import static io.flashgate.protocol.EngineRole.STANDBY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule alone: which engine of a set an edge sends to (docs/ARCHITECTURE.md, "Hot standby and failover"). */
class PrimaryChoiceTest
{
    private static final long STALE = 1_000;
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;

    private final PrimaryChoice choice = new PrimaryChoice(3, STALE);
    private long now = 10_000;

    private void answer(final int member, final EngineRole role, final long epoch)
    {
        choice.answered(member, role, epoch, now);
    }

    @Test
    void nothingIsChosenBeforeAnEngineAnswersAsPrimaryOrSolo()
    {
        assertFalse(choice.update(now));
        assertEquals(NONE, choice.current());
        answer(A, STANDBY, 3);
        choice.update(now);
        assertEquals(NONE, choice.current(), "a standby never takes commands");
        answer(B, SOLO, 0);
        assertFalse(choice.update(now), "the first choice is no switch");
        assertEquals(B, choice.current(), "SOLO counts as primary");
    }

    @Test
    void theHighestEpochAmongPrimariesWins()
    {
        answer(A, PRIMARY, 4);
        answer(B, PRIMARY, 6);
        answer(C, STANDBY, 9);
        choice.update(now);
        assertEquals(B, choice.current());
        assertEquals(6, choice.highestPrimaryEpoch(), "a standby's epoch is not a primary's");
    }

    @Test
    void aTieKeepsTheEngineFollowedAlready()
    {
        answer(B, PRIMARY, 5);
        choice.update(now);
        answer(A, PRIMARY, 5);
        assertFalse(choice.update(now));
        assertEquals(B, choice.current(), "an equal epoch is no reason to move");
    }

    @Test
    void aHigherEpochTakesOverAndIsASwitch()
    {
        answer(A, PRIMARY, 1);
        answer(B, STANDBY, 1);
        choice.update(now);
        assertEquals(A, choice.current());
        // B promoted, A not yet aware (cut off): it still says PRIMARY 1
        answer(B, PRIMARY, 2);
        assertTrue(choice.update(now), "another engine's history: the edge must drop what it learnt");
        assertEquals(B, choice.current());
        assertEquals(1, choice.switches());
    }

    @Test
    void anEpochLowerThanOneSeenAsPrimaryIsNeverChosenAgain()
    {
        answer(A, PRIMARY, 1);
        choice.update(now);
        answer(B, PRIMARY, 2);
        choice.update(now);
        assertEquals(B, choice.current());
        // B goes away; A, the old primary, still claims epoch 1
        choice.unreachable(B);
        now += 10;
        answer(A, PRIMARY, 1);
        assertFalse(choice.update(now));
        assertEquals(NONE, choice.current(), "an old primary of a lower epoch never wins the edge back");
        answer(A, SOLO, 1);
        choice.update(now);
        assertEquals(NONE, choice.current(), "nor as SOLO");
        // A promoted again past B's epoch: now it is the newest history
        answer(A, PRIMARY, 3);
        assertTrue(choice.update(now));
        assertEquals(A, choice.current());
    }

    @Test
    void notPrimaryDropsTheEngineUntilItsNextAnswer()
    {
        answer(A, PRIMARY, 2);
        choice.update(now);
        choice.refused(A);
        assertFalse(choice.update(now));
        assertEquals(NONE, choice.current(), "refused: commands wait for the re-probe");
        answer(A, STANDBY, 3);
        answer(B, PRIMARY, 3);
        assertTrue(choice.update(now));
        assertEquals(B, choice.current());
        assertEquals(B, choice.followed(), "a switch: B's history now");
    }

    @Test
    void theSameEngineBackInTheSameEpochIsNoSwitch()
    {
        answer(A, PRIMARY, 2);
        choice.update(now);
        choice.refused(A);
        choice.update(now);
        assertEquals(NONE, choice.current());
        assertEquals(A, choice.followed(), "no engine takes commands, but A's history is still the one followed");
        answer(A, PRIMARY, 2);
        assertFalse(choice.update(now), "same engine, same epoch: same history");
        assertEquals(A, choice.current());
        answer(A, PRIMARY, 4);
        assertTrue(choice.update(now), "same engine in a later epoch: its history may hold commands never seen");
        assertEquals(1, choice.switches());
    }

    @Test
    void anUnreachableEngineIsLeftForALiveOneOfTheSameEpoch()
    {
        answer(A, SOLO, 0);
        answer(B, SOLO, 0);
        choice.update(now);
        assertEquals(A, choice.current(), "no current: the first in order");
        choice.unreachable(A);
        assertTrue(choice.update(now));
        assertEquals(B, choice.current());
    }

    @Test
    void aCandidateMustHaveAnsweredRecentlyButTheFollowedOneIsKeptThroughASilence()
    {
        answer(A, PRIMARY, 1);
        answer(B, PRIMARY, 2);
        choice.refused(B);
        choice.update(now);
        assertEquals(NONE, choice.current());
        answer(A, PRIMARY, 1);
        choice.update(now);
        assertEquals(NONE, choice.current(), "epoch 2 was seen as primary");
        answer(B, PRIMARY, 2);
        choice.update(now);
        assertEquals(B, choice.current());
        now += STALE * 5;
        choice.update(now);
        assertEquals(B, choice.current(), "a slow primary keeps the edge: late answers, not none");
        assertFalse(choice.answersRecently(B, now));
        choice.unreachable(B);
        choice.update(now);
        answer(C, PRIMARY, 2);
        now += STALE + 1;
        choice.update(now);
        assertEquals(NONE, choice.current(), "a candidate silent for longer than the stale limit is not switched to");
        answer(C, PRIMARY, 2);
        choice.update(now);
        assertEquals(C, choice.current());
    }
}
