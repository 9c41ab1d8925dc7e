package io.flashgate.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aeron.Aeron;
import io.flashgate.edge.EdgeConfig;
import io.flashgate.edge.http.EdgeServer;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.config.WaitChoice;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.engine.transport.AeronEngine;
import io.flashgate.engine.transport.TransportConfig;
import io.flashgate.client.aeron.IdleChoice;
import io.javalin.Javalin;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The servers of the HTTP comparison, in a JVM of their own (the generator runs in another, as wrk would):
 * Flashgate as {@code ops/flashgate run} wires it (embedded driver, engine over IPC, journaling on, edge on
 * Javalin) with throttles opened up (every request comes from 127.0.0.1), and a bare Javalin app with the same
 * settings: {@code GET /bare/sales/{id}} answers a constant sale JSON, {@code POST /bare/sales/{id}/purchases}
 * parses the JSON body and answers 201 with an order JSON from another thread (async, as the edge answers from
 * its reply executor), with no auth, no throttling and no engine.
 *
 * <p>With the argument {@code standby} the edge's engine is instead the primary of a pair with synchronous
 * replication, its standby in this JVM on a driver of its own ({@link SyncPairInJvm}): the {@code --standby} leg.
 *
 * <p>Prints {@code READY <edgePort> <barePort>} on stdout (with a standby: once the pair is in sync); stops
 * everything when stdin closes. Arguments: token secret, data folder, optionally the engine pipeline's wait
 * strategy, the transport pollers' idle strategy ("" or absent: the defaults) and {@code standby}.
 */
