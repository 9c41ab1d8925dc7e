package io.flashgate.client.aeron;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeepeningBackoffIdleStrategyTest
{
    private static final long MICRO = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void spinsThenParksLongerUpToTheBusyMaximumThenDeeperOnlyAfterASilence()
    {
        final DeepeningBackoffIdleStrategy idle = new DeepeningBackoffIdleStrategy(3, MICRO, 8 * MICRO, 2, 32 * MICRO);
        final List<Long> parks = new ArrayList<>();
        for (int i = 0; i < 3 + 9; i++)
        {
            parks.add(idle.parkNanos()); // the park the next idle() would take (spins do not change it)
            idle.idle(0);
        }
        assertEquals(List.of(MICRO, MICRO, MICRO, // three spins
            MICRO, 2 * MICRO, 4 * MICRO, 8 * MICRO, // doubling while busy
            8 * MICRO, 8 * MICRO,                   // two more at the busy maximum: the silence is not long yet
            16 * MICRO, 32 * MICRO, 32 * MICRO), parks); // then deeper, up to the idle maximum
        idle.idle(0);
        assertEquals(32 * MICRO, idle.parkNanos());
        idle.idle(1); // work: back to spinning and the shortest park
        assertEquals(MICRO, idle.parkNanos());
    }

    @Test
    void theDefaultBackoffIsThisStrategyAndNeverParksLongerThan16Milliseconds()
    {
        final DeepeningBackoffIdleStrategy idle =
            (DeepeningBackoffIdleStrategy)IdleChoice.TIMED_BACKOFF.newStrategy();
        for (int i = 0; i < 40; i++) // no spins: 11 parks up to 1 ms, 20 at 1 ms, then 2, 4, 8, 16 ms: about 130 ms
        {
            idle.idle(0);
            assertTrue(idle.parkNanos() <= 16 * MILLI, idle::toString);
        }
        assertEquals(16 * MILLI, idle.parkNanos(), "deepest park once idle");
    }
}
