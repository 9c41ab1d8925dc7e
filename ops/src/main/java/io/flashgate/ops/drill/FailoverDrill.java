package io.flashgate.ops.drill;

import io.flashgate.edge.http.Tokens;
import io.flashgate.replay.ReplayTool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The failover drill (ops/RUNBOOK.md, "Failover drill"): a primary, its standby and an edge as separate processes on
 * this host; shoppers in a contested sale through the edge; at a random moment of each round the primary is killed
 * with SIGKILL, the standby promotes itself, and the killed engine comes back as the new standby, so the roles
 * alternate. At the end every acknowledged order is looked up on the last primary, the sale's figures are checked
 * against what shoppers were told, and the two journals are compared with {@code replay diff}.
 */
public final class FailoverDrill
{
    private static final Pattern NUMBER_FIELD = Pattern.compile("\"(reserved|confirmed|stock)\":(\\d+)");
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    private static final int CHECKING_CONNECTIONS = 8;
    private static final int LOOKUP_ATTEMPTS = 5;
    private static final long LOOKUP_PAUSE_NANOS = 200_000_000L;

    /**
     * @param rounds      primaries killed.
     * @param stock       the sale's stock; every shopper may buy {@code limit} units, and there are as many shoppers
     *                    as units, so demand is twice the stock.
     * @param shoppers    threads sending purchases at once.
     * @param perSecond   purchases per second at most, all shoppers together.
     */
    public record Options(Path work, int rounds, int stock, int shoppers, int perSecond, long heartbeatIntervalMillis,
        long heartbeatTimeoutMillis, List<Scenario> scenarios, boolean zookeeper)
    {
        /** The first drill: SIGKILL of the primary, without ZooKeeper. */
        public Options(final Path work, final int rounds, final int stock, final int shoppers, final int perSecond,
            final long heartbeatIntervalMillis, final long heartbeatTimeoutMillis)
        {
            this(work, rounds, stock, shoppers, perSecond, heartbeatIntervalMillis, heartbeatTimeoutMillis,
                List.of(Scenario.PRIMARY), false);
        }

        private static final int SECONDS_PER_SCENARIO = 15;
        private static final int LEAST_STOCK = 20_000;

        /**
         * A stock that lasts the whole drill at {@code perSecond}: {@value #SECONDS_PER_SCENARIO} s for each scenario
         * of each round (one takes about 5 s on a 2-core machine), and never below {@value #LEAST_STOCK}. A drill
         * measures halts by the orders that come after each fault, so a sale that sells out first ends it.
         */
        public static int stockLasting(final int rounds, final int scenarios, final int perSecond)
        {
            final long units = (long)perSecond * SECONDS_PER_SCENARIO * scenarios * rounds;
            return (int)Math.min(Integer.MAX_VALUE, Math.max(LEAST_STOCK, units));
        }
    }

    private final Options options;
    private final PrintStream log;

    public FailoverDrill(final Options options, final PrintStream log)
    {
        this.options = options;
        this.log = log;
    }

