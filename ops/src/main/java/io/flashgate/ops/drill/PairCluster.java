package io.flashgate.ops.drill;

import io.flashgate.processes.ChildJvm;
import io.flashgate.processes.FreePorts;
import io.flashgate.processes.TcpRelay;
import io.flashgate.processes.UdpRelay;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The failover drill's parts on this host: a hot-standby pair ({@link PairProcesses}) and one edge in front of it,
 * each its own process ({@code ops/flashgate edge --engines ...}); the engines talk through relays the drill cuts
 * (their link; with ZooKeeper, each engine's way to the three servers, {@link ZooKeeperProcesses}).
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
    final UdpRelay aToB;
    final UdpRelay bToA;
    /** With ZooKeeper: the three servers, and each engine's relays to them; else null. */
    final ZooKeeperProcesses zookeeper;
    final List<TcpRelay> zookeeperRelaysA;
    final List<TcpRelay> zookeeperRelaysB;

    PairCluster(final Path work, final String tokenSecret, final long heartbeatIntervalMillis,
        final long heartbeatTimeoutMillis, final boolean withZooKeeper) throws IOException
    {
        this.engines = new PairProcesses(work, heartbeatIntervalMillis, heartbeatTimeoutMillis);
        this.a = engines.a();
        this.b = engines.b();
        this.tokenSecret = tokenSecret;
        this.aToB = UdpRelay.to(b.pairListen());
        this.bToA = UdpRelay.to(a.pairListen());
        a.peerVia(aToB.endpoint());
        b.peerVia(bToA.endpoint());
        if (withZooKeeper)
        {
            zookeeper = new ZooKeeperProcesses(work);
            zookeeperRelaysA = zookeeper.relaysForOneEngine();
            zookeeperRelaysB = zookeeper.relaysForOneEngine();
            a.extraArgs("--zookeeper", ZooKeeperProcesses.connectString(zookeeperRelaysA), "--zookeeper-root",
                "/flashgate/drill");
            b.extraArgs("--zookeeper", ZooKeeperProcesses.connectString(zookeeperRelaysB), "--zookeeper-root",
                "/flashgate/drill");
        }
        else
        {
            zookeeper = null;
            zookeeperRelaysA = List.of();
            zookeeperRelaysB = List.of();
        }
    }

    /**
     * The ZooKeeper servers if any, then A and B (with ZooKeeper both as {@code engine}: ZooKeeper decides who
     * leads; without, A as a candidate and B as {@code standby}: A leads), then the edge.
     */
    void start()
    {
        if (zookeeper != null)
        {
            zookeeper.start();
        }
        a.start("engine");
        b.start(zookeeper != null ? "engine" : "standby");
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

    /** The verb a killed engine starts again with. */
    String restartVerb()
    {
        return zookeeper != null ? "engine" : "standby";
    }

    void cutLink()
    {
        aToB.cut();
        bToA.cut();
    }

    void healLink()
    {
        aToB.heal();
        bToA.heal();
    }

    List<TcpRelay> zookeeperRelaysOf(final PairProcesses.Engine engine)
    {
        return engine == a ? zookeeperRelaysA : zookeeperRelaysB;
    }

    /** Stops the edge, then both engines (SIGTERM: each closes its journal), then ZooKeeper and the relays. */
    @Override
    public void close()
    {
        if (edge != null && edge.isAlive())
        {
            edge.terminate(Duration.ofSeconds(20));
        }
        engines.close();
        if (zookeeper != null)
        {
            zookeeper.close();
        }
        zookeeperRelaysA.forEach(TcpRelay::close);
        zookeeperRelaysB.forEach(TcpRelay::close);
        aToB.close();
        bToA.close();
    }
}
