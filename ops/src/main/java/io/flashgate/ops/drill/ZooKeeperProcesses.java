package io.flashgate.ops.drill;

import io.flashgate.coordination.ZooKeeperNode;
import io.flashgate.processes.ChildJvm;
import io.flashgate.processes.FreePorts;
import io.flashgate.processes.TcpRelay;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Three ZooKeeper servers on this host, each its own process started as an operator would
 * ({@code ops/flashgate zookeeper --id N --servers ...}), for the drill. A server is killed with SIGKILL and started
 * again; each engine reaches the servers through {@link TcpRelay}s of its own, so that one engine can be cut off
 * from ZooKeeper while the other is not.
 */
final class ZooKeeperProcesses implements AutoCloseable
{
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path work;
    private final List<Integer> clientPorts = new ArrayList<>();
    private final String servers;
    private final ChildJvm[] processes = new ChildJvm[3];
    private final int[] starts = new int[3];

    ZooKeeperProcesses(final Path work)
    {
        this.work = work;
        final List<String> members = new ArrayList<>();
        for (int id = 1; id <= 3; id++)
        {
            clientPorts.add(FreePorts.tcp());
            members.add(id + "=127.0.0.1:" + FreePorts.tcp() + ":" + FreePorts.tcp());
        }
        this.servers = String.join(",", members);
    }

    void start()
    {
        for (int i = 0; i < 3; i++)
        {
            launch(i);
        }
        for (int i = 0; i < 3; i++)
        {
            processes[i].awaitLine("flashgate: ready", 1, START_TIMEOUT);
        }
    }

    private void launch(final int index)
    {
        starts[index]++;
        processes[index] = ChildJvm.of(io.flashgate.ops.Launcher.class, "zookeeper", "--dir",
                work.resolve("zk-" + (index + 1)).toString(), "--port", Integer.toString(clientPorts.get(index)),
                "--id", Integer.toString(index + 1), "--servers", servers)
            .heap("256m").jvmFlagsOfThisJvm()
            .start(work.resolve("zk-" + (index + 1) + "-" + starts[index] + ".log"));
    }

    void kill(final int index)
    {
        processes[index].killMinus9();
    }

    /** Starts a killed server again and waits until it serves in the quorum. */
    void restart(final int index)
    {
        launch(index);
        processes[index].awaitLine("flashgate: ready", 1, START_TIMEOUT);
    }

    /** A relay per server for one engine: its connect string is theirs. */
    List<TcpRelay> relaysForOneEngine() throws IOException
    {
        final List<TcpRelay> relays = new ArrayList<>();
        for (final int port : clientPorts)
        {
            relays.add(TcpRelay.to("127.0.0.1:" + port));
        }
        return relays;
    }

    static String connectString(final List<TcpRelay> relays)
    {
        return ZooKeeperNode.connectString(relays.stream().map(TcpRelay::endpoint).toList());
    }

    @Override
    public void close()
    {
        for (final ChildJvm process : processes)
        {
            if (process != null && process.isAlive())
            {
                process.terminate(Duration.ofSeconds(20));
            }
        }
    }
}
