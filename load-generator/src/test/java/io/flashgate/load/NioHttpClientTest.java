package io.flashgate.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the load client must guarantee, whatever the interleaving of its connections: every request sent is
 * answered exactly once, with its own answer (never another request's), its status, and nothing lost or
 * duplicated, including when a connection fails under a request.
 */
class NioHttpClientTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Per-request record of what the client handed back. */
    private static final class Answers
    {
        final AtomicIntegerArray calls;
        final AtomicIntegerArray statuses;
        final AtomicReferenceArray<byte[]> bodies;
        final CountDownLatch done;

        Answers(final int count)
        {
            calls = new AtomicIntegerArray(count);
            statuses = new AtomicIntegerArray(count);
            bodies = new AtomicReferenceArray<>(count);
            done = new CountDownLatch(count);
        }

        NioHttpClient.Callback callbackFor(final int i)
        {
            return (status, body) ->
            {
                calls.incrementAndGet(i);
                statuses.set(i, status);
                bodies.set(i, body);
                done.countDown();
            };
        }

        /** Waits for as many callbacks as requests, then checks each request had exactly one. */
        void assertEachAnsweredOnce() throws InterruptedException
        {
            assertTrue(done.await(20, TimeUnit.SECONDS), "answers missing: " + done.getCount());
            final List<String> wrong = new ArrayList<>();
            for (int i = 0; i < calls.length(); i++)
            {
                if (calls.get(i) != 1)
                {
                    wrong.add("request " + i + " answered " + calls.get(i) + " times");
                }
            }
            assertEquals(List.of(), wrong, "every request answered exactly once");
        }

        String text(final int i)
        {
            return new String(bodies.get(i), StandardCharsets.UTF_8);
        }
    }

    @Test
    @Timeout(30)
    void everyGetAndAsyncPostOverKeepAliveConnectionsGetsItsOwnAnswerExactlyOnce() throws Exception
    {
        final ExecutorService replies = Executors.newFixedThreadPool(2);
        final Javalin bare = HttpServers.startBare(4096, replies);
        final int count = 2000;
        final Answers answers = new Answers(count);
        try (NioHttpClient client = new NioHttpClient("127.0.0.1", bare.port(), 4))
        {
            final byte[] body = "{\"quantity\":1}".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < count; i++)
            {
                // The bare app echoes the sale id of both routes, and a purchase's Idempotency-Key as its userId:
                // each answer names the request it belongs to.
                final String request = i % 2 == 0 ?
                    "GET /bare/sales/g" + i + " HTTP/1.1\r\nHost: x\r\n\r\n" :
                    "POST /bare/sales/p" + i + "/purchases HTTP/1.1\r\nHost: x\r\nIdempotency-Key: k" + i +
                        "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n" +
                        new String(body, StandardCharsets.US_ASCII);
                client.send(request.getBytes(StandardCharsets.US_ASCII), answers.callbackFor(i));
            }
            answers.assertEachAnsweredOnce();
        }
        finally
        {
            bare.stop();
            replies.shutdownNow();
        }
        final Set<Long> orderIds = new HashSet<>();
        for (int i = 0; i < count; i++)
        {
            final JsonNode answer = JSON.readTree(answers.bodies.get(i));
            if (i % 2 == 0)
            {
                assertEquals(200, answers.statuses.get(i), "GET " + i);
                assertEquals("g" + i, answer.path("saleId").asText(), "GET " + i + " got " + answers.text(i));
                assertEquals("OPEN", answer.path("status").asText());
            }
            else
            {
                assertEquals(201, answers.statuses.get(i), "POST " + i);
                assertEquals("p" + i, answer.path("saleId").asText(), "POST " + i + " got " + answers.text(i));
                assertEquals("k" + i, answer.path("userId").asText(), "POST " + i + " got " + answers.text(i));
                final long orderId = HttpTarget.orderId(answers.bodies.get(i));
                assertTrue(orderId > 0, "POST " + i + " got " + answers.text(i));
                assertTrue(orderIds.add(orderId), "order " + orderId + " handed to two requests");
            }
        }
        assertEquals(count / 2, orderIds.size());
        final int callsAfterClose = sum(answers.calls);
        assertEquals(count, callsAfterClose, "no callback after the client closed");
    }

    @Test
    @Timeout(30)
    void aConnectionClosedUnderARequestFailsThatRequestOnceAndTheOthersStillGetTheirOwnAnswers() throws Exception
    {
        final int count = 300;
        final Answers answers = new Answers(count);
        try (ScriptedServer server = new ScriptedServer();
            NioHttpClient client = new NioHttpClient("127.0.0.1", server.port(), 3))
        {
            for (int i = 0; i < count; i++)
            {
                client.send(("GET /r/" + i + "/" + ScriptedServer.mode(i) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII), answers.callbackFor(i));
            }
            answers.assertEachAnsweredOnce();
        }
        for (int i = 0; i < count; i++)
        {
            if (ScriptedServer.mode(i).equals("drop"))
            {
                assertEquals(-1, answers.statuses.get(i), "request " + i + " lost its connection");
            }
            else
            {
                assertEquals(200, answers.statuses.get(i), "request " + i + " (" + ScriptedServer.mode(i) + ")");
                assertEquals("answer to " + i, answers.text(i), "request " + i + " (" + ScriptedServer.mode(i) + ")");
            }
        }
    }

    private static int sum(final AtomicIntegerArray values)
    {
        int sum = 0;
        for (int i = 0; i < values.length(); i++)
        {
            sum += values.get(i);
        }
        return sum;
    }

    /**
     * A keep-alive HTTP server on loopback that answers {@code GET /r/<i>/<mode>} with "answer to i": with a
     * Content-Length ("plain"), in two chunks ("chunked"), or not at all, closing the connection ("drop").
     */
    private static final class ScriptedServer implements AutoCloseable
    {
        private final ServerSocket socket;
        private final ExecutorService threads = Executors.newCachedThreadPool(r ->
        {
            final Thread t = new Thread(r, "scripted-http-server");
            t.setDaemon(true);
            return t;
        });

        ScriptedServer() throws IOException
        {
            socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            threads.execute(this::accept);
        }

        static String mode(final int i)
        {
            return i % 10 == 7 ? "drop" : i % 3 == 0 ? "chunked" : "plain";
        }

        int port()
        {
            return socket.getLocalPort();
        }

        private void accept()
        {
            while (!socket.isClosed())
            {
                try
                {
                    final Socket connection = socket.accept();
                    threads.execute(() -> serve(connection));
                }
                catch (final IOException ex)
                {
                    return; // closed
                }
            }
        }

        private static void serve(final Socket connection)
        {
            try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream())
            {
                while (true)
                {
                    final String head = readHead(in);
                    if (head == null)
                    {
                        return;
                    }
                    final String[] path = head.substring(head.indexOf(' ') + 1, head.indexOf(" HTTP/")).split("/");
                    final String body = "answer to " + path[2];
                    switch (path[3])
                    {
                        case "drop" ->
                        {
                            return;
                        }
                        case "chunked" ->
                        {
                            final String first = body.substring(0, 4);
                            final String rest = body.substring(4);
                            out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                Integer.toHexString(first.length()) + "\r\n" + first + "\r\n" +
                                Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        }
                        default -> out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                            .getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                }
            }
            catch (final IOException ex)
            {
                // the client went away
            }
        }

        /** The request line and headers up to the blank line, or null at the end of the stream. */
        private static String readHead(final InputStream in) throws IOException
        {
            final StringBuilder head = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0)
            {
                head.append((char)c);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n"))
                {
                    return head.toString();
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException
        {
            socket.close();
            threads.shutdownNow();
        }
    }
}
