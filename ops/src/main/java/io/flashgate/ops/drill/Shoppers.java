package io.flashgate.ops.drill;

import io.flashgate.edge.http.Tokens;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shoppers of a contested sale, through the edge as a browser would (docs/HTTP-API.md): each purchase has its own
 * Idempotency-Key and is retried with that key after a 503 or 504 (and a 429, after its Retry-After) until it gets
 * an answer that decides it: an order (201, or 200 for the order an earlier try made) or a refusal (409). So every
 * purchase ends in exactly one outcome, whatever fails over meanwhile; one that finds none in time is counted as
 * unresolved, which a drill must never see.
 */
final class Shoppers implements AutoCloseable
{
    private static final Pattern ORDER_ID = Pattern.compile("\"orderId\":\"?(\\d+)");
    private static final Pattern QUANTITY = Pattern.compile("\"quantity\":(\\d+)");
    private static final Pattern ERROR = Pattern.compile("\"error\":\"([A-Z_]+)\"");
    private static final long GIVE_UP_NANOS = Duration.ofSeconds(30).toNanos();

    /** An order the edge acknowledged: with 201 (or 200 for a retry whose first try's answer was lost). */
    record Acknowledged(long orderId, String userId, long quantity, long receivedAtNanos, long sentAtNanos)
    {
    }

    private final String baseUrl;
    private final String saleId;
    private final int users;
    private final Tokens tokens;
    private final Map<String, String> tokenByUser = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Thread> threads = new ArrayList<>();
    private final long pauseNanos;
    private volatile boolean running = true;
    final ConcurrentLinkedQueue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
    final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
    final AtomicLong retries = new AtomicLong();
    /** 504 answers (the edge had no answer in time: RESULT_UNKNOWN), each retried with its key. */
    final AtomicLong timedOut = new AtomicLong();
    final AtomicLong unresolved = new AtomicLong();
    final AtomicLong purchases = new AtomicLong();
    private final AtomicLong underWay = new AtomicLong();
    private final java.util.concurrent.ScheduledExecutorService retryTimer;

    Shoppers(final String baseUrl, final String saleId, final int users, final String tokenSecret, final int threads,
        final int perSecond)
    {
        this.baseUrl = baseUrl;
        this.saleId = saleId;
        this.users = users;
        this.tokens = new Tokens(tokenSecret);
        this.pauseNanos = 1_000_000_000L / Math.max(1, perSecond);
        this.retryTimer = java.util.concurrent.Executors.newScheduledThreadPool(Math.max(1, threads), runnable ->
        {
            final Thread thread = new Thread(runnable, "drill-shopper");
            thread.setDaemon(true);
            return thread;
        });
        final Thread sender = new Thread(this::shop, "drill-shoppers");
        sender.setDaemon(true);
        this.threads.add(sender);
    }

    /** The sale's stock: there are as many shoppers as units. */
    int stock()
    {
        return users;
    }

    /** True once the edge refused a purchase because the sale had sold out: no order will come after it. */
    boolean soldOut()
    {
        return refusals.containsKey("409 SOLD_OUT");
    }

    void start()
    {
        threads.forEach(Thread::start);
    }

    /**
     * Open loop: a new purchase every {@code 1/perSecond} whatever the earlier ones are waiting for, so purchases keep
     * arriving while some wait out a failover (as real shoppers do), and the first one the new primary answers shows
     * when the sale was back.
     */
    private void shop()
    {
        long next = System.nanoTime();
        while (running)
        {
            final String user = "user-" + ThreadLocalRandom.current().nextInt(users);
            final String key = Long.toHexString(ThreadLocalRandom.current().nextLong());
            purchases.incrementAndGet();
            underWay.incrementAndGet();
            attempt(user, key, System.nanoTime());
            next += pauseNanos;
            final long wait = next - System.nanoTime();
            if (wait > 0)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            else
            {
                next = System.nanoTime();
            }
        }
    }

