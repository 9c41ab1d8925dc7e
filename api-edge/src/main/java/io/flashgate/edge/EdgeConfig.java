package io.flashgate.edge;

import io.flashgate.config.FlashgateConfig;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Everything the HTTP edge needs to start. The defaults (which suit a 2-core laptop) are the settings tree's
 * ({@link FlashgateConfig#defaults()}, docs/CONFIG.md); {@link #of} builds one from any settings.
 *
 * @param host                 interface to bind.
 * @param port                 TCP port; 0 picks a free one (read it back from the server).
 * @param tokenSecret          HS256 secret for shopper and operator tokens.
 * @param userRatePerSecond    token-bucket refill rate per user id.
 * @param userBurst            token-bucket capacity per user id.
 * @param ipRatePerSecond      token-bucket refill rate per client IP.
 * @param ipBurst              token-bucket capacity per client IP.
 * @param maxInFlight          engine commands this edge lets wait at once; beyond it: 503 OVERLOADED.
 * @param replyTimeout         no reply from the engine within this: 504 RESULT_UNKNOWN.
 * @param maxBodyBytes         larger request bodies: 413 PAYLOAD_TOO_LARGE.
 * @param accountsPerAddress   the cap of accounts per client address of a sale created without its own (0: none).
 */
public record EdgeConfig(
    String host,
    int port,
    String tokenSecret,
    double userRatePerSecond,
    int userBurst,
    double ipRatePerSecond,
    int ipBurst,
    int maxInFlight,
    Duration replyTimeout,
    int maxBodyBytes,
    int accountsPerAddress)
{
    public EdgeConfig
    {
        if (tokenSecret == null || tokenSecret.isEmpty())
        {
            throw new IllegalArgumentException("tokenSecret must not be empty");
        }
        if (port < 0 || port > 65535 || userRatePerSecond <= 0 || ipRatePerSecond <= 0 || userBurst < 1 ||
            ipBurst < 1 || maxInFlight < 1 || replyTimeout == null ||
            replyTimeout.toMillis() < 1 || maxBodyBytes < 1 || accountsPerAddress < 0)
        {
            throw new IllegalArgumentException("invalid edge config: " + port + "/" + maxInFlight);
        }
    }

    /**
     * The default settings with a random token secret (tokens minted elsewhere do not verify): the launcher
     * resolves the real secret and passes it to {@link #of}.
     */
    public static EdgeConfig defaults()
    {
        return of(FlashgateConfig.defaults(), randomSecret());
    }

    /** The edge's part of the settings tree (edge and protections), with the token secret resolved by the caller. */
    public static EdgeConfig of(final FlashgateConfig settings, final String tokenSecret)
    {
        final FlashgateConfig.Edge edge = settings.edge();
        final FlashgateConfig.Protections limits = settings.protections();
        return new EdgeConfig(edge.httpHost(), edge.httpPort(), tokenSecret, limits.userRatePerSecond(),
            limits.userBurst(), limits.ipRatePerSecond(), limits.ipBurst(), limits.maxInFlight(),
            Duration.ofMillis(edge.replyTimeoutMillis()), edge.maxBodyBytes(), limits.accountsPerAddress());
    }

    public static String randomSecret()
    {
        final byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public EdgeConfig withPort(final int port)
    {
        return new EdgeConfig(host, port, tokenSecret, userRatePerSecond, userBurst, ipRatePerSecond, ipBurst,
            maxInFlight, replyTimeout, maxBodyBytes, accountsPerAddress);
    }

    public EdgeConfig withHost(final String host)
    {
        return new EdgeConfig(host, port, tokenSecret, userRatePerSecond, userBurst, ipRatePerSecond, ipBurst,
            maxInFlight, replyTimeout, maxBodyBytes, accountsPerAddress);
    }

    public EdgeConfig withTokenSecret(final String secret)
    {
        return new EdgeConfig(host, port, secret, userRatePerSecond, userBurst, ipRatePerSecond, ipBurst,
            maxInFlight, replyTimeout, maxBodyBytes, accountsPerAddress);
    }

    public EdgeConfig withUserRate(final double perSecond, final int burst)
    {
        return new EdgeConfig(host, port, tokenSecret, perSecond, burst, ipRatePerSecond, ipBurst,
            maxInFlight, replyTimeout, maxBodyBytes, accountsPerAddress);
    }

    public EdgeConfig withIpRate(final double perSecond, final int burst)
    {
        return new EdgeConfig(host, port, tokenSecret, userRatePerSecond, userBurst, perSecond, burst,
            maxInFlight, replyTimeout, maxBodyBytes, accountsPerAddress);
    }

    public EdgeConfig withMaxInFlight(final int maxInFlight)
    {
        return new EdgeConfig(host, port, tokenSecret, userRatePerSecond, userBurst, ipRatePerSecond, ipBurst,
            maxInFlight, replyTimeout, maxBodyBytes, accountsPerAddress);
    }

    public EdgeConfig withReplyTimeout(final Duration timeout)
    {
        return new EdgeConfig(host, port, tokenSecret, userRatePerSecond, userBurst, ipRatePerSecond, ipBurst,
            maxInFlight, timeout, maxBodyBytes, accountsPerAddress);
    }

    public EdgeConfig withAccountsPerAddress(final int cap)
    {
        return new EdgeConfig(host, port, tokenSecret, userRatePerSecond, userBurst, ipRatePerSecond, ipBurst,
            maxInFlight, replyTimeout, maxBodyBytes, cap);
    }

    public EdgeConfig withMaxBodyBytes(final int bytes)
    {
        return new EdgeConfig(host, port, tokenSecret, userRatePerSecond, userBurst, ipRatePerSecond, ipBurst,
            maxInFlight, replyTimeout, bytes, accountsPerAddress);
    }

    @Override
    public String toString()
    {
        return "EdgeConfig[host=" + host + ", port=" + port + ", tokenSecret=***, userRate=" + userRatePerSecond +
            "/" + userBurst + ", ipRate=" + ipRatePerSecond + "/" + ipBurst + ", maxInFlight=" + maxInFlight +
            ", replyTimeout=" + replyTimeout + ", maxBodyBytes=" + maxBodyBytes + ", accountsPerAddress=" +
            accountsPerAddress + "]";
    }
}
