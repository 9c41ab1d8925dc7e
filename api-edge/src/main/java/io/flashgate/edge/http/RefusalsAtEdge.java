package io.flashgate.edge.http;

import io.flashgate.protocol.Reason;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers a purchase from the sale-status cache (SOLD_OUT, NOT_STARTED, ...) when the engine would certainly refuse
 * it, so a sold-out rush never reaches the engine. Never for a purchase that may be a retry: a retry must get the
 * original order back, whatever happened since, so it goes to the engine when this edge sent the same user + key
 * before or when the user may hold an order in the sale ({@link KnownBuyers}).
 */
final class RefusalsAtEdge
{
    private static final int MAX_RECENT_KEYS = 500_000;

    private final SaleStatusCache cache;
    private final KnownBuyers knownBuyers;
    /** user + ' ' + Idempotency-Key sent to the engine from here. */
    private final Set<String> recentKeys = ConcurrentHashMap.newKeySet();

    RefusalsAtEdge(final SaleStatusCache cache, final KnownBuyers knownBuyers)
    {
        this.cache = cache;
        this.knownBuyers = knownBuyers;
    }

    /** @return the engine's certain refusal, or null when the purchase must go to the engine. */
    Reason refusal(final String saleId, final String userId, final String userKey, final long nowMs)
    {
        if (recentKeys.contains(userKey) || knownBuyers.mayHaveOrder(saleId, userId))
        {
            return null;
        }
        return cache.refusal(saleId, nowMs);
    }

    /** Remembers a purchase sent to the engine, so that its retries go there too. */
    void sent(final String userKey)
    {
        if (recentKeys.size() > MAX_RECENT_KEYS)
        {
            recentKeys.clear();
        }
        recentKeys.add(userKey);
    }
}
