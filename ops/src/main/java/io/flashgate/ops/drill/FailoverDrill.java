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

    /**
     * @param rounds      primaries killed.
     * @param stock       the sale's stock; every shopper may buy {@code limit} units, and there are as many shoppers
     *                    as units, so demand is twice the stock.
     * @param shoppers    threads sending purchases at once.
     * @param perSecond   purchases per second at most, all shoppers together.
     */
    public record Options(Path work, int rounds, int stock, int shoppers, int perSecond, long heartbeatIntervalMillis,
        long heartbeatTimeoutMillis)
    {
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
        Shoppers shoppers = null;
        final PairCluster cluster = new PairCluster(options.work(), secret, options.heartbeatIntervalMillis(),
            options.heartbeatTimeoutMillis());
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
            for (int round = 1; round <= options.rounds(); round++)
            {
                final Shoppers shopping = shoppers;
                final long acknowledgedBefore = shopping.acknowledged.size();
                await("orders acknowledged before round " + round, () -> shopping.acknowledged.size() > acknowledgedBefore);
                sleep(ThreadLocalRandom.current().nextLong(200, 1_500));
                final PairProcesses.Engine primary = cluster.primary().orElseThrow(() ->
                    new IllegalStateException("no primary before round"));
                await(primary + "'s standby in sync", () -> "IN_SYNC".equals(primary.standbyState()));
                final long killedAt = System.nanoTime();
                primary.killMinus9();
                final PairProcesses.Engine next = cluster.other(primary);
                await("an order acknowledged by " + next, () -> shopping.firstAcknowledgedSentAfter(killedAt).isPresent());
                final long millis = (shopping.firstAcknowledgedSentAfter(killedAt).getAsLong() - killedAt) / 1_000_000;
                failovers.add(millis);
                log.println("drill: round " + round + ": SIGKILL " + primary + ", " + next + " (" + next.role() +
                    ", epoch " + next.epoch() + ") acknowledged an order " + millis + " ms later");
                primary.start("standby");
                await(primary + " back in sync as the standby", () -> "IN_SYNC".equals(next.standbyState()));
            }
            shoppers.close();
            final Shoppers done = shoppers;
            shoppers = null;
            return report(cluster, done, secret, saleId, limit, failovers);
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
        final String saleId, final int limit, final List<Long> failovers) throws IOException
    {
        final Set<Long> ids = new HashSet<>();
        final Map<String, Long> unitsByUser = new HashMap<>();
        long duplicates = 0;
        long found = 0;
        long units = 0;
        for (final Shoppers.Acknowledged order : shoppers.acknowledged)
        {
            if (!ids.add(order.orderId()))
            {
                duplicates++;
                continue;
            }
            units += order.quantity();
            unitsByUser.merge(order.userId(), order.quantity(), Long::sum);
            final String held = shoppers.order(order.orderId(), order.userId());
            if (held != null && held.contains("\"userId\":\"" + order.userId() + "\""))
            {
                found++;
            }
        }
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
            diff == 0, diffText.isEmpty() ? err.toString(StandardCharsets.UTF_8).trim() : diffText);
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
