package io.flashgate.edge.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per key (user id or IP): {@code ratePerSecond} refill, {@code burst} capacity.
 * Buckets that have refilled to full are dropped when the map grows past its bound, so a crowd of
 * one-time visitors cannot grow it without limit.
 */
final class TokenBuckets
{
    private static final int MAX_KEYS = 200_000;

    private final double ratePerNano;
    private final double burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    TokenBuckets(final double ratePerSecond, final int burst)
    {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
    }

    /** @return 0 if a token was taken, else the seconds (≥ 1) until one will be there. */
    long tryAcquire(final String key, final long nowNanos)
    {
        if (buckets.size() > MAX_KEYS)
        {
            evictFull(nowNanos);
        }
        Bucket bucket = buckets.get(key);
        if (bucket == null)
        {
            // the creating lambda captures the time: built only for a new key, not on every request
            bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, nowNanos));
        }
        synchronized (bucket)
        {
            bucket.refill(nowNanos, ratePerNano, burst);
            if (bucket.tokens >= 1)
            {
                bucket.tokens -= 1;
                return 0;
            }
            final double nanosToToken = (1 - bucket.tokens) / ratePerNano;
            return Math.max(1, (long)Math.ceil(nanosToToken / 1e9));
        }
    }

    private void evictFull(final long nowNanos)
    {
        buckets.entrySet().removeIf(e ->
        {
            final Bucket b = e.getValue();
            synchronized (b)
            {
                b.refill(nowNanos, ratePerNano, burst);
                return b.tokens >= burst;
            }
        });
    }

    private static final class Bucket
    {
        double tokens;
        long lastNanos;

        Bucket(final double tokens, final long nowNanos)
        {
            this.tokens = tokens;
            this.lastNanos = nowNanos;
        }

        void refill(final long nowNanos, final double ratePerNano, final double burst)
        {
            final long elapsed = nowNanos - lastNanos;
            if (elapsed > 0)
            {
                tokens = Math.min(burst, tokens + elapsed * ratePerNano);
                lastNanos = nowNanos;
            }
        }
    }
}
