package io.flashgate.edge.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens this edge has verified, by the exact text they came in, until their {@code exp}: a shopper sends the same
 * token with every request, and checking its HMAC and parsing its JSON each time is most of the cost of auth.
 *
 * <p>Only a token that passed the full check is ever put here, under its exact text, so a forged or tampered token
 * (another text) never finds an entry. An entry is used only while the clock is before its {@code exp} (what the
 * full check requires), so a cached token still expires on time. At most {@code maxEntries} are held: when full,
 * the cache starts over, so no sender can grow it without limit, and the worst case is the full check per request.
 */
final class VerifiedTokens
{
    /** Enough for every shopper of a busy edge's token lifetime; ~350 B each. */
    static final int DEFAULT_MAX_ENTRIES = 100_000;

    private record Entry(Tokens.Principal principal, long expiresAtMillis)
    {
    }

    private final int maxEntries;
    private final ConcurrentHashMap<String, Entry> byText;

    VerifiedTokens(final int maxEntries)
    {
        if (maxEntries < 1)
        {
            throw new IllegalArgumentException("maxEntries must be >= 1: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.byText = new ConcurrentHashMap<>(Math.min(maxEntries, 1 << 16));
    }

    /** The principal of a token verified before and not expired at {@code nowMillis}, else null. */
    Tokens.Principal get(final String text, final long nowMillis)
    {
        final Entry entry = byText.get(text);
        if (entry == null)
        {
            return null;
        }
        if (nowMillis >= entry.expiresAtMillis)
        {
            byText.remove(text, entry);
            return null;
        }
        return entry.principal;
    }

    /** Call only with a token that passed the full check just now. */
    void put(final String text, final Tokens.Principal principal, final long expiresAtMillis)
    {
        if (byText.size() >= maxEntries)
        {
            byText.clear();
        }
        byText.put(text, new Entry(principal, expiresAtMillis));
    }

    int size()
    {
        return byText.size();
    }
}
