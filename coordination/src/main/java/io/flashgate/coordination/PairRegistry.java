package io.flashgate.coordination;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;

/**
 * What one engine pair keeps in ZooKeeper, and the only writes an engine makes there (docs/ARCHITECTURE.md,
 * "Coordination through ZooKeeper"). Under {@code <root>}:
 * <ul>
 *   <li>{@code epoch}: the pair's newest epoch and the engine that took it ({@code "<epoch> <engineId>"}); advanced
 *       only by compare-and-set on its version, so two engines never take the same epoch;</li>
 *   <li>{@code sync}: the synchronous set, the engines that hold every released result ({@code "<id>,<id>"});
 *       written only by the leader, each write conditioned on the {@code epoch} version it took (a conditional write
 *       that fails once anyone has taken a newer epoch);</li>
 *   <li>{@code leader}: ephemeral, {@code "<engineId> <epoch> <address>"}: gone when the leader's session ends;</li>
 *   <li>{@code members/<engineId>}: ephemeral, the engine's address, for operators.</li>
 * </ul>
 * Rules: only an engine in {@code sync} (or any, while {@code sync} is empty: a pair's first start) takes the
 * leadership, and only while no other engine's {@code leader} node lives; taking it sets {@code sync} to itself
 * alone. Every call is carried out on one thread of this registry's own: an engine's pair thread never blocks on
 * ZooKeeper, it looks at the returned future on its next turn.
 *
 * <p>One file of over 400 lines: every read and write a pair makes in ZooKeeper, and the rules they keep, are here,
 * so that the safety argument of docs/ARCHITECTURE.md can be checked against one place.
 */
public final class PairRegistry implements AutoCloseable
{
    /** Where ZooKeeper is and how long a session lives without a word from its client. */
    public record Settings(String connectString, String root, Duration sessionTimeout)
    {
        public Settings
        {
            if (connectString == null || connectString.isBlank())
            {
                throw new IllegalArgumentException("a ZooKeeper connect string is needed");
            }
            if (root == null || !root.startsWith("/") || root.endsWith("/") && root.length() > 1)
            {
                throw new IllegalArgumentException("the root must be an absolute znode path: " + root);
            }
        }
    }

    /** The answer to a claim of the leadership. */
    public sealed interface Claim permits Granted, Refused, Unreachable
    {
    }

    /** This engine leads {@code epoch}; {@code sync} is now this engine alone. */
    public record Granted(long epoch) implements Claim
    {
    }

    /** Not now: {@code why} says which rule (not in the synchronous set, another leader alive, lost a race). */
    public record Refused(String why) implements Claim
    {
    }

    /** ZooKeeper did not answer: nothing changed that this engine knows of. */
    public record Unreachable(String error) implements Claim
    {
    }

    /** The answer to a leader's write of the synchronous set. */
    public enum Write
    {
        DONE,
        /** Someone took a newer epoch: this engine no longer leads and must be fenced. */
        LOST_LEADERSHIP,
        UNREACHABLE
    }

    /** The registry as last read: for {@code /admin/engine}, metrics and log lines. */
    public record View(long epoch, int epochHolder, int leader, List<Integer> sync)
    {
        static final View UNKNOWN = new View(-1, 0, 0, List.of());
    }

    /** Lines in the one format of every Flashgate process ({@code zookeeper.<event> key=value}). */
    private static final System.Logger LOG = System.getLogger("flashgate.engine.zookeeper");

    private final CuratorFramework client;
    private final ExecutorService worker;
    private final int engineId;
    private final String address;
    private final String epochPath;
    private final String syncPath;
    private final String leaderPath;
    private final String memberPath;
    private volatile boolean connected;
    private final java.util.concurrent.atomic.AtomicBoolean refreshQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile View view = View.UNKNOWN;
    /** Set by the watch {@link #watchLeaderNode} leaves after a claim refused for a live leader node. */
    private final java.util.concurrent.atomic.AtomicBoolean leaderNodeChanged =
        new java.util.concurrent.atomic.AtomicBoolean();
    /** A watch on the leader node is registered and has not fired yet. */
    private final java.util.concurrent.atomic.AtomicBoolean leaderWatchArmed =
        new java.util.concurrent.atomic.AtomicBoolean();
    /** The {@code epoch} version this engine wrote when it took the leadership; -1 while it does not lead. */
    private volatile int ledEpochVersion = -1;
    private volatile long ledEpoch;

