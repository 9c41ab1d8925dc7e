package io.flashgate.engine.logic;

import io.flashgate.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One sale with a million distinct buyers fits, and the tables stay within a stated budget per buyer. */
class MillionBuyersTest
{
    @Test
    void aMillionDistinctBuyersFitInABoundedFootprint()
    {
        final int buyers = 1_000_000;
        final BusinessLogic logic = new BusinessLogic();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
        final EventSink discard = (b, o, l) -> { };
        logic.onCommand(buffer, 0, encoder.createSale(1, 0, "flash", buyers - 1, 1, 0, Long.MAX_VALUE / 2, 600), discard);
        for (int i = 0; i < buyers; i++)
        {
            logic.onCommand(buffer, 0, encoder.purchase(1, i, "flash", "user-" + i, "key-" + i, 1), discard);
        }
        final BusinessLogic.SaleFigures sale = logic.saleFigures("flash");
        assertEquals(buyers - 1, sale.reserved(), "every unit sold, exactly once");
        assertEquals(0, sale.remaining());
        assertEquals(buyers - 1, sale.buyers());
        final long perBuyer = logic.footprintBytes() / buyers;
        // Tables grow by doubling, so the budget allows for a table just grown: 256 B per buyer.
        assertTrue(perBuyer <= 256, "engine tables use " + perBuyer + " bytes per buyer");
    }
}
