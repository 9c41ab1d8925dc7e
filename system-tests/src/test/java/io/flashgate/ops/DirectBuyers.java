package io.flashgate.ops;

import io.aeron.Aeron;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.ops.drill.PairProcesses;
import io.flashgate.protocol.Reply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Shoppers that reach an engine process of a pair directly over Aeron UDP (no edge), for the pair's process tests. */
final class DirectBuyers
{
    private DirectBuyers()
    {
    }

    /** A client of {@code engine}'s ingress and egress on the test's own media driver. */
    static AeronEngineGateway gateway(final Aeron aeron, final EmbeddedDriver driver, final PairProcesses.Engine engine)
    {
        return AeronEngineGateway.start(aeron, GatewayConfig.udp(driver.aeronDirectory(), engine.ingress(),
            engine.egress(), "127.0.0.1").withReplyTimeout(Duration.ofSeconds(5)));
    }

    /** {@code count} purchases of one unit by users {@code prefix0..}, keys {@code k-prefix0..}: all acknowledged. */
    static List<Reply.Order> buy(final AeronEngineGateway gateway, final String saleId, final String prefix,
        final int count) throws Exception
    {
        final List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            replies.add(gateway.purchase(saleId, prefix + i, "k-" + prefix + i, 1));
        }
        final List<Reply.Order> orders = new ArrayList<>();
        for (final CompletableFuture<Reply> reply : replies)
        {
            orders.add(assertInstanceOf(Reply.Order.class, reply.get(10, TimeUnit.SECONDS)));
        }
        return orders;
    }
}
