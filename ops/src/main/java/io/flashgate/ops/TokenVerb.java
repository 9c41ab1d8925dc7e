package io.flashgate.ops;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.config.ConfigException;
import io.flashgate.config.ConfigLoader;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.config.Settings;
import io.flashgate.edge.http.Tokens;
import io.flashgate.protocol.Ids;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code token --user U [--admin] [--ttl SECONDS]}: a bearer token signed with the configured (or kept) secret. */
final class TokenVerb implements LauncherVerb
{
    private static final long MAX_TTL_SECONDS = 366L * 24 * 3600;

    @Override
    public String name()
    {
        return "token";
    }

    @Override
    public String summary()
    {
        return "print a bearer token signed with the configured secret (--user U [--admin] [--ttl SECONDS])";
    }

    @Override
    public String synopsis()
    {
        return "token --user U [--admin] [--ttl SECONDS] [--config FILE] [--data-dir D] [--token-secret S]";
    }

    @Override
    public String description()
    {
        return "Prints a bearer token for a shopper (or, with --admin, an operator), signed with the token secret\n" +
            "the edges use: the configured one, else the one kept in the data folder (made on first use).";
    }

    @Override
    public List<Option> options()
    {
        return LauncherVerb.withSettings(List.of(Settings.get("engine.dataDir"), Settings.get("edge.tokenSecret")),
            Option.valued("user", "U", "the token's user id, 1-64 characters of [A-Za-z0-9_.:-]"),
            Option.flag("admin", "an operator token (the admin role)"),
            Option.valued("ttl", "SECONDS", "how long the token is valid, 1 s .. 1 year (default 3600)"));
    }

    @Override
    public int execute(final Args args, final Map<String, String> env, final PrintStream out)
        throws UsageException, ConfigException, IOException
    {
        args.positionals();
        final String user = args.required("user");
        if (!Ids.isValid(user))
        {
            throw new UsageException("--user must be 1-64 characters of [A-Za-z0-9_.:-], was '" + user + "'");
        }
        final long ttl = args.number("ttl", 1).orElse(3600L);
        if (ttl > MAX_TTL_SECONDS)
        {
            throw new UsageException("--ttl must be at most " + MAX_TTL_SECONDS + " (a year), was " + ttl);
        }
        final FlashgateConfig config = ConfigLoader.load(env, args.values()).config();
        final Tokens tokens = new Tokens(TokenSecret.resolve(config));
        out.println(tokens.mint(user, args.flag("admin") ? Tokens.ADMIN_ROLE : null, Duration.ofSeconds(ttl)));
        return Launcher.OK;
    }
}