    public DrillReport run() throws IOException
    {
        final String secret = Long.toHexString(ThreadLocalRandom.current().nextLong()) +
            Long.toHexString(ThreadLocalRandom.current().nextLong());
        final String saleId = "drill";
        final int limit = 2;
        final List<Long> failovers = new ArrayList<>();
        final Map<Scenario, DrillReport.Halts> halts = new java.util.EnumMap<>(Scenario.class);
        final List<String> roleChanges = new ArrayList<>();
        Shoppers shoppers = null;
        final PairCluster cluster = new PairCluster(options.work(), secret, options.heartbeatIntervalMillis(),
            options.heartbeatTimeoutMillis(), options.zookeeper());
        try
        {
            cluster.start();
            await("the first primary with its standby in sync", () -> cluster.primary()
                .map(p -> "IN_SYNC".equals(p.standbyState())).orElse(false));
            log.println("drill: " + cluster.primary().orElseThrow() + " is primary, its standby in sync; edge on " +
                cluster.baseUrl());
            createSale(cluster, secret, saleId, options.stock(), limit);
            shoppers = new Shoppers(cluster.baseUrl(), saleId, options.stock(), secret, options.shoppers(),
                options.perSecond());
            shoppers.start();
            for (int r = 1; r <= options.rounds(); r++)
            {
                final int round = r;
                for (final Scenario scenario : options.scenarios())
                {
                    final Shoppers shopping = shoppers;
                    final long acknowledgedBefore = shopping.acknowledged.size();
                    awaitOrder("orders acknowledged before round " + round + " " + scenario, shopping,
                        () -> shopping.acknowledged.size() > acknowledgedBefore);
                    sleep(ThreadLocalRandom.current().nextLong(200, 1_000));
                    final PairProcesses.Engine primary = cluster.primary().orElseThrow(() ->
                        new IllegalStateException("no primary before round " + round));
                    await(primary + "'s standby in sync", () -> "IN_SYNC".equals(primary.standbyState()));
                    final long timedOutBefore = shopping.timedOut.get();
                    final long faultAt = System.nanoTime();
                    final String what = inject(cluster, scenario, primary, shopping, faultAt);
                    if (scenario.changesNoRole() && !(primary.isAlive() && "PRIMARY".equals(primary.role()) &&
                        "IN_SYNC".equals(primary.standbyState()) && "STANDBY".equals(cluster.other(primary).role())))
                    {
                        roleChanges.add("round " + round + " " + scenario + ": " + primary + " " + primary.role() + "/" +
                            primary.standbyState() + ", " + cluster.other(primary) + " " + cluster.other(primary).role());
                    }
                    final long halt = shopping.haltMillis(faultAt, System.nanoTime());
                    final long timedOut = shopping.timedOut.get() - timedOutBefore;
                    halts.computeIfAbsent(scenario, k -> new DrillReport.Halts()).add(halt, timedOut);
                    if (scenario == Scenario.PRIMARY)
                    {
                        failovers.add(halt);
                    }
                    log.println("drill: round " + round + " " + scenario + ": " + what + "; sales halted " + halt +
                        " ms, 504s " + timedOut);
                }
            }
            shoppers.close();
            final Shoppers done = shoppers;
            shoppers = null;
            return report(cluster, done, secret, saleId, limit, failovers, halts, roleChanges);
        }
        finally
        {
            if (shoppers != null)
            {
                shoppers.close();
            }
            cluster.close();
        }
    }

