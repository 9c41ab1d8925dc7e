package io.flashgate.edge.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operations port of an engine process or an order sink over real HTTP (docs/HTTP-API.md, "Engine process"):
 * the health and metrics routes with the edge's bodies, the engine's operator routes with their 202s and refusals,
 * and bad input answered 4xx with the edge's error shape, never a 500.
 */
class OperationsServerTest
{
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An engine's operator routes as a test double: what they answer is the test's, the routes are the server's. */
    private static final class Operator implements OperationsServer.EngineOperator
    {
        final AtomicBoolean promotable = new AtomicBoolean(true);
        final AtomicLong committed = new AtomicLong(-1);

        @Override
        public Map<String, Object> status()
        {
            final Map<String, Object> view = new LinkedHashMap<>();
            view.put("role", "STANDBY");
            view.put("hold", null);
            return view;
        }

        @Override
        public Map<String, Object> promote(final boolean force)
        {
            if (!promotable.get() && !force)
            {
                throw new ApiError(409, "NOT_PROMOTABLE", "not in sync");
            }
            return Map.of("status", "PROMOTING");
        }

        @Override
        public Map<String, Object> solo()
        {
            throw new ApiError(409, "NOT_PRIMARY", "a standby");
        }

        @Override
        public Map<String, Object> sinkReport(final long committedSequence, final long lagRecords)
        {
            committed.set(committedSequence);
            return Map.of("status", "TAKEN");
        }
    }

    private HttpResponse<String> send(final int port, final String method, final String path) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(
            Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Timeout(60)
    void anEnginesOperationsPortAnswersItsRoutesAndRefusesBadInputClearly() throws Exception
    {
        final PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder().name("flashgate_test_things_total").help("things").register(registry).inc(3);
        final AtomicBoolean ready = new AtomicBoolean(false);
        final Operator operator = new Operator();
        try (OperationsServer server = OperationsServer.start("127.0.0.1", 0, registry, ready::get, "engine not ready",
            "test-operations", operator))
        {
            final int port = server.port();
            assertEquals("{\"status\":\"LIVE\"}", send(port, "GET", "/health/live").body());
            final HttpResponse<String> notReady = send(port, "GET", "/health/ready");
            assertEquals(503, notReady.statusCode());
            assertEquals("{\"error\":\"NOT_READY\",\"message\":\"engine not ready\"}", notReady.body());
            assertEquals("1", notReady.headers().firstValue("Retry-After").orElse(""));
            ready.set(true);
            assertEquals("{\"status\":\"READY\"}", send(port, "GET", "/health/ready").body());
            final HttpResponse<String> metrics = send(port, "GET", "/metrics");
            assertTrue(metrics.body().contains("flashgate_test_things_total 3.0"), metrics.body());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));

            assertEquals("{\"role\":\"STANDBY\",\"hold\":null}", send(port, "GET", "/admin/engine").body());
            final HttpResponse<String> promoted = send(port, "POST", "/admin/promote");
            assertEquals(202, promoted.statusCode());
            assertEquals("{\"status\":\"PROMOTING\"}", promoted.body());
            operator.promotable.set(false);
            final HttpResponse<String> refused = send(port, "POST", "/admin/promote");
            assertEquals(409, refused.statusCode());
            assertEquals("{\"error\":\"NOT_PROMOTABLE\",\"message\":\"not in sync\"}", refused.body());
            assertEquals(202, send(port, "POST", "/admin/promote?force=true").statusCode(), "force is passed on");
            assertEquals(409, send(port, "POST", "/admin/solo").statusCode());

            assertEquals(202, send(port, "POST", "/admin/sink?committed=42&lagRecords=0").statusCode());
            assertEquals(42, operator.committed.get());
            for (final String bad : new String[] {"committed=-5&lagRecords=1", "committed=x&lagRecords=1",
                "lagRecords=1", ""})
            {
                final HttpResponse<String> answer = send(port, "POST", "/admin/sink?" + bad);
                assertEquals(400, answer.statusCode(), bad);
                assertTrue(answer.body().startsWith("{\"error\":\"BAD_REQUEST\""), answer.body());
            }
            assertEquals(42, operator.committed.get(), "nothing taken from bad input");

            final HttpResponse<String> wrongMethod = send(port, "GET", "/admin/promote");
            assertEquals(405, wrongMethod.statusCode());
            assertTrue(wrongMethod.body().contains("METHOD_NOT_ALLOWED"), wrongMethod.body());
            assertEquals(404, send(port, "GET", "/admin/nothing").statusCode());
            assertEquals(404, send(port, "HEAD", "/admin/engine").statusCode());
        }
    }

    @Test
    @Timeout(60)
    void aProcessWithoutAnEngineServesNoOperatorRoutes() throws Exception
    {
        try (OperationsServer server = OperationsServer.start("127.0.0.1", 0, new PrometheusRegistry(), () -> true,
            "database not reachable", "test-operations", null))
        {
            assertEquals(200, send(server.port(), "GET", "/health/ready").statusCode());
            assertEquals(404, send(server.port(), "GET", "/admin/engine").statusCode());
        }
    }
}
