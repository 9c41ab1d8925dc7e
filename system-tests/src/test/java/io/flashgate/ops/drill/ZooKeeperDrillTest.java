package io.flashgate.ops.drill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every single failure a pair coordinated through ZooKeeper handles with no operator, once each, with real
 * processes (docs/ARCHITECTURE.md, "Coordination through ZooKeeper"): three ZooKeeper servers, two engines and an
 * edge started through the launcher, each engine reaching the servers and the other engine through relays the drill
 * cuts. In turn: SIGKILL of the primary (the standby in the synchronous set promotes), SIGKILL of the standby (the
 * primary drops it from the set and sells alone, it rejoins), the engines' link cut (exactly one sells, the other
 * rejoins after the heal), the primary cut off from ZooKeeper, the standby cut off from ZooKeeper, ZooKeeper
 * unreachable from both, SIGKILL of one ZooKeeper server (after each of these four, the same engine is still primary
 * with its standby in sync). Every fault waits for sales to resume by themselves, with no command. After the round:
 * every 201 is on the last primary, nothing oversold, every purchase retried with its key has one outcome, the
 * journals agree. One round proves each scenario; repeats, ten rounds and the halt figures are the operator's
 * rehearsal, {@code ops/flashgate drill failover}.
 */
@Timeout(ZooKeeperDrillTest.TIMEOUT_SECONDS)
class ZooKeeperDrillTest
{
    static final long TIMEOUT_SECONDS = 420;
    private static final int RATE = 100;
    private static final int ROUNDS = 1;
    /** More units than the shoppers can buy before the timeout, so every round finds the sale still selling. */
    private static final int STOCK = (int)(RATE * TIMEOUT_SECONDS * 4 / 3);

    @TempDir
    Path work;

    @Test
    void everySingleFailureIsHandledWithNoOperatorAndLosesNothing() throws Exception
    {
        final List<Scenario> scenarios = List.of(Scenario.values());
        final FailoverDrill.Options options = new FailoverDrill.Options(work, ROUNDS, STOCK, 6, RATE, 100, 500,
            scenarios, true);
        final DrillReport report = new FailoverDrill(options, new PrintStream(System.out, true)).run();
        System.out.println(report.describe());

        for (final Scenario scenario : scenarios)
        {
            assertEquals(ROUNDS, report.halts().get(scenario).millis.size(), scenario + " ran every round\n" +
                report.describe());
        }
        DrillChecks.nothingLostNothingOversold(report);
    }
}
