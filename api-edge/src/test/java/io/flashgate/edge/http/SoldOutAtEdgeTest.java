package io.flashgate.edge.http;

import io.flashgate.protocol.Reply;
import io.flashgate.testsupport.PrometheusSamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Once the engine says a sale is closed, the edge answers purchases itself: the engine never hears of them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SoldOutAtEdgeTest
{
    @Test
    void soldOutSaleIsAnsweredAtTheEdge(@TempDir final Path dir) throws Exception
    {
        try (TestEdge edge = TestEdge.start(dir))
        {
            edge.createSale("hot", 3, 1, 60).expect(201, null);
            for (int i = 0; i < 3; i++)
            {
                edge.purchase("hot", "buyer" + i, "k", 1).expect(201, null);
            }
            TestEdge.eventually(() -> "SOLD_OUT".equals(
                edge.get("/api/sales/hot", edge.shopper("x")).json().get("status").asText()), "SOLD_OUT broadcast");
            assertEquals(0, edge.get("/api/sales/hot", edge.shopper("x")).json().get("remaining").asInt());

            final long purchasesBefore = edge.gateway.calls("purchase");
            final long allBefore = edge.gateway.totalCalls();
            for (int i = 0; i < 200; i++)
            {
                edge.purchase("hot", "late" + i, "k" + i, 1).expect(409, "SOLD_OUT");
            }
            assertEquals(purchasesBefore, edge.gateway.calls("purchase"), "no late purchase reached the engine");
            assertEquals(allBefore, edge.gateway.totalCalls(), "nothing else reached the engine either");
            assertEquals(3, edge.engineSale("hot").reserved());
            assertEquals(200, PrometheusSamples.value(edge.get("/metrics", null).body(),
                "flashgate_edge_purchases_total", "outcome", "SOLD_OUT", "where", "edge"));
        }
    }

    @Test
    void pausedAndEndedSalesAreAnsweredAtTheEdgeAndResumeReopens(@TempDir final Path dir) throws Exception
    {
        try (TestEdge edge = TestEdge.start(dir))
        {
            edge.createSale("s", 10, 1, 60).expect(201, null);
            edge.post("/admin/sales/s/pause", edge.admin(), "").expect(200, null);
            final long before = edge.gateway.calls("purchase");
            edge.purchase("s", "u1", "k", 1).expect(409, "SALE_PAUSED");
            assertEquals(before, edge.gateway.calls("purchase"));
            edge.post("/admin/sales/s/resume", edge.admin(), "").expect(200, null);
            edge.purchase("s", "u1", "k", 1).expect(201, null);
            edge.post("/admin/sales/s/end", edge.admin(), "").expect(200, null);
            final long afterEnd = edge.gateway.calls("purchase");
            edge.purchase("s", "u2", "k", 1).expect(409, "SALE_ENDED");
            assertEquals(afterEnd, edge.gateway.calls("purchase"));
        }
    }

    @Test
    void soldOutSaleReopensWhenStockIsAdded(@TempDir final Path dir) throws Exception
    {
        try (TestEdge edge = TestEdge.start(dir))
        {
            edge.createSale("s", 1, 1, 60).expect(201, null);
            edge.purchase("s", "u1", "k", 1).expect(201, null);
            TestEdge.eventually(() -> edge.purchase("s", "u2", "k", 1).status() == 409, "sold out");
            edge.post("/admin/sales/s/stock", edge.admin(), "{\"delta\":1}").expect(200, null);
            edge.purchase("s", "u2", "k", 1).expect(201, null);
        }
    }

    @Test
    void aRetryOfAPurchaseMadeThroughAnotherEdgeGetsTheOriginalOrderAfterSellOut(@TempDir final Path dir)
        throws Exception
    {
        try (TestEdge edge = TestEdge.start(dir))
        {
            edge.createSale("hot", 2, 1, 60).expect(201, null);
            // Bought through "another edge" (a second gateway on the engine's stream): this edge never saw the keys.
            final long first = ((Reply.Order)edge.engine.purchase("hot", "alice", "k1", 1).get(10, TimeUnit.SECONDS))
                .orderId();
            edge.engine.purchase("hot", "bob", "k1", 1).get(10, TimeUnit.SECONDS);
            TestEdge.eventually(() -> edge.purchase("hot", "carol", "k1", 1).status() == 409, "SOLD_OUT at the edge");

            final TestEdge.Response retry = edge.purchase("hot", "alice", "k1", 1);
            retry.expect(200, null);
            assertEquals(Long.toString(first), retry.json().get("orderId").asText());
            final long before = edge.gateway.calls("purchase");
            edge.purchase("hot", "dave", "k1", 1).expect(409, "SOLD_OUT");
            assertEquals(before, edge.gateway.calls("purchase"), "a user without an order is still refused at the edge");
        }
    }
}
