package io.flashgate.coordination;

import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One real ZooKeeper server, from the {@code org.apache.zookeeper} artifact, for trying a pair on one host and for
 * the drill ({@code ops/flashgate zookeeper}): alone, or one of an ensemble ({@code servers} lists every member as
 * {@code id=host:quorumPort:electionPort}). It writes {@code zoo.cfg} and {@code myid} in its data folder and runs
 * there until the process ends. The tick is short so that engines may hold sessions of a few hundred milliseconds
 * (a session is 2..20 ticks long unless told otherwise); the admin HTTP server is off (it would take port 8080).
 *
 * @param dataDir    where the snapshots, transaction logs and {@code zoo.cfg} live.
 * @param host       the interface clients connect to.
 * @param clientPort the port clients connect to.
 * @param serverId   this server's id in {@code servers} (0 when alone).
 * @param servers    every member of the ensemble by id, as {@code host:quorumPort:electionPort}; empty when alone.
 * @param tick       ZooKeeper's tickTime.
 */
public record ZooKeeperNode(Path dataDir, String host, int clientPort, int serverId, Map<Integer, String> servers,
    Duration tick)
{
    public ZooKeeperNode
    {
        servers = new TreeMap<>(servers);
        if (!servers.isEmpty() && !servers.containsKey(serverId))
        {
            throw new IllegalArgumentException("server id " + serverId + " is not among the servers " + servers.keySet());
        }
        if (servers.size() == 2)
        {
            throw new IllegalArgumentException("an ensemble of two survives no loss: run one server, or three or five");
        }
    }

    /** Parses {@code --servers "1=127.0.0.1:2888:3888,2=..."}. */
    public static Map<Integer, String> parseServers(final String list)
    {
        final Map<Integer, String> servers = new TreeMap<>();
        if (list == null || list.isBlank())
        {
            return servers;
        }
        for (final String entry : list.split(","))
        {
            final String[] idAndAddress = entry.trim().split("=", 2);
            if (idAndAddress.length != 2 || !idAndAddress[1].matches("[A-Za-z0-9._-]+:[0-9]{1,5}:[0-9]{1,5}"))
            {
                throw new IllegalArgumentException("'" + entry + "' is not id=host:quorumPort:electionPort");
            }
            servers.put(Integer.parseInt(idAndAddress[0]), idAndAddress[1]);
        }
        return servers;
    }

    /** The {@code zoo.cfg} this server runs with. */
    public String configText()
    {
        final StringBuilder text = new StringBuilder()
            .append("tickTime=").append(tick.toMillis()).append('\n')
            .append("initLimit=50\n")
            .append("syncLimit=10\n")
            .append("dataDir=").append(dataDir.toAbsolutePath()).append('\n')
            .append("clientPort=").append(clientPort).append('\n')
            .append("clientPortAddress=").append(host).append('\n')
            .append("minSessionTimeout=").append(2 * tick.toMillis()).append('\n')
            .append("maxSessionTimeout=60000\n")
            .append("admin.enableServer=false\n")
            .append("4lw.commands.whitelist=srvr,ruok,mntr\n");
        servers.forEach((id, address) -> text.append("server.").append(id).append('=').append(address).append('\n'));
        return text.toString();
    }

    /** Writes the configuration and runs the server on this thread until the process ends (or it fails). */
    public void run() throws Exception
    {
        Files.createDirectories(dataDir);
        final Path config = dataDir.resolve("zoo.cfg");
        Files.writeString(config, configText());
        if (!servers.isEmpty())
        {
            Files.writeString(dataDir.resolve("myid"), serverId + "\n");
        }
        final QuorumPeerConfig parsed = new QuorumPeerConfig();
        parsed.parse(config.toString());
        if (parsed.isDistributed())
        {
            new QuorumPeerMain().runFromConfig(parsed);
        }
        else
        {
            final ServerConfig alone = new ServerConfig();
            alone.readFrom(parsed);
            new ZooKeeperServerMain().runFromConfig(alone);
        }
    }

    /**
     * A server alone, run on a thread of this JVM until closed (for a benchmark that wants ZooKeeper beside it);
     * returns once it serves clients.
     */
    public AutoCloseable startAlone(final Duration within) throws Exception
    {
        if (!servers.isEmpty())
        {
            throw new IllegalStateException("startAlone runs one server, not a member of an ensemble");
        }
        Files.createDirectories(dataDir);
        final Path config = dataDir.resolve("zoo.cfg");
        Files.writeString(config, configText());
        final QuorumPeerConfig parsed = new QuorumPeerConfig();
        parsed.parse(config.toString());
        final ServerConfig alone = new ServerConfig();
        alone.readFrom(parsed);
        final ZooKeeperServerMain server = new ZooKeeperServerMain();
        final Thread thread = new Thread(() ->
        {
            try
            {
                server.runFromConfig(alone);
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        }, "zookeeper-server");
        thread.setDaemon(true);
        thread.start();
        final long deadline = System.nanoTime() + within.toNanos();
        while (mode(host, clientPort).isEmpty())
        {
            if (System.nanoTime() - deadline > 0 || !thread.isAlive())
            {
                server.close();
                throw new IllegalStateException("ZooKeeper did not serve on " + host + ":" + clientPort);
            }
            Thread.sleep(20);
        }
        return () ->
        {
            server.close();
            thread.join(5_000);
        };
    }

    /**
     * What the server at {@code host:port} says of itself ({@code srvr}): a line {@code Mode: leader|follower|
     * standalone} once it serves clients, empty while it cannot be reached or is not in a quorum.
     */
    public static String mode(final String host, final int port)
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(host, port), 500);
            socket.setSoTimeout(1_000);
            final OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = socket.getInputStream();
            final String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return answer.lines().filter(line -> line.startsWith("Mode: ")).map(line -> line.substring(6))
                .findFirst().orElse("");
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    /** The connect string clients of an ensemble use: every server's client address. */
    public static String connectString(final List<String> clientAddresses)
    {
        return String.join(",", clientAddresses);
    }
}
