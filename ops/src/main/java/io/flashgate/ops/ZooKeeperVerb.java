package io.flashgate.ops;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.coordination.ZooKeeperNode;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code zookeeper --dir D --port P [--host H] [--id N --servers ...] [--tick-millis T]}: one real ZooKeeper server
 * ({@link ZooKeeperNode}) for trying a pair on one host and for the drill. In production the pair uses an ensemble
 * run as ZooKeeper's own documentation says (3 or 5 servers on their own hosts), with a tick short enough for
 * {@code pair.zookeeperSessionTimeoutMillis}.
 */
final class ZooKeeperVerb implements LauncherVerb
{
    @Override
    public String name()
    {
        return "zookeeper";
    }

    @Override
    public String summary()
    {
        return "run one ZooKeeper server (alone, or one of an ensemble) for a pair's coordination";
    }

    @Override
    public String synopsis()
    {
        return "zookeeper --dir D [--port P] [--host H] [--id N --servers ID=HOST:PORT:PORT,...] [--tick-millis T]";
    }

    @Override
    public String description()
    {
        return "Runs a ZooKeeper server (the org.apache.zookeeper artifact) with its data in --dir until SIGTERM.\n" +
            "Alone by default; with --servers (every member, 1=127.0.0.1:2888:3888,2=...) and --id, one server of\n" +
            "an ensemble of three or five. Engines name the servers' client addresses in pair.zookeeper. Prints\n" +
            "'flashgate: ready' once the server serves clients (alone, or in a quorum).";
    }

    @Override
    public List<Option> options()
    {
        return List.of(
            Option.valued("dir", "D", "the server's data folder (snapshots, transaction logs, zoo.cfg, myid)"),
            Option.valued("port", "P", "the port clients connect to (default 2181)"),
            Option.valued("host", "H", "the interface clients connect to (default 127.0.0.1)"),
            Option.valued("id", "N", "this server's id among --servers"),
            Option.valued("servers", "LIST", "every member of the ensemble: id=host:quorumPort:electionPort,..."),
            Option.valued("tick-millis", "T", "ZooKeeper's tickTime; sessions may last 2..20 ticks (default 100)"));
    }

    @Override
    public int execute(final Args args, final Map<String, String> env, final PrintStream out)
        throws UsageException, EnvironmentException
    {
        args.positionals();
        final Path dir = Path.of(args.required("dir"));
        final int port = Math.toIntExact(args.number("port", 1).orElse(2181L));
        if (port > 65_535)
        {
            throw new UsageException("--port must be 1..65535, was " + port);
        }
        final String host = args.value("host").orElse("127.0.0.1");
        final long tick = args.number("tick-millis", 10).orElse(100L);
        final ZooKeeperNode node;
        try
        {
            final Map<Integer, String> servers = ZooKeeperNode.parseServers(args.value("servers").orElse(""));
            if (!servers.isEmpty() && !args.has("id"))
            {
                throw new UsageException("--servers needs --id (this server's id among them)");
            }
            final int id = Math.toIntExact(args.number("id", 1).orElse(0L));
            node = new ZooKeeperNode(dir, host, port, id, servers, Duration.ofMillis(tick));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new UsageException(ex.getMessage());
        }
        final Thread ready = new Thread(() ->
        {
            while (ZooKeeperNode.mode(host, port).isEmpty())
            {
                try
                {
                    Thread.sleep(50);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
            }
            out.println("flashgate: ready zookeeper " + host + ":" + port + " (" + ZooKeeperNode.mode(host, port) +
                ", data " + dir + ")");
            out.flush();
        }, "zookeeper-ready");
        ready.setDaemon(true);
        ready.start();
        try
        {
            node.run();
        }
        catch (final Exception | LinkageError ex)
        {
            throw new EnvironmentException("zookeeper: " + ex);
        }
        return Launcher.OK;
    }
}