    /** One try of a purchase; a 503, 504, 429 or no answer schedules the next try with the same key. */
    private void attempt(final String user, final String key, final long firstSent)
    {
        final long sent = System.nanoTime();
        http.sendAsync(request(user, key), HttpResponse.BodyHandlers.ofString()).whenComplete((answer, failure) ->
        {
            if (answer != null)
            {
                final int status = answer.statusCode();
                if (status == 201 || status == 200)
                {
                    acknowledged.add(new Acknowledged(Long.parseLong(group(ORDER_ID, answer.body())), user,
                        Long.parseLong(group(QUANTITY, answer.body())), System.nanoTime(), sent));
                    underWay.decrementAndGet();
                    return;
                }
                if (status == 409 || status == 404 || status == 400 || status == 403)
                {
                    refusals.computeIfAbsent(status + " " + group(ERROR, answer.body()), k -> new AtomicLong())
                        .incrementAndGet();
                    underWay.decrementAndGet();
                    return;
                }
            }
            if (answer != null && answer.statusCode() == 504)
            {
                timedOut.incrementAndGet();
            }
            if (System.nanoTime() - firstSent > GIVE_UP_NANOS)
            {
                unresolved.incrementAndGet();
                underWay.decrementAndGet();
                return;
            }
            retries.incrementAndGet();
            final long retryAfter = answer == null ? 0 : answer.headers().firstValueAsLong("Retry-After").orElse(0);
            final long delay = answer != null && answer.statusCode() == 429 && retryAfter > 0 ?
                Math.min(retryAfter * 1000, 1000) : 50;
            retryTimer.schedule(() -> attempt(user, key, firstSent), delay, java.util.concurrent.TimeUnit.MILLISECONDS);
        });
    }

    private HttpRequest request(final String user, final String key)
    {
        final String token = tokenByUser.computeIfAbsent(user, u -> tokens.mint(u, null, Duration.ofHours(2)));
        return HttpRequest.newBuilder(URI.create(baseUrl + "/api/sales/" + saleId + "/purchases"))
            .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + token)
            .header("Idempotency-Key", key).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")).build();
    }

    /** The edge's answer to a lookup: its status (-1: no answer, the request failed) and body. */
    record Lookup(int status, String body)
    {
        /** 200 (found) and 404 (the engine has no such order) are answers; anything else says nothing of the order. */
        boolean answered()
        {
            return status == 200 || status == 404;
        }
    }

    /** An order as the edge answers it now, for its owner. */
    Lookup order(final long orderId, final String user)
    {
        final String token = tokenByUser.computeIfAbsent(user, u -> tokens.mint(u, null, Duration.ofHours(2)));
        try
        {
            final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/orders/" +
                orderId)).timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            return new Lookup(answer.statusCode(), answer.body());
        }
        catch (final IOException ex)
        {
            return new Lookup(-1, String.valueOf(ex));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return new Lookup(-1, "interrupted");
        }
    }

    /**
     * How long sales stood still around a fault at {@code faultNanos}: the longest gap between two acknowledgements
     * received one after the other, from the last one before the fault to {@code untilNanos}.
     */
    long haltMillis(final long faultNanos, final long untilNanos)
    {
        final long[] received = acknowledged.stream().mapToLong(Acknowledged::receivedAtNanos)
            .filter(t -> t <= untilNanos).sorted().toArray();
        long previous = -1;
        long longest = 0;
        for (final long at : received)
        {
            if (at <= faultNanos)
            {
                previous = at;
                continue;
            }
            if (previous >= 0)
            {
                longest = Math.max(longest, at - previous);
            }
            previous = at;
        }
        return longest / 1_000_000;
    }

    /** The first order acknowledged for a purchase sent at or after {@code nanos}, or empty. */
    java.util.OptionalLong firstAcknowledgedSentAfter(final long nanos)
    {
        return acknowledged.stream().filter(a -> a.sentAtNanos() >= nanos)
            .mapToLong(Acknowledged::receivedAtNanos).min();
    }

    private static void pause(final long millis)
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

    private static String group(final Pattern pattern, final String text)
    {
        final Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : "?";
    }

    /** Stops sending new purchases; each one under way still ends with its outcome (30 s at most). */
    @Override
    public void close()
    {
        running = false;
        for (final Thread thread : threads)
        {
            try
            {
                thread.join(10_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        final long deadline = System.nanoTime() + GIVE_UP_NANOS + Duration.ofSeconds(10).toNanos();
        while (underWay.get() > 0 && System.nanoTime() - deadline < 0)
        {
            pause(20);
        }
        retryTimer.shutdownNow();
    }
}
