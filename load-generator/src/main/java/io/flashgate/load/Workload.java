package io.flashgate.load;

/**
 * The contested sale every system under test gets, request by request, so Flashgate and the Redis peer
 * see exactly the same buyers in the same order.
 *
 * <p>Request {@code i} is from buyer {@code i mod buyers} (a scrambled order, so one buyer's requests are
 * {@code buyers} requests apart and never overlap at sane rates). With probability {@code duplicateRate}
 * (decided by a hash of {@code i}, not a shared random source) it re-sends the Idempotency-Key of that
 * buyer's previous request: a shopper's retry, which must get the original answer. Every other request
 * carries a new key: a new attempt, which counts towards the buyer's demand. Quantity is always 1.
 */
public final class Workload
{
    private final int buyers;
    private final double duplicateRate;
    private final long duplicateThreshold;
    private final long stride;

    public Workload(final int buyers, final double duplicateRate)
    {
        if (buyers < 1 || duplicateRate < 0 || duplicateRate >= 1)
        {
            throw new IllegalArgumentException("buyers " + buyers + ", duplicate rate " + duplicateRate);
        }
        this.buyers = buyers;
        this.duplicateRate = duplicateRate;
        this.duplicateThreshold = (long)(duplicateRate * (1L << 53));
        this.stride = stride(buyers);
    }

    public int buyers()
    {
        return buyers;
    }

    public double duplicateRate()
    {
        return duplicateRate;
    }

    /** The buyer (0 ≤ b < buyers) of request {@code i}: a fixed permutation of {@code i mod buyers}. */
    public int buyer(final long i)
    {
        final int slot = (int)(i % buyers);
        // An affine permutation of [0, buyers): a stride coprime with buyers.
        return (int)((slot * stride) % buyers);
    }

    /** True when request {@code i} re-sends its buyer's previous key (never for a buyer's first request). */
    public boolean isDuplicate(final long i)
    {
        return i >= buyers && (mix(i) >>> 11) < duplicateThreshold;
    }

    /** The index of the request whose key request {@code i} carries (itself unless a duplicate). */
    public long keyIndex(final long i)
    {
        long k = i;
        while (isDuplicate(k))
        {
            k -= buyers;
        }
        return k;
    }

    public String userId(final long i)
    {
        return "u" + buyer(i);
    }

    public String idempotencyKey(final long i)
    {
        return "k" + keyIndex(i);
    }

    /**
     * A sale's stock for a phase that sends the first {@code requests} requests: half the demand they carry (a
     * buyer's demand is min(limit, new keys it sends)), so the sale sells out half-way and buyers race.
     */
    public int stockFor(final long requests, final int limit)
    {
        final int[] keys = new int[buyers];
        for (long i = 0; i < requests; i++)
        {
            if (!isDuplicate(i))
            {
                keys[buyer(i)]++;
            }
        }
        long demand = 0;
        for (final int k : keys)
        {
            demand += Math.min(limit, k);
        }
        return (int)Math.max(1, Math.min(Integer.MAX_VALUE, demand / 2));
    }

    static long stride(final int n)
    {
        long s = (long)(n * 0.6180339887) | 1;
        while (gcd(s, n) != 1)
        {
            s += 2;
        }
        return s % Math.max(n, 1) == 0 ? 1 : s;
    }

    private static long gcd(final long a, final long b)
    {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** SplitMix64's finaliser: a good hash of the request index. */
    static long mix(final long i)
    {
        long z = i + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
