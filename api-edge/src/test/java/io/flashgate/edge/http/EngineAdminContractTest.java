package io.flashgate.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aeron.Aeron;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.client.follow.FollowingGateway;
import io.flashgate.config.StandbyAbsence;
import io.flashgate.edge.EdgeConfig;
import io.flashgate.engine.pair.PairConfig;
import io.flashgate.engine.pair.PairedEngine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.engine.transport.TransportConfig;
import io.flashgate.protocol.EngineRole;
import io.flashgate.client.aeron.IdleChoice;
import io.flashgate.protocol.StandbyState;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.FreePorts;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /admin/engine} (docs/HTTP-API.md, "Operator routes") over real HTTP, for an edge in front of a real
 * hot-standby pair (two engines on one media driver, UDP on loopback): the primary with its standby in sync, the
 * standby as the edge lists it, an edge that knows only the standby (no primary: 503), and a primary whose standby
 * is gone, first refusing at once (503), then released by an operator's solo (role SOLO).
 */
@Timeout(120)
class EngineAdminContractTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "test-secret-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /**
     * Roles here change only when the test stops an engine: a silence that short of the timeout is a busy machine,
     * and must not promote the standby behind the test's back (it did at 300 ms, with a second test JVM running).
     */
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofMillis(2_000);

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }

    @AfterEach
    void closeEverything()
    {
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(resources.get(i));
        }
    }

    private record Member(String endpoint, TransportConfig channels, GatewayConfig gateway)
    {
    }

    private static Member member(final String aeronDirectory)
    {
        final String ingress = "127.0.0.1:" + FreePorts.udp();
        final String egress = "127.0.0.1:" + FreePorts.udp();
        return new Member(ingress + "/" + egress, TransportConfig.udp(aeronDirectory, ingress, egress),
            GatewayConfig.udp(aeronDirectory, ingress, egress, "127.0.0.1"));
    }

    private record Answer(int status, JsonNode json)
    {
    }

    private Answer send(final EdgeServer edge, final String method, final String path, final String token,
        final String key, final String body) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + path))
            .timeout(WAIT).method(method, body == null ? HttpRequest.BodyPublishers.noBody() :
                HttpRequest.BodyPublishers.ofString(body));
        if (token != null)
        {
            request.header("Authorization", "Bearer " + token);
        }
        if (key != null)
        {
            request.header("Idempotency-Key", key);
        }
        final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
    }

    private FollowingGateway gatewayOver(final Aeron aeron, final List<Member> members)
    {
        return track(FollowingGateway.overAeron(aeron, members.stream()
            .map(m -> new FollowingGateway.AeronMember(m.endpoint(), m.gateway())).toList()));
    }

    private EdgeServer edgeOn(final FollowingGateway gateway)
    {
        return track(EdgeServer.start(EdgeConfig.defaults().withPort(0).withTokenSecret(SECRET)
            .withUserRate(10_000, 10_000).withIpRate(100_000, 100_000), gateway));
    }

    @Test
    void thePrimaryTheStandbyAndASoloPrimaryAsTheEdgeShowsThem() throws Exception
    {
        final EmbeddedDriver driver = track(EmbeddedDriver.start());
        final Aeron aeron = track(driver.connect());
        final Member a = member(driver.aeronDirectory());
        final Member b = member(driver.aeronDirectory());
        final String pairA = "127.0.0.1:" + FreePorts.udp();
        final String pairB = "127.0.0.1:" + FreePorts.udp();
        final EngineConfig engineConfig = EngineConfig.defaults(dataDir).withTickIntervalMillis(0)
            .withSnapshotEveryCommands(0);
        final PairedEngine primary = track(PairedEngine.start(aeron, a.channels(),
            engineConfig.withDataDirectory(dataDir.resolve("a")), new PairConfig(pairA, pairB, HEARTBEAT,
                HEARTBEAT_TIMEOUT, true, StandbyAbsence.STOP), IdleChoice.DEFAULT, true));
        final PairedEngine standby = track(PairedEngine.start(aeron, b.channels(),
            engineConfig.withDataDirectory(dataDir.resolve("b")), new PairConfig(pairB, pairA, HEARTBEAT,
                HEARTBEAT_TIMEOUT, true, StandbyAbsence.STOP), IdleChoice.DEFAULT, false));
        Await.until(() -> "the pair in sync: " + primary.state(), WAIT, () -> primary.state().role() ==
            EngineRole.PRIMARY && primary.state().standbyState() == StandbyState.IN_SYNC);
        final EdgeServer edge = edgeOn(gatewayOver(aeron, List.of(a, b)));
        final String admin = edge.tokens().admin("ops");
        Await.until("the edge follows the primary", WAIT, () -> isFollowing(edge, admin, "PRIMARY"));

        // The primary, with its standby in sync.
        final Instant now = Instant.now();
        assertEquals(201, send(edge, "POST", "/admin/sales", admin, null, "{\"saleId\":\"s\",\"stock\":100," +
            "\"limitPerUser\":5,\"startsAt\":\"" + now.minusSeconds(60) + "\",\"endsAt\":\"" + now.plusSeconds(3600) +
            "\",\"reservationTtlSeconds\":600}").status());
        assertEquals(201, send(edge, "POST", "/api/sales/s/purchases", edge.tokens().shopper("alice"), "k1",
            "{\"quantity\":1}").status());
        final JsonNode onPrimary = send(edge, "GET", "/admin/engine", admin, null, null).json();
        assertEquals(List.of("role", "epoch", "sequence", "durableSequence", "standby", "engines"), fields(onPrimary));
        assertEquals("PRIMARY", onPrimary.get("role").asText());
        final long epoch = onPrimary.get("epoch").asLong();
        assertTrue(epoch > 0, onPrimary::toString);
        assertEquals(List.of("state", "ackedSequence", "lagRecords"), fields(onPrimary.get("standby")));
        assertEquals("IN_SYNC", onPrimary.get("standby").get("state").asText());
        assertTrue(onPrimary.get("standby").get("ackedSequence").asLong() >= 3, onPrimary::toString);
        assertTrue(onPrimary.get("durableSequence").asLong() >= onPrimary.get("standby").get("ackedSequence").asLong());

        // The order sink reports to the engine (ops/flashgate sink --report-to): the edge shows it after the standby.
        primary.engine().sinkReport().report(3, 1, System.currentTimeMillis());
        final JsonNode withSink = send(edge, "GET", "/admin/engine", admin, null, null).json();
        assertEquals(List.of("role", "epoch", "sequence", "durableSequence", "standby", "sink", "engines"),
            fields(withSink));
        assertEquals(3, withSink.get("sink").get("committedSequence").asLong());
        assertEquals(1, withSink.get("sink").get("lagRecords").asLong());

        // The standby, as the edge lists it: same epoch, never followed.
        Await.until("the edge heard the standby's epoch", WAIT, () -> engineListed(edge, admin, 1).get("epoch")
            .asLong() == epoch);
        final JsonNode listedStandby = engineListed(edge, admin, 1);
        assertEquals(b.endpoint(), listedStandby.get("endpoint").asText());
        assertEquals("STANDBY", listedStandby.get("role").asText());
        assertTrue(listedStandby.get("reachable").asBoolean());
        assertEquals(false, listedStandby.get("followed").asBoolean());
        assertEquals(true, engineListed(edge, admin, 0).get("followed").asBoolean());

        // An edge that knows only the standby has no primary to follow: 503, and a purchase is refused at once.
        final FollowingGateway toStandbyOnly = gatewayOver(aeron, List.of(b));
        final EdgeServer standbyOnly = edgeOn(toStandbyOnly);
        Await.until(() -> "the edge heard the standby: " + toStandbyOnly.engines(), WAIT, () ->
            toStandbyOnly.engines().get(0).reachable() && toStandbyOnly.engines().get(0).role() == EngineRole.STANDBY);
        final Answer noPrimary = send(standbyOnly, "GET", "/admin/engine", standbyOnly.tokens().admin("ops"), null, null);
        assertEquals(503, noPrimary.status());
        assertEquals("OVERLOADED", noPrimary.json().get("error").asText());

        // The standby goes: the primary (STOP) refuses at once; an operator's solo lets it sell alone.
        standby.close();
        Await.until("the standby is absent", WAIT, () -> primary.state().standbyState() == StandbyState.ABSENT);
        final Answer refused = send(edge, "POST", "/api/sales/s/purchases", edge.tokens().shopper("bob"), "k2",
            "{\"quantity\":1}");
        assertEquals(503, refused.status());
        assertEquals("OVERLOADED", refused.json().get("error").asText());
        final JsonNode absent = send(edge, "GET", "/admin/engine", admin, null, null).json();
        assertEquals("PRIMARY", absent.get("role").asText());
        assertEquals("ABSENT", absent.get("standby").get("state").asText());

        assertTrue(primary.solo());
        Await.until("solo", WAIT, () -> primary.state().role() == EngineRole.SOLO);
        // The edge's view follows the engine's by a probe: while the primary held (no standby) the edge may have
        // followed none, and it follows the solo primary once a probe has answered (a loaded run asked in between).
        Await.until("the edge follows the solo primary", WAIT, () -> isFollowing(edge, admin, "SOLO"));
        final JsonNode solo = send(edge, "GET", "/admin/engine", admin, null, null).json();
        assertEquals("SOLO", solo.get("role").asText());
        assertEquals(epoch, solo.get("epoch").asLong());
        assertEquals("ABSENT", solo.get("standby").get("state").asText());
        assertEquals(201, send(edge, "POST", "/api/sales/s/purchases", edge.tokens().shopper("bob"), "k2",
            "{\"quantity\":1}").status());
    }

    private boolean isFollowing(final EdgeServer edge, final String admin, final String role)
    {
        try
        {
            final Answer answer = send(edge, "GET", "/admin/engine", admin, null, null);
            return answer.status() == 200 && role.equals(answer.json().get("role").asText());
        }
        catch (final Exception ex)
        {
            return false;
        }
    }

    private JsonNode engineListed(final EdgeServer edge, final String admin, final int index)
    {
        try
        {
            return send(edge, "GET", "/admin/engine", admin, null, null).json().get("engines").get(index);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static List<String> fields(final JsonNode node)
    {
        final List<String> fields = new ArrayList<>();
        node.fieldNames().forEachRemaining(fields::add);
        return fields;
    }
}
