package io.flashgate.load;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The peer: the classic Redis flash-sale script, one EVALSHA per purchase. Per sale it keeps the stock
 * ({@code <sale>:stock}), each buyer's units ({@code <sale>:buyers}, a hash: HINCRBY, the limit check), the
 * Idempotency-Keys already served ({@code <sale>:orders}, so a retry gets the original order, as in Flashgate)
 * and an order counter. Check stock, check the buyer's count against the limit, DECRBY, HINCRBY, record the order:
 * atomic because Redis runs a script alone.
 *
 * <p>Without pipelining, {@code connections} threads each own a connection and run one EVALSHA at a time (a
 * classic blocking service tier). With pipelining, {@code connections} threads each take every request waiting
 * (up to {@code batch}) and send them in one pipeline: what a batching service in front of Redis does.
 */
public final class RedisLuaTarget implements Target
{
    static final String SCRIPT = String.join("\n",
        "-- KEYS: stock, buyers (hash user -> units), orders (hash user:key -> order id), order counter",
        "-- ARGV: user, idempotency key, quantity, limit per user",
        "local done = redis.call('HGET', KEYS[3], ARGV[1] .. ':' .. ARGV[2])",
        "if done then return {2, tonumber(done)} end",
        "local qty = tonumber(ARGV[3])",
        "local stock = tonumber(redis.call('GET', KEYS[1]) or '0')",
        "if stock < qty then return {3, 0} end",
        "local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')",
        "if held + qty > tonumber(ARGV[4]) then return {4, 0} end",
        "redis.call('DECRBY', KEYS[1], qty)",
        "redis.call('HINCRBY', KEYS[2], ARGV[1], qty)",
        "local id = redis.call('INCR', KEYS[4])",
        "redis.call('HSET', KEYS[3], ARGV[1] .. ':' .. ARGV[2], id)",
        "return {1, id}");

    private record Request(String saleId, String userId, String key, Completion done)
    {
    }

    private final String name;
    private final RedisServer server;
    private final boolean pipelined;
    private final int batch;
    private final Map<String, Integer> limits = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Integer> stocks = new java.util.concurrent.ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private final List<Jedis> connections = new ArrayList<>();
    private final String sha;
    private volatile boolean running = true;

    public RedisLuaTarget(final RedisServer server, final boolean pipelined, final int connectionCount,
        final int batch)
    {
        this.server = server;
        this.pipelined = pipelined;
        this.batch = batch;
        this.name = pipelined ? "redis-lua-pipelined" : "redis-lua";
        try (Jedis admin = connect())
        {
            this.sha = admin.scriptLoad(SCRIPT);
        }
        for (int i = 0; i < connectionCount; i++)
        {
            final Jedis jedis = connect();
            connections.add(jedis);
            final Thread worker = new Thread(() -> work(jedis), "flashgate-bench-" + name + "-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    private Jedis connect()
    {
        return server.client();
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public void createSale(final String saleId, final int stock, final int limitPerUser)
    {
        try (Jedis jedis = connect())
        {
            jedis.del(saleId + ":stock", saleId + ":buyers", saleId + ":orders", saleId + ":seq");
            jedis.set(saleId + ":stock", Integer.toString(stock));
        }
        limits.put(saleId, limitPerUser);
        stocks.put(saleId, stock);
    }

    @Override
    public void purchase(final String saleId, final long index, final String userId, final String idempotencyKey,
        final Completion done)
    {
        queue.add(new Request(saleId, userId, idempotencyKey, done));
    }

    private List<String> keys(final String saleId)
    {
        return List.of(saleId + ":stock", saleId + ":buyers", saleId + ":orders", saleId + ":seq");
    }

    private List<String> args(final Request r)
    {
        return List.of(r.userId, r.key, "1", Integer.toString(limits.get(r.saleId)));
    }

    private void work(final Jedis jedis)
    {
        final List<Request> taken = new ArrayList<>(batch);
        final List<Response<Object>> responses = new ArrayList<>(batch);
        while (running)
        {
            final Request first;
            try
            {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            if (first == null)
            {
                continue;
            }
            taken.clear();
            taken.add(first);
            if (!pipelined)
            {
                try
                {
                    complete(first, jedis.evalsha(sha, keys(first.saleId), args(first)));
                }
                catch (final RuntimeException ex)
                {
                    first.done.complete(Outcome.UNKNOWN, 0);
                }
                continue;
            }
            queue.drainTo(taken, batch - 1);
            responses.clear();
            int completed = 0;
            try
            {
                final Pipeline pipeline = jedis.pipelined();
                for (final Request r : taken)
                {
                    responses.add(pipeline.evalsha(sha, keys(r.saleId), args(r)));
                }
                pipeline.sync();
                for (; completed < taken.size(); completed++)
                {
                    complete(taken.get(completed), responses.get(completed).get());
                }
            }
            catch (final RuntimeException ex)
            {
                for (; completed < taken.size(); completed++)
                {
                    taken.get(completed).done.complete(Outcome.UNKNOWN, 0);
                }
            }
        }
    }

    private static void complete(final Request request, final Object reply)
    {
        final List<?> values = (List<?>)reply;
        final int code = ((Long)values.get(0)).intValue();
        final long id = (Long)values.get(1);
        request.done.complete(switch (code)
        {
            case 1 -> Outcome.ACCEPTED;
            case 2 -> Outcome.REPLAYED;
            case 3 -> Outcome.SOLD_OUT;
            case 4 -> Outcome.LIMIT_EXCEEDED;
            default -> Outcome.REJECTED_OTHER;
        }, id);
    }

    @Override
    public SaleFigures figures(final String saleId, final int limitPerUser)
    {
        try (Jedis jedis = connect())
        {
            final long remaining = Long.parseLong(jedis.get(saleId + ":stock"));
            long max = 0;
            for (final String units : jedis.hvals(saleId + ":buyers"))
            {
                max = Math.max(max, Long.parseLong(units));
            }
            return new SaleFigures(stocks.get(saleId) - remaining, remaining, max);
        }
    }

    @Override
    public void close()
    {
        running = false;
        for (final Thread worker : workers)
        {
            try
            {
                worker.join(5_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        for (final Jedis jedis : connections)
        {
            try
            {
                jedis.close();
            }
            catch (final RuntimeException ex)
            {
                // the server may be gone already
            }
        }
        for (final Request left : queue)
        {
            left.done.complete(Outcome.UNKNOWN, 0);
        }
        queue.clear();
    }
}
