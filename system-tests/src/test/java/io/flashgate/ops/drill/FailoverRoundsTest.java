package io.flashgate.ops.drill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill -9 the primary, two rounds at random moments, during a contested sale served through an edge, with automatic
 * promotion; the killed engine comes back as the standby each time, so the roles alternate (docs/ARCHITECTURE.md,
 * "Hot standby and failover"): A fails over to B, then B to A, which was killed and rejoined. Real processes: two
 * engines and an edge started through the launcher, real UDP on loopback, real SIGKILL. After all rounds: every
 * order that got a 201 is on the last primary; sold never above stock, nobody above the limit; every purchase,
 * retried with its key, has exactly one outcome; the two journals agree. Ten rounds and more are the operator's
 * rehearsal, {@code ops/flashgate drill failover --rounds 10}.
 */
@Timeout(FailoverRoundsTest.TIMEOUT_SECONDS)
class FailoverRoundsTest
{
    static final long TIMEOUT_SECONDS = 300;
    private static final int RATE = 100;
    private static final int ROUNDS = 2;
    /**
     * More units than the shoppers can buy before the timeout, so every round finds the sale still selling however
     * slow the machine is (each round needs a 201 after its kill); as many shoppers as units, each may buy 2, so many
     * reach their limit.
     */
    private static final int STOCK = (int)(RATE * TIMEOUT_SECONDS * 4 / 3);

    @TempDir
    Path work;

    @Test
    void killedPrimariesLoseNoAcknowledgedOrderAndOversellNothing() throws Exception
    {
        final FailoverDrill.Options options = new FailoverDrill.Options(work, ROUNDS, STOCK, 6, RATE, 100, 500);
        final DrillReport report = new FailoverDrill(options, new PrintStream(System.out, true)).run();
        System.out.println(report.describe());

        assertEquals(ROUNDS, report.failoverMillis().size());
        DrillChecks.nothingLostNothingOversold(report);
    }

    /**
     * A halt is measured by the orders after a fault, so a sale that sells out ends the drill; it says so at the
     * first wait for an order, rather than waiting out that wait's minute and naming only what it waited for.
     */
    @Test
    void aSaleThatSellsOutEndsTheDrillSayingSo()
    {
        final FailoverDrill.Options options = new FailoverDrill.Options(work, ROUNDS, 20, 6, RATE, 100, 500);
        final IllegalStateException stopped = assertThrows(IllegalStateException.class,
            () -> new FailoverDrill(options, new PrintStream(System.out, true)).run());
        assertTrue(stopped.getMessage().contains("(stock 20) sold out while waiting for"), stopped.getMessage());
    }
}