    private PairRegistry(final Settings settings, final int engineId, final String address)
    {
        if (engineId < 1 || engineId > 0xFFFF)
        {
            throw new IllegalArgumentException("engine id 1..65535: " + engineId);
        }
        this.engineId = engineId;
        this.address = address;
        this.epochPath = settings.root() + "/epoch";
        this.syncPath = settings.root() + "/sync";
        this.leaderPath = settings.root() + "/leader";
        this.memberPath = settings.root() + "/members/" + engineId;
        final int sessionMillis = (int)settings.sessionTimeout().toMillis();
        // Retries short and few: an engine asks again on its next turn, and a call must not outlive a failover.
        this.client = CuratorFrameworkFactory.builder()
            .connectString(settings.connectString())
            .sessionTimeoutMs(sessionMillis)
            .connectionTimeoutMs(Math.max(sessionMillis, 1_000))
            .retryPolicy(new RetryNTimes(2, Math.max(10, sessionMillis / 10)))
            // The connect string is the operator's: Curator would otherwise replace it with the addresses in the
            // ensemble's own configuration, past any proxy or relay in between.
            .ensembleTracker(false)
            .build();
        this.worker = Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "flashgate-zookeeper");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Connects (in the background: an engine starts whether ZooKeeper answers or not) and, once connected, makes the
     * pair's znodes if they are missing and registers this engine as a member.
     */
    public static PairRegistry start(final Settings settings, final int engineId, final String address)
    {
        final PairRegistry registry = new PairRegistry(settings, engineId, address);
        // Told on Curator's event thread, so that a call blocked on the worker never delays it.
        registry.client.getConnectionStateListenable().addListener((client, state) -> registry.onConnectionState(state));
        registry.client.start();
        return registry;
    }