    private DrillReport report(final PairCluster cluster, final Shoppers shoppers, final String secret,
        final String saleId, final int limit, final List<Long> failovers, final Map<Scenario, DrillReport.Halts> halts,
        final List<String> roleChanges) throws IOException
    {
        final Set<Long> ids = new HashSet<>();
        final Map<String, Long> unitsByUser = new HashMap<>();
        final List<Shoppers.Acknowledged> distinct = new ArrayList<>();
        long duplicates = 0;
        long units = 0;
        for (final Shoppers.Acknowledged order : shoppers.acknowledged)
        {
            if (!ids.add(order.orderId()))
            {
                duplicates++;
                continue;
            }
            distinct.add(order);
            units += order.quantity();
            unitsByUser.merge(order.userId(), order.quantity(), Long::sum);
        }
        final Map<String, Long> unanswered = new java.util.concurrent.ConcurrentSkipListMap<>();
        final long found = countFound(shoppers, distinct, unanswered);
        final Map<String, Long> stats = saleStats(cluster, secret, saleId);
        final long sold = stats.getOrDefault("reserved", -1L) + stats.getOrDefault("confirmed", 0L);
        final Map<String, Long> refusals = new TreeMap<>();
        shoppers.refusals.forEach((k, v) -> refusals.put(k, v.get()));
        cluster.close();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int diff = ReplayTool.run(new String[] {"diff", cluster.a.dataDir.toString(), cluster.b.dataDir.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        final String diffText = out.toString(StandardCharsets.UTF_8).trim();
        return new DrillReport(failovers, shoppers.purchases.get(), shoppers.retries.get(), shoppers.acknowledged.size(),
            found, duplicates, sold, stats.getOrDefault("stock", -1L), units,
            unitsByUser.values().stream().filter(u -> u > limit).count(), shoppers.unresolved.get(), refusals,
            diff == 0, diffText.isEmpty() ? err.toString(StandardCharsets.UTF_8).trim() : diffText, halts, roleChanges,
            unanswered);
    }

    /**
     * How many of {@code orders} the last primary holds for their owner, asked through the edge on a few connections
     * at once: one at a time, the check took longer than the drill's rounds. A lookup the edge does not answer with 200
     * or 404 (a 503 or 504, a refused connection) says nothing of the order: it is asked again, a few times, and if it
     * never gets an answer its last status is counted in {@code unanswered}, so a FAILED says why.
     */
    private static long countFound(final Shoppers shoppers, final List<Shoppers.Acknowledged> orders,
        final Map<String, Long> unanswered)
    {
        final java.util.concurrent.atomic.AtomicLong found = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        final List<Thread> askers = new ArrayList<>();
        for (int t = 0; t < CHECKING_CONNECTIONS; t++)
        {
            final Thread asker = new Thread(() ->
            {
                for (int i = next.getAndIncrement(); i < orders.size(); i = next.getAndIncrement())
                {
                    final Shoppers.Acknowledged order = orders.get(i);
                    Shoppers.Lookup held = shoppers.order(order.orderId(), order.userId());
                    for (int attempt = 1; !held.answered() && attempt < LOOKUP_ATTEMPTS; attempt++)
                    {
                        java.util.concurrent.locks.LockSupport.parkNanos(LOOKUP_PAUSE_NANOS);
                        held = shoppers.order(order.orderId(), order.userId());
                    }
                    if (held.status() == 200 && held.body().contains("\"userId\":\"" + order.userId() + "\""))
                    {
                        found.incrementAndGet();
                    }
                    else if (!held.answered())
                    {
                        unanswered.merge(held.status() < 0 ? "no answer" : String.valueOf(held.status()), 1L,
                            Long::sum);
                    }
                }
            }, "drill-check-" + t);
            asker.start();
            askers.add(asker);
        }
        for (final Thread asker : askers)
        {
            try
            {
                asker.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking orders", ex);
            }
        }
        return found.get();
    }

    /**
     * Injects one fault and waits until the pair is whole again (both engines up, the standby in sync, an order
     * acknowledged after the fault); returns what happened, for the log.
     */
    private static String inject(final PairCluster cluster, final Scenario scenario, final PairProcesses.Engine primary,
        final Shoppers shopping, final long faultAt)
    {
        final PairProcesses.Engine standby = cluster.other(primary);
        switch (scenario)
        {
            case PRIMARY ->
            {
                primary.killMinus9();
                awaitOrder("an order acknowledged by " + standby, shopping,
                    () -> shopping.firstAcknowledgedSentAfter(faultAt).isPresent());
                final String what = "SIGKILL " + primary + ", " + standby + " " + standby.role() + " epoch " +
                    standby.epoch();
                primary.start(cluster.restartVerb());
                await(primary + " back in sync as the standby", () -> "IN_SYNC".equals(standby.standbyState()));
                return what;
            }
            case STANDBY ->
            {
                standby.killMinus9();
                await(primary + " sells alone", () -> "SOLO".equals(primary.role()));
                awaitOrder("an order acknowledged after the standby died", shopping,
                    () -> shopping.firstAcknowledgedSentAfter(faultAt).isPresent());
                standby.start(cluster.restartVerb());
                await(standby + " back in sync", () -> "IN_SYNC".equals(primary.standbyState()));
                return "SIGKILL " + standby + ", " + primary + " sold alone, " + standby + " rejoined";
            }
            case LINK ->
            {
                cluster.cutLink();
                await("one engine selling alone", () -> "SOLO".equals(primary.role()) || "SOLO".equals(standby.role()));
                awaitOrder("an order acknowledged after the cut", shopping,
                    () -> shopping.firstAcknowledgedSentAfter(faultAt).isPresent());
                final String seller = "SOLO".equals(primary.role()) ? primary.toString() : standby.toString();
                final boolean both = "SOLO".equals(primary.role()) && "SOLO".equals(standby.role()) &&
                    primary.zookeeper().isEmpty();
                cluster.healLink();
                await("the pair whole again after the heal", () -> cluster.primary().map(p -> "IN_SYNC".equals(
                    p.standbyState())).orElse(false));
                return "link cut, " + seller + " sold" + (both ? " (and the other too: no ZooKeeper, solo)" : "") +
                    ", healed";
            }
            case PRIMARY_ZK ->
            {
                return cutOffFromZooKeeper(cluster, primary, primary, standby, shopping, faultAt);
            }
            case STANDBY_ZK ->
            {
                return cutOffFromZooKeeper(cluster, standby, primary, standby, shopping, faultAt);
            }
            case ZK_ALL ->
            {
                cluster.zookeeperRelaysOf(primary).forEach(io.flashgate.processes.TcpRelay::cut);
                cluster.zookeeperRelaysOf(standby).forEach(io.flashgate.processes.TcpRelay::cut);
                await("both engines see ZooKeeper unreachable", () -> primary.zookeeper().contains(
                    "\"connected\":false") && standby.zookeeper().contains("\"connected\":false"));
                final long cutAt = System.nanoTime();
                awaitOrder("an order acknowledged with ZooKeeper unreachable", shopping,
                    () -> shopping.firstAcknowledgedSentAfter(cutAt).isPresent());
                final String roles = primary.role() + "/" + standby.role() + ", standby " + primary.standbyState();
                cluster.zookeeperRelaysOf(primary).forEach(io.flashgate.processes.TcpRelay::heal);
                cluster.zookeeperRelaysOf(standby).forEach(io.flashgate.processes.TcpRelay::heal);
                await("both engines reach ZooKeeper again", () -> primary.zookeeper().contains("\"connected\":true") &&
                    standby.zookeeper().contains("\"connected\":true"));
                return "ZooKeeper unreachable from both engines, roles stayed " + roles;
            }
            case ZK_NODE ->
            {
                final int server = ThreadLocalRandom.current().nextInt(3);
                cluster.zookeeper.kill(server);
                awaitOrder("an order acknowledged after the kill", shopping,
                    () -> shopping.firstAcknowledgedSentAfter(faultAt).isPresent());
                final String roles = primary.role() + "/" + standby.role();
                cluster.zookeeper.restart(server);
                return "SIGKILL ZooKeeper server " + (server + 1) + ", roles stayed " + roles;
            }
            default -> throw new IllegalStateException(scenario.toString());
        }
    }

    /** One engine ({@code cut}) loses every ZooKeeper server, the pair sells on, then ZooKeeper comes back. */
    private static String cutOffFromZooKeeper(final PairCluster cluster, final PairProcesses.Engine cut,
        final PairProcesses.Engine primary, final PairProcesses.Engine standby, final Shoppers shopping,
        final long faultAt)
    {
        cluster.zookeeperRelaysOf(cut).forEach(io.flashgate.processes.TcpRelay::cut);
        await(cut + " sees ZooKeeper unreachable", () -> cut.zookeeper().contains("\"connected\":false"));
        awaitOrder("an order acknowledged after the cut", shopping,
            () -> shopping.firstAcknowledgedSentAfter(faultAt).isPresent());
        final String roles = primary.role() + "/" + standby.role();
        cluster.zookeeperRelaysOf(cut).forEach(io.flashgate.processes.TcpRelay::heal);
        await(cut + " reaches ZooKeeper again", () -> cut.zookeeper().contains("\"connected\":true"));
        return cut + " cut off from ZooKeeper, roles stayed " + roles;
    }

    private static void createSale(final PairCluster cluster, final String secret, final String saleId,
        final int stock, final int limit) throws IOException
    {
        final Instant now = Instant.now();
        final String body = "{\"saleId\":\"" + saleId + "\",\"stock\":" + stock + ",\"limitPerUser\":" + limit +
            ",\"startsAt\":\"" + now.minusSeconds(1) + "\",\"endsAt\":\"" + now.plusSeconds(7_200) +
            "\",\"reservationTtlSeconds\":3600}";
        final HttpResponse<String> answer = admin(cluster, secret, "/admin/sales", body);
        if (answer.statusCode() != 201)
        {
            throw new IOException("creating the sale: " + answer.statusCode() + " " + answer.body());
        }
    }

    private static Map<String, Long> saleStats(final PairCluster cluster, final String secret, final String saleId)
        throws IOException
    {
        final HttpResponse<String> answer = admin(cluster, secret, "/admin/sales/" + saleId + "/stats", null);
        final Map<String, Long> figures = new HashMap<>();
        final Matcher matcher = NUMBER_FIELD.matcher(answer.body());
        while (matcher.find())
        {
            figures.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        return figures;
    }

    private static HttpResponse<String> admin(final PairCluster cluster, final String secret, final String path,
        final String body) throws IOException
    {
        final String token = new Tokens(secret).mint("drill-operator", Tokens.ADMIN_ROLE, Duration.ofHours(1));
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.baseUrl() + path))
            .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token);
        if (body != null)
        {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        // The edge may still be switching engines: answer 503/504 for a moment.
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        final HttpClient client = HttpClient.newHttpClient();
        try
        {
            while (true)
            {
                final HttpResponse<String> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if ((answer.statusCode() != 503 && answer.statusCode() != 504) || System.nanoTime() - deadline > 0)
                {
                    return answer;
                }
                sleep(100);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }

    /**
     * Waits for an order as {@link #await} does; a sale that has sold out meanwhile ends the drill at once, saying so,
     * since no order can come (a halt is measured by the orders after a fault).
     */
    private static void awaitOrder(final String what, final Shoppers shopping, final BooleanSupplier orderCame)
    {
        await(what, () ->
        {
            if (orderCame.getAsBoolean())
            {
                return true;
            }
            if (shopping.soldOut())
            {
                throw new IllegalStateException("drill: the sale (stock " + shopping.stock() + ") sold out while " +
                    "waiting for " + what + ": with no orders left to take, a halt cannot be measured; give a " +
                    "larger --stock, or leave it out (it then lasts the drill)");
            }
            return false;
        });
    }

    private static void await(final String what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("drill: waited " + STEP_TIMEOUT.toSeconds() + " s for " + what);
            }
            sleep(20);
        }
    }

    private static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
