package io.flashgate.load;

import io.flashgate.processes.ChildJvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The server JVM of the HTTP comparison ({@link HttpServers}): this JVM's module flags and class path, a heap of
 * its own; ready when it prints {@code READY <edgePort> <barePort>}, stopped by closing its stdin. Either the
 * journal-only engine, or (standby) the primary of a pair in sync with its standby.
 */
final class HttpServerJvm implements AutoCloseable
{
    private final ChildJvm child;
    private final int edgePort;
    private final int barePort;

    private HttpServerJvm(final ChildJvm child, final int edgePort, final int barePort)
    {
        this.child = child;
        this.edgePort = edgePort;
        this.barePort = barePort;
    }

    /**
     * @param work    folder for the engine's data and the server's stdout (made if missing).
     * @param log     where the server's stderr goes.
     * @param standby the engine is the primary of a pair with synchronous replication, not journal-only.
     */
    static HttpServerJvm start(final String secret, final Path work, final HttpOptions options, final Path log,
        final boolean standby) throws IOException
    {
        Files.createDirectories(work);
        final ChildJvm.Builder builder = ChildJvm.of(HttpServers.class, secret, work.resolve("data").toString(),
                name(options.pipelineWait()), name(options.idle()), standby ? "standby" : "")
            .jvmFlagsOfThisJvm()
            .heap("2g")
            // As docs/CONFIG.md tells a host that must not pause: without it each young collection that first touched
            // a part of the heap spent 130-300 ms in the kernel (JFR's GC CPU time), faulting in its huge pages.
            .jvmOption("-Xms2g")
            .jvmOption("-XX:+AlwaysPreTouch")
            .jvmOption("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
            .keepFlashgateEnv()
            .stdoutTo(work.resolve("server.out"));
        if (options.serverJfr() != null && !standby)
        {
            builder.jvmOption("-XX:StartFlightRecording=filename=" + options.serverJfr() + ",settings=profile");
        }
        final ChildJvm child = builder.start(log);
        try
        {
            child.awaitLine("READY ", 1, Duration.ofSeconds(60));
            final String[] fields = child.completeLines().stream().filter(line -> line.startsWith("READY "))
                .findFirst().orElseThrow().split(" ");
            return new HttpServerJvm(child, Integer.parseInt(fields[1]), Integer.parseInt(fields[2]));
        }
        catch (final RuntimeException | AssertionError ex)
        {
            child.close();
            throw new IllegalStateException("the server JVM did not get ready (log: " + log + ")", ex);
        }
    }

    private static String name(final Enum<?> choice)
    {
        return choice == null ? "" : choice.name().toLowerCase(Locale.ROOT);
    }

    int edgePort()
    {
        return edgePort;
    }

    int barePort()
    {
        return barePort;
    }

    long pid()
    {
        return child.pid();
    }

    /** Closes its stdin (it stops edge, engine and driver in order), then SIGTERM, then SIGKILL. */
    @Override
    public void close() throws InterruptedException
    {
        try
        {
            child.process().getOutputStream().close();
        }
        catch (final IOException ex)
        {
            // it may be gone already
        }
        if (!child.process().waitFor(20, TimeUnit.SECONDS))
        {
            child.process().destroy();
            if (!child.process().waitFor(10, TimeUnit.SECONDS))
            {
                child.close();
            }
        }
    }
}