    private void onConnectionState(final ConnectionState state)
    {
        final boolean was = connected;
        connected = state.isConnected();
        if (connected != was)
        {
            LOG.log(connected ? System.Logger.Level.INFO : System.Logger.Level.WARNING, connected ?
                "zookeeper.connected engine=" + engineId :
                "zookeeper.unreachable engine=" + engineId + " state=" + state + " then=\"no role changes until " +
                "it answers; the pair keeps selling while both engines are up and in sync\"");
        }
        if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED)
        {
            worker.execute(() -> afterConnecting(state));
        }
    }

    private void afterConnecting(final ConnectionState state)
    {
        try
        {
            ensureZnodes();
            register();
            reassertLeadership();
            refreshView();
        }
        catch (final Exception ex)
        {
            if (!worker.isShutdown())
            {
                LOG.log(System.Logger.Level.WARNING, "zookeeper.setup_failed after=" + state + " error=\"" + ex + "\"");
            }
        }
    }

    private void ensureZnodes() throws Exception
    {
        createIfMissing(epochPath, "0 0", CreateMode.PERSISTENT);
        createIfMissing(syncPath, "", CreateMode.PERSISTENT);
    }

    private void createIfMissing(final String path, final String data, final CreateMode mode) throws Exception
    {
        try
        {
            client.create().creatingParentContainersIfNeeded().withMode(mode).forPath(path, bytes(data));
        }
        catch (final KeeperException.NodeExistsException ignored)
        {
            // made by the other engine, or by an earlier start
        }
    }

    private void register() throws Exception
    {
        final Stat stat = client.checkExists().forPath(memberPath);
        if (stat != null && stat.getEphemeralOwner() != client.getZookeeperClient().getZooKeeper().getSessionId())
        {
            client.delete().forPath(memberPath); // an earlier session's, not yet expired
        }
        createIfMissing(memberPath, address, CreateMode.EPHEMERAL);
    }

    /** A leader whose session ended (and with it its {@code leader} node) takes the node again if it still leads. */
    private void reassertLeadership() throws Exception
    {
        if (ledEpochVersion < 0)
        {
            return;
        }
        final Stat epochStat = new Stat();
        client.getData().storingStatIn(epochStat).forPath(epochPath);
        if (epochStat.getVersion() != ledEpochVersion)
        {
            LOG.log(System.Logger.Level.WARNING, "zookeeper.leadership_lost epoch=" + ledEpoch + " engine=" + engineId +
                " why=\"a newer epoch was taken while this engine's session was gone\"");
            ledEpochVersion = -1;
            return;
        }
        final List<CuratorOp> ops = new ArrayList<>();
        ops.add(client.transactionOp().check().withVersion(ledEpochVersion).forPath(epochPath));
        final Stat leaderStat = client.checkExists().forPath(leaderPath);
        final long session = client.getZookeeperClient().getZooKeeper().getSessionId();
        if (leaderStat != null && leaderStat.getEphemeralOwner() == session)
        {
            return;
        }
        if (leaderStat != null)
        {
            ops.add(client.transactionOp().delete().withVersion(leaderStat.getVersion()).forPath(leaderPath));
        }
        ops.add(client.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(leaderPath, leaderData()));
        client.transaction().forOperations(ops);
        LOG.log(System.Logger.Level.INFO, "zookeeper.leader_again engine=" + engineId + " epoch=" + ledEpoch);
    }

    /**
     * Takes the leadership if the rules allow: this engine is in the synchronous set (or the set is empty), no other
     * engine's leader node lives, and nobody moves the epoch or the set meanwhile. The new epoch is
     * {@code next.applyAsLong(max(pair's epoch, knownEpoch))}. {@code force} (an operator who knows what it costs)
     * skips the first two rules, never the compare-and-set.
     */
    public CompletableFuture<Claim> claimLeadership(final long knownEpoch, final LongUnaryOperator next,
        final boolean force)
    {
        return CompletableFuture.supplyAsync(() -> claim(knownEpoch, next, force), worker);
    }

    private Claim claim(final long knownEpoch, final LongUnaryOperator next, final boolean force)
    {
        try
        {
            ensureZnodes();
            final Stat epochStat = new Stat();
            final long pairEpoch = Long.parseLong(text(client.getData().storingStatIn(epochStat).forPath(epochPath))
                .split(" ")[0]);
            final Stat syncStat = new Stat();
            final List<Integer> sync = ids(text(client.getData().storingStatIn(syncStat).forPath(syncPath)));
            if (!force && !sync.isEmpty() && !sync.contains(engineId))
            {
                refreshView();
                return new Refused("not in the synchronous set " + sync + ": engine(s) " + sync +
                    " hold released results this engine may lack");
            }
            final Stat leaderStat = new Stat();
            byte[] leader = null;
            try
            {
                leader = client.getData().storingStatIn(leaderStat).forPath(leaderPath);
            }
            catch (final KeeperException.NoNodeException ignored)
            {
                // no leader: the usual case for a claim
            }
            if (!force && leader != null && leaderId(text(leader)) != engineId)
            {
                refreshView();
                watchLeaderNode();
                return new Refused("engine " + leaderId(text(leader)) + " still holds the leader node (its " +
                    "ZooKeeper session is alive)");
            }
            final long epoch = next.applyAsLong(Math.max(pairEpoch, knownEpoch));
            final List<CuratorOp> ops = new ArrayList<>();
            ops.add(client.transactionOp().setData().withVersion(epochStat.getVersion())
                .forPath(epochPath, bytes(epoch + " " + engineId)));
            ops.add(client.transactionOp().setData().withVersion(syncStat.getVersion())
                .forPath(syncPath, bytes(Integer.toString(engineId))));
            if (leader != null)
            {
                ops.add(client.transactionOp().delete().withVersion(leaderStat.getVersion()).forPath(leaderPath));
            }
            ledEpoch = epoch;
            ops.add(client.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(leaderPath, leaderData()));
            client.transaction().forOperations(ops);
            ledEpochVersion = epochStat.getVersion() + 1;
            view = new View(epoch, engineId, engineId, List.of(engineId));
            return new Granted(epoch);
        }
        catch (final KeeperException.BadVersionException | KeeperException.NodeExistsException |
            KeeperException.NoNodeException ex)
        {
            ledEpochVersion = -1;
            refreshViewQuietly();
            return new Refused("another engine moved the epoch or the synchronous set meanwhile (" + ex.code() + ")");
        }
        catch (final Exception ex)
        {
            ledEpochVersion = -1;
            return new Unreachable(ex.toString());
        }
    }

    /**
     * Whether the leader node that refused this engine's last claim has changed since (its holder's session ended):
     * true once per change, so the caller claims again at once instead of at its next turn. The ZooKeeper server
     * tells of the change as soon as it expires the session; a claim refused a moment earlier would otherwise wait
     * out the caller's interval.
     */
    public boolean takeLeaderNodeChanged()
    {
        return leaderNodeChanged.getAndSet(false);
    }

    /**
     * A one-shot watch on the leader node (any change: deleted, replaced; or the connection's state), at most one at a
     * time: claims refused for as long as a cut link lasts would otherwise leave one watcher each. Its event sets the
     * flag above.
     */
    private void watchLeaderNode()
    {
        if (!leaderWatchArmed.compareAndSet(false, true))
        {
            return;
        }
        try
        {
            final org.apache.curator.framework.api.CuratorWatcher changed = event ->
            {
                leaderWatchArmed.set(false);
                leaderNodeChanged.set(true);
            };
            final Stat exists = client.checkExists().usingWatcher(changed).forPath(leaderPath);
            if (exists == null)
            {
                leaderNodeChanged.set(true); // gone already, between the read and the watch
            }
        }
        catch (final Exception ex)
        {
            // no watch: the caller claims again at its next turn, as without one
            leaderWatchArmed.set(false);
        }
    }

    /**
     * The leader's write of the synchronous set: itself alone ({@code standbyId} 0: it drops a silent standby, before
     * it releases anything alone), or itself and {@code standbyId} (a standby caught up and acknowledging). Fails with
     * {@link Write#LOST_LEADERSHIP} once another engine has taken a newer epoch.
     */
    public CompletableFuture<Write> writeSynchronousSet(final int standbyId)
    {
        return CompletableFuture.supplyAsync(() -> writeSync(standbyId), worker);
    }

    private Write writeSync(final int standbyId)
    {
        final int version = ledEpochVersion;
        if (version < 0)
        {
            return Write.LOST_LEADERSHIP;
        }
        final String set = standbyId == 0 ? Integer.toString(engineId) :
            Math.min(engineId, standbyId) + "," + Math.max(engineId, standbyId);
        try
        {
            client.transaction().forOperations(
                client.transactionOp().check().withVersion(version).forPath(epochPath),
                client.transactionOp().setData().forPath(syncPath, bytes(set)));
            view = new View(ledEpoch, engineId, engineId, ids(set));
            return Write.DONE;
        }
        catch (final KeeperException.BadVersionException | KeeperException.NoNodeException ex)
        {
            ledEpochVersion = -1;
            refreshViewQuietly();
            return Write.LOST_LEADERSHIP;
        }
        catch (final Exception ex)
        {
            return Write.UNREACHABLE;
        }
    }

    /** Reads the pair's znodes again for {@link #view()} (in the background). */
    public void refresh()
    {
        if (refreshQueued.compareAndSet(false, true))
        {
            worker.execute(() ->
            {
                refreshQueued.set(false);
                refreshViewQuietly();
            });
        }
    }

    private void refreshViewQuietly()
    {
        try
        {
            refreshView();
        }
        catch (final Exception ignored)
        {
            // the view stays as last read
        }
    }

    private void refreshView() throws Exception
    {
        final String[] epoch = text(client.getData().forPath(epochPath)).split(" ");
        final List<Integer> sync = ids(text(client.getData().forPath(syncPath)));
        int leader = 0;
        try
        {
            leader = leaderId(text(client.getData().forPath(leaderPath)));
        }
        catch (final KeeperException.NoNodeException ignored)
        {
            // none now
        }
        view = new View(Long.parseLong(epoch[0]), epoch.length > 1 ? Integer.parseInt(epoch[1]) : 0, leader, sync);
    }

    /** True while the client has a live session with a ZooKeeper server. */
    public boolean connected()
    {
        return connected;
    }

    /** The pair's znodes as last read or written by this engine. */
    public View view()
    {
        return view;
    }

    /** This engine's id in its pair (the low bits of every epoch it takes). */
    public int engineId()
    {
        return engineId;
    }

    /** Waits (for tests and the launcher's start line) until connected, at most {@code timeout}. */
    public boolean awaitConnected(final Duration timeout) throws InterruptedException
    {
        return client.blockUntilConnected((int)timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close()
    {
        worker.shutdownNow();
        try
        {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        client.close(); // ends the session: the leader and member nodes go at once
    }

    private byte[] leaderData()
    {
        return bytes(engineId + " " + ledEpoch + " " + address);
    }

    private static int leaderId(final String data)
    {
        return Integer.parseInt(data.split(" ")[0]);
    }

    static List<Integer> ids(final String set)
    {
        final List<Integer> ids = new ArrayList<>();
        for (final String id : set.split(","))
        {
            if (!id.isBlank())
            {
                ids.add(Integer.parseInt(id.trim()));
            }
        }
        return List.copyOf(ids);
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(final byte[] bytes)
    {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }
}
