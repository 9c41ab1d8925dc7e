package io.flashgate.ops;

import io.flashgate.edge.EdgeConfig;
import io.flashgate.edge.http.EdgeServer;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.engine.metrics.EngineMetrics;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.engine.transport.EngineTransport;
import io.flashgate.engine.transport.TransportConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one launcher process runs, started in dependency order and closed in reverse: the embedded media driver
 * first and last, the engine (which drains and closes its journal) before the driver, the edge before the engine.
 */
final class FlashgateProcess implements AutoCloseable
{
    private final List<AutoCloseable> startedInOrder = new ArrayList<>();
    private EdgeServer edge;
    private String description = "";

    private FlashgateProcess()
    {
    }

    /** Engine + edge + embedded driver in one JVM, over Aeron IPC. */
    static FlashgateProcess allInOne(final LaunchOptions options) throws IOException
    {
        final FlashgateProcess process = new FlashgateProcess();
        try
        {
            final String secret = TokenSecret.resolve(options);
            final EmbeddedDriver driver = process.started(EmbeddedDriver.start());
            final EngineTransport engine = process.started(EngineTransport.launch(
                TransportConfig.ipc(driver.aeronDirectory()), EngineConfig.defaults(options.dataDir())));
            final AeronEngineGateway gateway =
                process.started(AeronEngineGateway.start(GatewayConfig.ipc(driver.aeronDirectory())));
            awaitEngine(gateway);
            final PrometheusRegistry metrics = new PrometheusRegistry();
            EngineMetrics.register(metrics, engine.engine(), engine);
            process.edge = process.started(EdgeServer.start(edgeConfig(options, secret), gateway, metrics));
            process.description = "engine + edge on http://" + options.httpHost() + ":" + process.edge.port() +
                " (journal in " + options.dataDir().toAbsolutePath() + ")";
            return process;
        }
        catch (final IOException | RuntimeException ex)
        {
            process.close();
            throw ex;
        }
    }

    /** The engine alone: commands on UDP {@code ingress}, events as MDC from control endpoint {@code egress}. */
    static FlashgateProcess engine(final LaunchOptions options) throws IOException
    {
        final FlashgateProcess process = new FlashgateProcess();
        try
        {
            final EmbeddedDriver driver = process.started(EmbeddedDriver.start());
            final EngineTransport engine = process.started(EngineTransport.launch(
                TransportConfig.udp(driver.aeronDirectory(), options.ingressEndpoint(), options.egressControl()),
                EngineConfig.defaults(options.dataDir())));
            final PrometheusRegistry registry = new PrometheusRegistry();
            EngineMetrics.register(registry, engine.engine(), engine);
            final MetricsEndpoint metrics =
                process.started(MetricsEndpoint.serve(registry, options.httpHost(), options.metricsPort()));
            process.description = "engine on udp " + options.ingressEndpoint() + " (events via " +
                options.egressControl() + ", journal in " + options.dataDir().toAbsolutePath() +
                ", metrics on http://" + options.httpHost() + ":" + metrics.port() + "/metrics)";
            return process;
        }
        catch (final IOException | RuntimeException ex)
        {
            process.close();
            throw ex;
        }
    }

    /** An edge alone, talking to a separate engine over UDP; it serves 503 NOT_READY until the engine answers. */
    static FlashgateProcess edge(final LaunchOptions options) throws IOException
    {
        final FlashgateProcess process = new FlashgateProcess();
        try
        {
            final String secret = TokenSecret.resolve(options);
            final EmbeddedDriver driver = process.started(EmbeddedDriver.start());
            final AeronEngineGateway gateway = process.started(AeronEngineGateway.start(GatewayConfig.udp(
                driver.aeronDirectory(), options.ingressEndpoint(), options.egressControl(), options.edgeHost())));
            process.edge = process.started(EdgeServer.start(edgeConfig(options, secret), gateway));
            process.description = "edge on http://" + options.httpHost() + ":" + process.edge.port() +
                " for the engine at udp " + options.ingressEndpoint();
            return process;
        }
        catch (final IOException | RuntimeException ex)
        {
            process.close();
            throw ex;
        }
    }

    private static EdgeConfig edgeConfig(final LaunchOptions options, final String secret)
    {
        return EdgeConfig.defaults().withHost(options.httpHost()).withPort(options.httpPort())
            .withTokenSecret(secret);
    }

    private static void awaitEngine(final AeronEngineGateway gateway) throws IOException
    {
        try
        {
            if (!gateway.awaitReachable(Duration.ofSeconds(30)))
            {
                throw new IOException("the engine did not answer over Aeron within 30 s");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the engine", ex);
        }
    }

    private <T extends AutoCloseable> T started(final T component)
    {
        startedInOrder.add(component);
        return component;
    }

    /** One line for the operator: what runs and where. */
    String description()
    {
        return description;
    }

    /** The HTTP port bound, or -1 for an engine-only process. */
    int httpPort()
    {
        return edge == null ? -1 : edge.port();
    }

    @Override
    public synchronized void close()
    {
        final List<AutoCloseable> reverse = new ArrayList<>(startedInOrder);
        Collections.reverse(reverse);
        startedInOrder.clear();
        CloseHelper.quietCloseAll(reverse);
    }
}
