package io.flashgate.edge.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verified-token cache of {@link Tokens}: a shortcut for tokens already checked, never a way around the check. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TokensCacheTest
{
    private static final String SECRET = "edge-secret-for-tests";

    /** A clock the test moves; starts at the real now, since {@link Tokens#mint} stamps exp from the real clock. */
    private static final class MovableClock extends Clock
    {
        private volatile Instant now = Instant.now();

        void advance(final Duration by)
        {
            now = now.plus(by);
        }

        void set(final Instant instant)
        {
            now = instant;
        }

        @Override
        public Instant instant()
        {
            return now;
        }

        @Override
        public ZoneOffset getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final java.time.ZoneId zone)
        {
            return this;
        }
    }

    private static int status(final Runnable verify)
    {
        return assertThrows(ApiError.class, verify::run).status();
    }

    @Test
    void aCachedTokenStillExpiresAtItsExp()
    {
        final MovableClock clock = new MovableClock();
        final Tokens tokens = new Tokens(SECRET, clock, 100);
        final String token = tokens.mint("alice", null, Duration.ofSeconds(60));
        final long expMillis = com.auth0.jwt.JWT.decode(token).getExpiresAt().getTime();

        assertEquals("alice", tokens.verify("Bearer " + token).userId());
        assertEquals(1, tokens.cachedTokens(), "a verified token is remembered");
        assertEquals("alice", tokens.verify("Bearer " + token).userId(), "answered from the cache");

        clock.set(Instant.ofEpochMilli(expMillis - 1));
        assertEquals("alice", tokens.verify("Bearer " + token).userId(), "valid up to the last millisecond before exp");

        clock.set(Instant.ofEpochMilli(expMillis));
        assertEquals(401, status(() -> tokens.verify("Bearer " + token)), "at exp it is expired, cached or not");
        assertEquals(0, tokens.cachedTokens(), "the expired entry is dropped");
        clock.advance(Duration.ofHours(1));
        assertEquals(401, status(() -> tokens.verify("Bearer " + token)));
    }

    @Test
    void aTokenSignedWithAnotherSecretIsNeverAcceptedEvenIfItsTextWasSeen()
    {
        final Tokens tokens = new Tokens(SECRET, Clock.systemUTC(), 100);
        final Tokens other = new Tokens("another-secret", Clock.systemUTC(), 100);
        final String forged = other.admin("alice");

        for (int i = 0; i < 3; i++)
        {
            assertEquals(401, status(() -> tokens.verify("Bearer " + forged)), "seen before, still refused");
        }
        assertEquals(0, tokens.cachedTokens(), "a refused token is never remembered");

        // the genuine token is cached; the same user and role signed with another secret is another text, refused
        final String genuine = tokens.admin("alice");
        assertTrue(tokens.verify("Bearer " + genuine).admin());
        assertEquals(401, status(() -> tokens.verify("Bearer " + forged)));
        // and the genuine text means nothing to a verifier with another secret, whatever this one cached
        assertEquals(401, status(() -> other.verify("Bearer " + genuine)));

        // a cached token with its signature changed is a new text: fully checked, refused
        final String tampered = genuine.substring(0, genuine.length() - 3) + (genuine.endsWith("AAA") ? "BBB" : "AAA");
        assertEquals(401, status(() -> tokens.verify("Bearer " + tampered)));
        // and one whose payload claims another user, with the genuine signature, too
        final String[] parts = genuine.split("\\.");
        final String otherPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
            "{\"sub\":\"mallory\",\"role\":\"admin\",\"exp\":9999999999}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(401, status(() -> tokens.verify("Bearer " + parts[0] + "." + otherPayload + "." + parts[2])));
        assertEquals(1, tokens.cachedTokens());
    }

    @Test
    void expiredMissingAndMalformedTokensAreRefusedAndNotRemembered()
    {
        final Tokens tokens = new Tokens(SECRET, Clock.systemUTC(), 100);
        assertEquals(401, status(() -> tokens.verify(null)));
        assertEquals(401, status(() -> tokens.verify("Bearer ")));
        assertEquals(401, status(() -> tokens.verify("Bearer not.a.token")));
        final String expired = tokens.mint("alice", null, Duration.ofSeconds(-5));
        assertEquals(401, status(() -> tokens.verify("Bearer " + expired)));
        assertEquals(401, status(() -> tokens.verify("Bearer " + expired)));
        assertEquals(0, tokens.cachedTokens());
    }

    @Test
    void theCacheIsBoundedAndStillAnswersRightWhenFull()
    {
        final int bound = 8;
        final Tokens tokens = new Tokens(SECRET, Clock.systemUTC(), bound);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 100; i++)
            {
                final String user = "user-" + i;
                final String token = tokens.shopper(user);
                assertEquals(user, tokens.verify("Bearer " + token).userId());
                assertEquals(user, tokens.verify("Bearer " + token).userId());
                assertTrue(tokens.cachedTokens() <= bound, "never more than the bound: " + tokens.cachedTokens());
            }
        }
        assertTrue(tokens.cachedTokens() >= 1, "still caching when full");
    }

    @Test
    void verifiedTokensDropAnEntryAtItsExpiryAndHoldAtMostTheirBound()
    {
        final VerifiedTokens cache = new VerifiedTokens(2);
        final Tokens.Principal alice = new Tokens.Principal("alice", false);
        cache.put("a", alice, 1_000);
        assertEquals(alice, cache.get("a", 999));
        assertEquals(null, cache.get("a", 1_000));
        assertEquals(0, cache.size());

        cache.put("a", alice, 5_000);
        cache.put("b", alice, 5_000);
        cache.put("c", alice, 5_000);
        assertTrue(cache.size() <= 2);
        assertEquals(alice, cache.get("c", 0), "the newest entry is kept");
        assertThrows(IllegalArgumentException.class, () -> new VerifiedTokens(0));
    }
}
