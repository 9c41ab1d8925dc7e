package io.flashgate.ops;

import io.flashgate.processes.FreePorts;
import io.flashgate.edge.http.Tokens;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ops/flashgate run} as a real process: one key=value line per event, a sale's life (created, opened,
 * paused, resumed, sold out, ended), an overload episode with the count it shed, the engine's reachability, levels
 * per component from {@code log.levels}; and never a token or the token secret, however they were sent.
 */
class StructuredLogTest
{
    private static final String SECRET = "log-test-secret-9f8e7d6c5b4a";
    /** ts level component, then event=name with key=value pairs, or msg="..." (and error=, stack=). */
    private static final Pattern LINE = Pattern.compile(
        "ts=\\S+Z level=(TRACE|DEBUG|INFO|WARN|ERROR) component=(engine|edge|client|ops|lib) " +
        "(event=[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+( [A-Za-z_]+=(\"([^\"\\\\]|\\\\.)*\"|[^\\s\"]*))*" +
        "|msg=\"([^\"\\\\]|\\\\.)*\"( error=\"([^\"\\\\]|\\\\.)*\")?( stack=\"([^\"\\\\]|\\\\.)*\")?)");

    @Test
    @Timeout(120)
    void aSalesLifeOverloadAndReachabilityInOneFormatWithoutSecrets(@TempDir final Path dir) throws Exception
    {
        final int port = FreePorts.tcp();
        try (ChildJvm run = LauncherProcess.start(dir.resolve("run.log"), Map.of(
            "FLASHGATE_HTTP_PORT", Integer.toString(port),
            "FLASHGATE_DATA_DIR", dir.resolve("data").toString(),
            "FLASHGATE_TOKEN_SECRET", SECRET), "run", "--max-in-flight", "1",
            "--log-levels", "engine=INFO,client=INFO,edge=INFO,lib=WARN"))
        {
            LauncherProcess.awaitReady(run, 1, 90);
            final Shopper s = new Shopper(SECRET, port);
            final List<String> tokensSent = new ArrayList<>();

            // created, then opened by the first purchase after its start
            final Instant opens = Instant.now().plusSeconds(2);
            assertEquals(201, s.createSale("life", 3, 1, opens).status());
            Await.until("the sale's start", Duration.ofSeconds(10), () -> Instant.now().isAfter(opens.plusMillis(200)));
            tokensSent.add(s.shopperToken("u1"));
            assertEquals(201, s.purchase("life", "u1", "k1").get().status());
            assertEquals(200, s.admin("/admin/sales/life/pause").status());
            assertEquals(200, s.admin("/admin/sales/life/resume").status());
            assertEquals(201, s.purchase("life", "u2", "k2").get().status());
            assertEquals(201, s.purchase("life", "u3", "k3").get().status());
            assertEquals(200, s.admin("/admin/sales/life/end").status());

            // tokens where they do not belong: forged, malformed, on a bad body
            final String forged = new Tokens("another-secret-0123456789").shopper("mallory");
            tokensSent.add(forged);
            assertEquals(401, s.withAuthorization("/api/sales/life/purchases", "Bearer " + forged, "{\"quantity\":1}")
                .status());
            assertEquals(401, s.withAuthorization("/api/sales/life/purchases", "Bearer " + SECRET, "{}").status());
            final String valid = s.shopperToken("u9");
            tokensSent.add(valid);
            assertEquals(400, s.withAuthorization("/api/sales/life/purchases", "Bearer " + valid, "{\"quantity\":")
                .status());

            // an overload episode: 40 purchases at once through an in-flight bound of 1
            assertEquals(201, s.createSale("rush", 1000, 1).status());
            final List<CompletableFuture<Shopper.Answer>> rush = new ArrayList<>();
            for (int i = 0; i < 40; i++)
            {
                rush.add(s.purchase("rush", "r" + i, "rk" + i));
            }
            long refused = 0;
            for (final CompletableFuture<Shopper.Answer> answer : rush)
            {
                refused += answer.get().status() == 503 ? 1 : 0;
            }
            assertTrue(refused > 0, "no purchase was shed");
            Await.until(() -> "overload.end in\n" + run.output(), Duration.ofSeconds(10),
                () -> run.output().contains("event=overload.end"));

            final String log = run.output();
            final List<String> lines = log.lines().filter(line -> !line.startsWith("flashgate: ")).toList();
            for (final String line : lines)
            {
                assertTrue(LINE.matcher(line).matches(), "not one key=value line: " + line);
            }
            for (final String event : List.of("sale.created sale=life", "sale.opened sale=life", "sale.paused sale=life",
                "sale.resumed sale=life", "sale.sold_out sale=life", "sale.ended sale=life", "overload.start",
                "engine.reachable"))
            {
                assertEquals(1, lines.stream().filter(line -> line.contains("event=" + event)).count(),
                    event + " once in:\n" + log);
            }
            final Matcher shed = Pattern.compile("event=overload.end shed=(\\d+)").matcher(log);
            assertTrue(shed.find(), log);
            assertEquals(refused, Long.parseLong(shed.group(1)), log);
            assertFalse(log.contains(SECRET), "the token secret is in the log");
            for (final String token : tokensSent)
            {
                assertFalse(log.contains(token), "a token is in the log");
                assertFalse(log.contains(token.substring(token.lastIndexOf('.') + 1)), "a token signature is in the log");
            }
            assertFalse(log.contains("eyJ"), "something shaped like a token is in the log:\n" + log);
        }
    }

    @Test
    @Timeout(60)
    void aComponentBelowItsLevelWritesNothing(@TempDir final Path dir) throws Exception
    {
        final int port = FreePorts.tcp();
        try (ChildJvm run = LauncherProcess.start(dir.resolve("run.log"), Map.of(
            "FLASHGATE_HTTP_PORT", Integer.toString(port),
            "FLASHGATE_DATA_DIR", dir.resolve("data").toString(),
            "FLASHGATE_TOKEN_SECRET", SECRET,
            "FLASHGATE_LOG_LEVELS", "edge=WARN,client=ERROR"), "run"))
        {
            LauncherProcess.awaitReady(run, 1, 90);
            final Shopper s = new Shopper(SECRET, port);
            assertEquals(201, s.createSale("quiet", 1, 1).status());
            assertEquals(201, s.purchase("quiet", "u1", "k1").get().status());
            final String log = run.output();
            assertFalse(log.contains("event=sale.created"), log);
            assertFalse(log.contains("event=sale.sold_out"), log);
            assertFalse(log.contains("event=engine.reachable"), log);
            assertTrue(log.contains("component=engine msg=\"recovered to sequence"), "engine stays at INFO:\n" + log);
        }
    }
}
