package io.flashgate.edge.http;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.flashgate.protocol.Ids;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Mints and verifies the HS256 bearer tokens of {@code docs/HTTP-API.md} ("Identity"): {@code sub} is the user
 * id (a valid id),
 * {@code exp} is required, {@code "role":"admin"} marks an operator. Thread-safe. A verified token is remembered
 * until its {@code exp} ({@link VerifiedTokens}), so a shopper's next requests skip the signature check.
 */
public final class Tokens
{
    public static final String ROLE_CLAIM = "role";
    public static final String ADMIN_ROLE = "admin";
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Clock clock;
    private final VerifiedTokens verified;

    public Tokens(final String secret)
    {
        this(secret, Clock.systemUTC(), VerifiedTokens.DEFAULT_MAX_ENTRIES);
    }

    /** @param clock what both the full check and the cache take as now (a test moves it past a token's exp). */
    Tokens(final String secret, final Clock clock, final int maxCachedTokens)
    {
        this.algorithm = Algorithm.HMAC256(secret);
        this.clock = clock;
        this.verifier = ((JWTVerifier.BaseVerification)JWT.require(algorithm)).build(clock);
        this.verified = new VerifiedTokens(maxCachedTokens);
    }

    /** Who sent a request, from a verified token. */
    public record Principal(String userId, boolean admin)
    {
    }

    /** @param role null for a shopper, {@link #ADMIN_ROLE} for an operator. */
    public String mint(final String userId, final String role, final Duration ttl)
    {
        if (!Ids.isValid(userId))
        {
            throw new IllegalArgumentException("not a valid user id: " + userId);
        }
        final var builder = JWT.create().withSubject(userId).withExpiresAt(Instant.now().plus(ttl));
        if (role != null)
        {
            builder.withClaim(ROLE_CLAIM, role);
        }
        return builder.sign(algorithm);
    }

    public String shopper(final String userId)
    {
        return mint(userId, null, DEFAULT_TTL);
    }

    public String admin(final String userId)
    {
        return mint(userId, ADMIN_ROLE, DEFAULT_TTL);
    }

    /**
     * @param authorization the whole {@code Authorization} header, may be null.
     * @throws ApiError 401 UNAUTHENTICATED when missing, malformed, expired, badly signed, without exp or sub.
     */
    public Principal verify(final String authorization)
    {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7))
        {
            throw unauthenticated("missing bearer token");
        }
        // keyed by the whole header: no substring per request; each distinct text was itself fully checked
        final Tokens.Principal known = verified.get(authorization, clock.millis());
        if (known != null)
        {
            return known;
        }
        final String token = authorization.substring(7).trim();
        final DecodedJWT jwt;
        try
        {
            jwt = verifier.verify(token);
        }
        catch (final JWTVerificationException | IllegalArgumentException ex)
        {
            throw unauthenticated("invalid token");
        }
        if (jwt.getExpiresAt() == null)
        {
            throw unauthenticated("token has no exp");
        }
        final String subject = jwt.getSubject();
        if (!Ids.isValid(subject))
        {
            throw unauthenticated("token subject is not a valid user id");
        }
        final Principal principal = new Principal(subject, ADMIN_ROLE.equals(jwt.getClaim(ROLE_CLAIM).asString()));
        verified.put(authorization, principal, jwt.getExpiresAt().getTime());
        return principal;
    }

    /** Tokens remembered as verified (for tests of the bound). */
    int cachedTokens()
    {
        return verified.size();
    }

    private static ApiError unauthenticated(final String message)
    {
        return new ApiError(401, "UNAUTHENTICATED", message);
    }
}
