package io.flashgate.ops.drill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill -9 the primary, ten rounds at random moments, during a contested sale served through an edge, with automatic
 * promotion; the killed engine comes back as the standby each time, so the roles alternate (docs/ARCHITECTURE.md,
 * "Hot standby and failover"). Real processes: two engines and an edge started through the launcher, real UDP on
 * loopback, real SIGKILL. After all rounds: every order that got a 201 is on the last primary; sold never above
 * stock, nobody above the limit; every purchase, retried with its key, has exactly one outcome; the two journals
 * agree.
 */
@Timeout(600)
class FailoverRoundsTest
{
    @TempDir
    Path work;

    @Test
    void tenKilledPrimariesLoseNoAcknowledgedOrderAndOversellNothing() throws Exception
    {
        final FailoverDrill.Options options = new FailoverDrill.Options(work, 10, 20_000, 6, 300, 100, 500);
        final DrillReport report = new FailoverDrill(options, new PrintStream(System.out, true)).run();
        System.out.println(report.describe());

        assertEquals(10, report.failoverMillis().size());
        assertTrue(report.acknowledged() > 0, report.describe());
        assertEquals(report.acknowledged(), report.found(), "every 201 is on the last primary\n" + report.describe());
        assertEquals(0, report.duplicateOrders(), report.describe());
        assertTrue(report.sold() <= report.stock(), report.describe());
        assertEquals(report.acknowledgedUnits(), report.sold(),
            "what is reserved is exactly what shoppers were told\n" + report.describe());
        assertEquals(0, report.usersAboveLimit(), report.describe());
        assertEquals(0, report.unresolved(), report.describe());
        assertTrue(report.journalsAgree(), report.describe());
        assertTrue(report.passed(), report.describe());
    }
}
