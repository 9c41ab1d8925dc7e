package io.flashgate.edge.http;

import io.flashgate.edge.EdgeConfig;
import io.javalin.http.Context;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may send what, in the order of {@code docs/HTTP-API.md} ("Protective answers"): auth (401, 403) comes first;
 * handlers then validate their input (400) and call {@link #admit} or {@link #admitAnonymous}, which apply the
 * blocklist (403) and then the token buckets (429). The body limit ({@link BodyLimit}) runs before all of these;
 * one purchase in flight per user ({@link PurchasesInFlight}) and the global bound ({@link InFlightBound}) after.
 */
final class Admission
{
    private final Tokens tokens;
    private final TokenBuckets userBuckets;
    private final TokenBuckets ipBuckets;
    private final Set<String> blockedUsers = ConcurrentHashMap.newKeySet();
    private final Set<String> blockedIps = ConcurrentHashMap.newKeySet();

    Admission(final EdgeConfig config, final Tokens tokens)
    {
        this.tokens = tokens;
        this.userBuckets = new TokenBuckets(config.userRatePerSecond(), config.userBurst());
        this.ipBuckets = new TokenBuckets(config.ipRatePerSecond(), config.ipBurst());
    }

    /** @throws ApiError 401 without a valid token. */
    Tokens.Principal shopper(final Context ctx)
    {
        return tokens.verify(ctx.header("Authorization"));
    }

    /** @throws ApiError 401 without a valid token, 403 with a shopper's. */
    Tokens.Principal operator(final Context ctx)
    {
        final Tokens.Principal principal = tokens.verify(ctx.header("Authorization"));
        if (!principal.admin())
        {
            throw new ApiError(403, "FORBIDDEN", "operator route");
        }
        return principal;
    }

    /** The user's and the IP's blocklist, then their token buckets. */
    void admit(final Context ctx, final Tokens.Principal principal)
    {
        final String ip = ctx.ip();
        if (blockedUsers.contains(principal.userId()) || blockedIps.contains(ip))
        {
            throw blocked();
        }
        final long now = System.nanoTime();
        long wait = userBuckets.tryAcquire(principal.userId(), now);
        if (wait == 0)
        {
            wait = ipBuckets.tryAcquire(ip, now);
        }
        if (wait > 0)
        {
            throw ApiError.rateLimited("too many requests", wait);
        }
    }

    /** For a public route, where no user is known: the IP's blocklist and token bucket only. */
    void admitAnonymous(final Context ctx)
    {
        final String ip = ctx.ip();
        if (blockedIps.contains(ip))
        {
            throw blocked();
        }
        final long wait = ipBuckets.tryAcquire(ip, System.nanoTime());
        if (wait > 0)
        {
            throw ApiError.rateLimited("too many requests", wait);
        }
    }

    /** Adds to the blocklist (never removes); the ids are already validated. */
    void block(final Collection<String> users, final Collection<String> ips)
    {
        blockedUsers.addAll(users);
        blockedIps.addAll(ips);
    }

    int blockedUsers()
    {
        return blockedUsers.size();
    }

    int blockedIps()
    {
        return blockedIps.size();
    }

    private static ApiError blocked()
    {
        return new ApiError(403, "BLOCKED", "blocked");
    }
}
