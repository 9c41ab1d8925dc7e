package io.flashgate.edge.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.flashgate.edge.http.TestEdge.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status route of a sale of hundreds of units (docs/HTTP-API.md): the engine tells the edges of each 1 % move of
 * the remaining stock, not of each purchase, so the figure shown may run ahead of the sale by up to 1 % (and the one
 * broadcast still on its way), is never below what is left, and the clock's tick makes it exact.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SaleStatusLagTest
{
    private static final int STOCK = 1000;

    @TempDir
    Path dir;

    @Test
    void aBigSaleShowsItsRemainingStockWithinOnePercentAndExactlyAfterTheTick() throws Exception
    {
        try (TestEdge edge = TestEdge.start(dir, TestEdge.config(), 100))
        {
            edge.createSale("big", STOCK, 1, 60).expect(201, null);
            eventually(() -> edge.get("/api/sales/big", null).status() == 200, "sale visible");
            final int bought = 25;
            for (int i = 1; i <= bought; i++)
            {
                edge.purchase("big", "u" + i, "k", 1).expect(201, null);
                final int left = STOCK - i;
                final int shown = remaining(edge);
                assertTrue(shown >= left && shown - left <= STOCK / 100,
                    () -> "shown " + shown + " with " + left + " left");
            }
            // 25 units: the 1 % moves announced 990 and 980; only the tick tells the edge of the last 5.
            eventually(() -> remaining(edge) == STOCK - bought, "the tick's exact figure");
            assertEquals(STOCK - bought, edge.engineSale("big").remaining());
        }
    }

    private static int remaining(final TestEdge edge)
    {
        return edge.get("/api/sales/big", null).expect(200, null).json().get("remaining").asInt();
    }
}
