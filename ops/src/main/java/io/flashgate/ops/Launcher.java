package io.flashgate.ops;

import io.flashgate.edge.http.Tokens;
import io.flashgate.protocol.Ids;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ops/flashgate run | engine | edge | token}: see {@link #USAGE}. Exit codes: 0 done, 1 failed to start,
 * 2 bad usage. Processes run until SIGTERM or Ctrl-C, then shut down in order (edge, engine, media driver).
 */
public final class Launcher
{
    static final String USAGE = """
        usage: ops/flashgate <command> [options]
          run      engine + edge + embedded media driver in one JVM (HTTP on 127.0.0.1:8080, journal in ./data)
          engine   the engine alone, taking commands over UDP (--ingress, --egress)
          edge     an HTTP edge for a separate engine over UDP (--http-port, --ingress, --egress, --edge-host)
          token    --user U [--admin] [--ttl SECONDS]: print a bearer token signed with the configured secret
        options (flag, then environment, then default):
          --http-port N      FLASHGATE_HTTP_PORT       8080
          --http-host H      FLASHGATE_HTTP_HOST       127.0.0.1
          --data-dir D       FLASHGATE_DATA_DIR        ./data
          --token-secret S   FLASHGATE_TOKEN_SECRET    kept in <data-dir>/token-secret, made on first start
          --ingress H:P      FLASHGATE_ENGINE_INGRESS  127.0.0.1:40123
          --egress H:P       FLASHGATE_ENGINE_EGRESS   127.0.0.1:40124
          --edge-host H      FLASHGATE_EDGE_HOST       127.0.0.1
          --metrics-port N   FLASHGATE_METRICS_PORT    9464 (engine only; run adds them to the edge's /metrics)
        """;

    private Launcher()
    {
    }

    public static void main(final String[] args)
    {
        final int code = run(Arrays.asList(args), System.out, System.err);
        if (code != 0)
        {
            System.exit(code);
        }
    }

    static int run(final List<String> args, final PrintStream out, final PrintStream err)
    {
        if (args.isEmpty() || List.of("help", "-h", "--help").contains(args.get(0)))
        {
            out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        final String command = args.get(0);
        final LaunchOptions options;
        try
        {
            options = LaunchOptions.parse(args.subList(1, args.size()), System::getenv);
        }
        catch (final LaunchOptions.UsageException ex)
        {
            err.println("flashgate: " + ex.getMessage());
            err.print(USAGE);
            return 2;
        }
        try
        {
            return switch (command)
            {
                case "run" -> serve(FlashgateProcess.allInOne(options), out);
                case "engine" -> serve(FlashgateProcess.engine(options), out);
                case "edge" -> serve(FlashgateProcess.edge(options), out);
                case "token" -> token(options, out, err);
                default ->
                {
                    err.println("flashgate: unknown command '" + command + "'");
                    err.print(USAGE);
                    yield 2;
                }
            };
        }
        catch (final IOException | RuntimeException ex)
        {
            err.println("flashgate: could not start: " + ex.getMessage());
            return 1;
        }
    }

    private static int token(final LaunchOptions options, final PrintStream out, final PrintStream err)
        throws IOException
    {
        if (options.user() == null || !Ids.isValid(options.user()))
        {
            err.println("flashgate: token needs --user U, 1-64 characters of [A-Za-z0-9_.:-]");
            return 2;
        }
        final Tokens tokens = new Tokens(TokenSecret.resolve(options));
        out.println(tokens.mint(options.user(), options.admin() ? Tokens.ADMIN_ROLE : null,
            Duration.ofSeconds(options.ttlSeconds())));
        return 0;
    }

    /** Prints one ready line and blocks until the JVM is asked to stop; the shutdown hook closes everything. */
    private static int serve(final FlashgateProcess process, final PrintStream out)
    {
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            process.close();
            stopped.countDown();
        }, "flashgate-shutdown"));
        out.println("flashgate: ready: " + process.description());
        out.flush();
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
