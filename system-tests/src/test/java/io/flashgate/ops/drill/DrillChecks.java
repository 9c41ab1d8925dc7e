package io.flashgate.ops.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every drill in the suite must find, whatever faults it injected: each promise one message. */
final class DrillChecks
{
    private DrillChecks()
    {
    }

    /**
     * Orders were taken; every 201 is on the last primary, none twice; nothing oversold and nobody above the limit;
     * every purchase found its outcome; the two journals agree; no role changed where none may.
     */
    static void nothingLostNothingOversold(final DrillReport report)
    {
        final String text = report.describe();
        assertTrue(report.acknowledged() > 0, text);
        assertEquals(report.acknowledged(), report.found(), "every 201 is on the last primary\n" + text);
        assertEquals(0, report.duplicateOrders(), text);
        assertTrue(report.sold() <= report.stock(), text);
        assertEquals(report.acknowledgedUnits(), report.sold(), "what is reserved is exactly what shoppers were told\n" +
            text);
        assertEquals(0, report.usersAboveLimit(), text);
        assertEquals(0, report.unresolved(), text);
        assertTrue(report.journalsAgree(), text);
        assertTrue(report.roleChanges().isEmpty(), "roles changed where nothing may change\n" + text);
        assertTrue(report.passed(), text);
    }
}