public final class HttpServers
{
    private HttpServers()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String secret = args[0];
        final Path dataDir = Path.of(args[1]);
        final String wait = args.length > 2 ? args[2] : "";
        final String idle = args.length > 3 ? args[3] : "";
        final boolean standby = args.length > 4 && args[4].equals("standby");
        Files.createDirectories(dataDir);
        EmbeddedDriver driver = null;
        AutoCloseable engine = null;
        Aeron aeron = null;
        AeronEngineGateway gateway = null;
        EdgeServer edge = null;
        Javalin bare = null;
        ExecutorService replies = null;
        try
        {
            final String idleName = idle;
            // As `run`: one Aeron thread runs the driver, the client conductor and both pollers.
            final IdleChoice dutyIdle = idleName.isEmpty() ? IdleChoice.DEFAULT :
                IdleChoice.valueOf(idleName.toUpperCase(Locale.ROOT));
            // Without a standby every channel is IPC, as in run: the thread parks for timers alone. A pair's link
            // is UDP, whose datagrams nobody signals: then the backoff.
            driver = EmbeddedDriver.start(EmbeddedDriver.THREAD_NAME, dutyIdle == IdleChoice.BACKOFF && !standby ?
                io.flashgate.client.aeron.DutyCycle.signalledIdle() : dutyIdle.newStrategy());
            aeron = driver.connect();
            EngineConfig engineConfig = EngineConfig.defaults(dataDir).withExpectedBuyers(100_000);
            if (!wait.isEmpty())
            {
                engineConfig = engineConfig.withWaitChoice(WaitChoice.valueOf(wait.toUpperCase(Locale.ROOT)));
            }
            TransportConfig transport = TransportConfig.ipc(driver.aeronDirectory());
            GatewayConfig edgeChannels = GatewayConfig.ipc(driver.aeronDirectory());
            IdleChoice choice = IdleChoice.DEFAULT;
            if (!idle.isEmpty())
            {
                choice = IdleChoice.valueOf(idle.toUpperCase(Locale.ROOT));
                transport = transport.withIdle(choice);
                edgeChannels = edgeChannels.withIdle(choice);
            }
            if (standby)
            {
                final SyncPairInJvm pair = SyncPairInJvm.start(aeron, transport, engineConfig, dataDir, choice);
                engine = pair;
                System.err.println("pair in sync: " + pair.describe());
            }
            else
            {
                engine = AeronEngine.start(aeron, transport, engineConfig);
            }
            gateway = AeronEngineGateway.start(aeron, edgeChannels);
            if (!gateway.awaitReachable(Duration.ofSeconds(30)))
            {
                throw new IOException("edge never reached the engine");
            }
            final EdgeConfig config = EdgeConfig.defaults().withPort(0).withTokenSecret(secret)
                .withUserRate(1e9, 1_000_000_000).withIpRate(1e9, 1_000_000_000);
            edge = EdgeServer.start(config, gateway);
            final AtomicInteger ids = new AtomicInteger();
            replies = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r ->
            {
                final Thread t = new Thread(r, "bare-reply-" + ids.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            bare = startBare(config.maxBodyBytes(), replies);
            System.out.println("READY " + edge.port() + " " + bare.port());
            System.out.flush();
            final InputStream in = System.in;
            while (in.read() >= 0)
            {
                // until the generator closes our stdin
            }
        }
        finally
        {
            if (bare != null)
            {
                bare.stop();
            }
            if (replies != null)
            {
                replies.shutdownNow();
                replies.awaitTermination(5, TimeUnit.SECONDS);
            }
            CloseHelper.quietCloseAll(edge, gateway, engine, aeron, driver);
        }
        System.exit(0);
    }

    static Javalin startBare(final int maxBodyBytes, final ExecutorService replies)
    {
        final ObjectMapper mapper = new ObjectMapper();
        final String json = "application/json; charset=utf-8";
        final AtomicInteger orders = new AtomicInteger();
        final Javalin app = Javalin.create(c ->
        {
            c.showJavalinBanner = false;
            c.http.maxRequestSize = maxBodyBytes;
            c.http.defaultContentType = json;
        });
        app.get("/bare/sales/{saleId}", ctx ->
        {
            final Map<String, Object> sale = new LinkedHashMap<>();
            sale.put("saleId", ctx.pathParam("saleId"));
            sale.put("status", "OPEN");
            sale.put("remaining", 1000);
            sale.put("limitPerUser", 2);
            sale.put("startsAt", "2026-11-24T10:00:00Z");
            sale.put("endsAt", "2026-11-24T11:00:00Z");
            writeDirect(ctx, 200, mapper.writeValueAsBytes(sale));
        });
        app.post("/bare/sales/{saleId}/purchases", ctx ->
        {
            final JsonNode body = mapper.readTree(ctx.bodyAsBytes());
            final int quantity = body.path("quantity").asInt(0);
            final String saleId = ctx.pathParam("saleId");
            final String key = ctx.header("Idempotency-Key");
            ctx.future(() -> CompletableFuture.supplyAsync(() ->
            {
                final Map<String, Object> order = new LinkedHashMap<>();
                order.put("orderId", orders.incrementAndGet());
                order.put("saleId", saleId);
                order.put("userId", key == null ? "" : key);
                order.put("quantity", quantity);
                order.put("status", "RESERVED");
                order.put("expiresAt", "2026-11-24T11:00:00Z");
                try
                {
                    return mapper.writeValueAsBytes(order);
                }
                catch (final IOException ex)
                {
                    return "{}".getBytes(StandardCharsets.UTF_8);
                }
            }, replies).thenAccept(bytes -> writeDirect(ctx, 201, bytes)));
        });
        return app.start("127.0.0.1", 0);
    }

    /**
     * Writes the answer straight to the servlet response, as the edge does: Javalin's {@code ctx.result} copies every
     * answer through a fresh 32 KB buffer, and a bare endpoint that paid it while the edge does not would flatter
     * the edge's ratio.
     */
    private static void writeDirect(final io.javalin.http.Context ctx, final int status, final byte[] bytes)
    {
        final jakarta.servlet.http.HttpServletResponse res = ctx.res();
        res.setStatus(status);
        res.setContentType("application/json; charset=utf-8");
        res.setContentLength(bytes.length);
        try
        {
            res.getOutputStream().write(bytes);
        }
        catch (final IOException ex)
        {
            // the client went away
        }
    }
}
