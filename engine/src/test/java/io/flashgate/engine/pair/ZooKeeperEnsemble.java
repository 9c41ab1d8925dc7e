package io.flashgate.engine.pair;

import io.flashgate.processes.FreePorts;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Three real ZooKeeper servers in this JVM (Curator's {@link TestingCluster}: the servers of the
 * {@code org.apache.zookeeper} artifact, each with its own data folder and port), with a tick short enough that a
 * session of a few hundred milliseconds is allowed, as docs/RUNBOOK's ensemble has.
 */
final class ZooKeeperEnsemble implements AutoCloseable
{
    static final int TICK_MILLIS = 50;
    final TestingCluster cluster;
    final List<InstanceSpec> servers = new ArrayList<>();

    ZooKeeperEnsemble(final Path folder) throws Exception
    {
        for (int id = 1; id <= 3; id++)
        {
            final File data = folder.resolve("zk-" + id).toFile();
            java.nio.file.Files.createDirectories(data.toPath());
            // ports from FreePorts (below the ephemeral range): Curator's own are picked there and bound later
            servers.add(new InstanceSpec(data, FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(), true, id, TICK_MILLIS, 60,
                Map.of("minSessionTimeout", Integer.toString(2 * TICK_MILLIS), "maxSessionTimeout", "60000",
                    "admin.enableServer", "false")));
        }
        cluster = new TestingCluster(servers);
        cluster.start();
    }

    /** Each server's {@code host:port}, for a client or a relay per server. */
    List<String> endpoints()
    {
        final List<String> endpoints = new ArrayList<>();
        for (final InstanceSpec spec : servers)
        {
            endpoints.add("127.0.0.1:" + spec.getPort());
        }
        return endpoints;
    }

    void kill(final int index) throws Exception
    {
        cluster.killServer(servers.get(index));
    }

    void restart(final int index) throws Exception
    {
        cluster.restartServer(servers.get(index));
    }

    @Override
    public void close() throws Exception
    {
        cluster.close();
    }
}
