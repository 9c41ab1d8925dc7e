package io.flashgate.load;

import io.flashgate.processes.FreePorts;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private redis-server (Debian's package; {@code ops/redis-peer.sh} installs it) on a free loopback port with
 * a temp folder, stopped and removed on close. Persistence is set to match Flashgate's journal: an append-only
 * file written on every command, flushed by the OS ({@code appendfsync no}, the page-cache equivalent of the
 * engine's default flush), no RDB snapshots.
 */
public final class RedisServer implements AutoCloseable
{
    private final Process process;
    private final Path dir;
    private final int port;

    private RedisServer(final Process process, final Path dir, final int port)
    {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** The redis-server binary on PATH (or {@code FLASHGATE_REDIS_SERVER}), or null when it is not installed. */
    public static String findBinary()
    {
        final String env = System.getenv("FLASHGATE_REDIS_SERVER");
        if (env != null && new File(env).canExecute())
        {
            return env;
        }
        final String path = System.getenv("PATH");
        for (final String folder : (path == null ? "/usr/bin:/usr/local/bin" : path + ":/usr/bin:/usr/local/bin")
            .split(File.pathSeparator))
        {
            final File candidate = new File(folder, "redis-server");
            if (candidate.canExecute())
            {
                return candidate.getAbsolutePath();
            }
        }
        return null;
    }

    public static RedisServer start(final String binary) throws IOException, InterruptedException
    {
        final Path dir = Files.createTempDirectory("flashgate-redis-");
        final int port = FreePorts.tcp();
        final List<String> command = new ArrayList<>(List.of(binary, "--port", Integer.toString(port), "--bind",
            "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "no",
            "--daemonize", "no", "--protected-mode", "yes", "--logfile", dir.resolve("redis.log").toString(),
            "--maxclients", "1000"));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.out").toFile()).start();
        final RedisServer server = new RedisServer(process, dir, port);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true)
        {
            try (Jedis jedis = server.client())
            {
                if ("PONG".equals(jedis.ping()))
                {
                    return server;
                }
            }
            catch (final RuntimeException ex)
            {
                if (!process.isAlive() || System.nanoTime() - deadline > 0)
                {
                    server.close();
                    throw new IOException("redis-server did not start on port " + port + ": " + ex.getMessage());
                }
                Thread.sleep(20);
            }
        }
    }

    /** A new connection (RESP2, 10 s timeout); the caller closes it. */
    public Jedis client()
    {
        return new Jedis("127.0.0.1", port, DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP2)
            .timeoutMillis(10_000).build());
    }

    public int port()
    {
        return port;
    }

    public long pid()
    {
        return process.pid();
    }

    public Path directory()
    {
        return dir;
    }

    @Override
    public void close()
    {
        process.destroy();
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            // best effort: a temp folder
        }
    }
}
