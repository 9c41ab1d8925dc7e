package io.flashgate.ops.drill;

import io.flashgate.testsupport.ChildJvm;
import io.flashgate.testsupport.FreePorts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The failover drill's parts on this host: a hot-standby pair ({@link PairProcesses}) and one edge in front of it,
 * each its own process ({@code ops/flashgate edge --engines ...}).
 */
final class PairCluster implements AutoCloseable
{
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    final PairProcesses engines;
    final PairProcesses.Engine a;
    final PairProcesses.Engine b;
    final int httpPort = FreePorts.tcp();
    final String tokenSecret;
    private ChildJvm edge;

    PairCluster(final Path work, final String tokenSecret, final long heartbeatIntervalMillis,
        final long heartbeatTimeoutMillis) throws IOException
    {
        this.engines = new PairProcesses(work, heartbeatIntervalMillis, heartbeatTimeoutMillis);
        this.a = engines.a();
        this.b = engines.b();
        this.tokenSecret = tokenSecret;
    }

    /** A as the first primary (it hears no primary and promotes itself), B as its standby, then the edge. */
    void start()
    {
        a.start("engine");
        b.start("standby");
        edge = ChildJvm.of(io.flashgate.ops.Launcher.class, "edge", "--data-dir",
                engines.work.resolve("edge").toString(), "--http-port", Integer.toString(httpPort),
                "--token-secret", tokenSecret, "--engines", a.endpoints() + "," + b.endpoints())
            .heap("384m").jvmFlagsOfThisJvm()
            .start(engines.work.resolve("edge.log"));
        edge.awaitLine("flashgate: ready", 1, START_TIMEOUT);
    }

    String baseUrl()
    {
        return "http://127.0.0.1:" + httpPort;
    }

    Optional<PairProcesses.Engine> primary()
    {
        return engines.primary();
    }

    PairProcesses.Engine other(final PairProcesses.Engine engine)
    {
        return engines.other(engine);
    }

    /** Stops the edge, then both engines (SIGTERM: each closes its journal). */
    @Override
    public void close()
    {
        if (edge != null && edge.isAlive())
        {
            edge.terminate(Duration.ofSeconds(20));
        }
        engines.close();
    }
}
