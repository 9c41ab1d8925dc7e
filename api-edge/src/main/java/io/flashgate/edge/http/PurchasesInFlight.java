package io.flashgate.edge.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One purchase in flight per user: a second one while the first waits for the engine is 429 RATE_LIMITED. */
final class PurchasesInFlight
{
    private final Set<String> users = ConcurrentHashMap.newKeySet();

    /** @throws ApiError 429 when this user already has a purchase at the engine. */
    void acquire(final String userId)
    {
        if (!users.add(userId))
        {
            throw ApiError.rateLimited("a purchase is already in flight for this user", 1);
        }
    }

    void release(final String userId)
    {
        users.remove(userId);
    }
}
