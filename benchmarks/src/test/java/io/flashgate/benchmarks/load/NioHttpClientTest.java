package io.flashgate.benchmarks.load;

import io.javalin.Javalin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load client against the bare Javalin app of the HTTP comparison, in process. */
class NioHttpClientTest
{
    @Test
    @Timeout(30)
    void keepAliveConnectionsAnswerEveryGetAndAsyncPost() throws Exception
    {
        final ExecutorService replies = Executors.newFixedThreadPool(2);
        final Javalin bare = HttpServers.startBare(4096, replies);
        try (NioHttpClient client = new NioHttpClient("127.0.0.1", bare.port(), 4))
        {
            final int count = 2000;
            final CountDownLatch done = new CountDownLatch(count);
            final AtomicInteger ok = new AtomicInteger();
            final AtomicInteger orders = new AtomicInteger();
            final byte[] body = "{\"quantity\":1}".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < count; i++)
            {
                final String request = i % 2 == 0 ?
                    "GET /bare/sales/s1 HTTP/1.1\r\nHost: x\r\n\r\n" :
                    "POST /bare/sales/s1/purchases HTTP/1.1\r\nHost: x\r\nIdempotency-Key: k" + i +
                        "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n" +
                        new String(body, StandardCharsets.US_ASCII);
                final boolean post = i % 2 == 1;
                client.send(request.getBytes(StandardCharsets.US_ASCII), (status, answer) ->
                {
                    final String text = new String(answer, StandardCharsets.UTF_8);
                    if (post ? status == 201 && HttpTarget.orderId(answer) > 0 : status == 200 && text.contains("OPEN"))
                    {
                        ok.incrementAndGet();
                    }
                    if (post)
                    {
                        orders.incrementAndGet();
                    }
                    done.countDown();
                });
            }
            assertTrue(done.await(20, TimeUnit.SECONDS), "answers missing: " + done.getCount());
            assertEquals(count, ok.get());
            assertEquals(count / 2, orders.get());
        }
        finally
        {
            bare.stop();
            replies.shutdownNow();
        }
    }
}
