package io.flashgate.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL in a folder, from Debian's {@code postgresql} package (its binaries under
 * {@code /usr/lib/postgresql/<version>/bin}; {@code ops/install-prerequisites.sh} installs it): for
 * {@code ops/flashgate sink --embedded-postgres} and for the tests, the one place that starts and stops one.
 *
 * <p>PostgreSQL refuses to run as root, so as root every command runs through {@code runuser -u postgres --} on a
 * folder that user owns (the folder and its parents must let that user in). The first start runs {@code initdb} with
 * one superuser, password authentication over TCP, and listens on 127.0.0.1 only, with its socket in the folder.
 * {@link #startAtIdlePriority} runs the server under SCHED_IDLE, for a server that shares the engine's cores.
 * Every command has a deadline, so nothing here hangs.
 */
public final class PrivatePostgres implements AutoCloseable
{
    private static final long COMMAND_SECONDS = 60;
    static final String KEPT_PASSWORD = "flashgate-sink.password";

    private final Path folder;
    private final int port;
    private final String user;
    private final String password;
    private final Path bin;
    private final boolean idlePriority;

    private PrivatePostgres(final Path folder, final int port, final String user, final String password,
        final Path bin, final boolean idlePriority)
    {
        this.idlePriority = idlePriority;
        this.folder = folder.toAbsolutePath();
        this.port = port;
        this.user = user;
        this.password = password;
        this.bin = bin;
    }

    /**
     * Creates the cluster on first use and starts it.
     *
     * @param folder   the cluster's folder (created if missing).
     * @param port     TCP port on 127.0.0.1.
     * @param user     the superuser made by the first start.
     * @param password its password (TCP logins use scram-sha-256); empty: one is made on first use and kept in
     *                 {@value #KEPT_PASSWORD} in the folder.
     * @throws SinkException one line: no PostgreSQL installed, a folder postgres cannot use, a start that failed.
     */
    public static PrivatePostgres start(final Path folder, final int port, final String user, final String password)
        throws SinkException
    {
        // started by a sink at background priority (ops/flashgate sink): the server's work is the sink's, so it
        // runs at the same priority
        return start(folder, port, user, password, BackgroundPriority.selfIsBackground());
    }

    /** As {@link #start}, the server at idle CPU priority (SCHED_IDLE): it runs only when the cores are free. */
    public static PrivatePostgres startAtIdlePriority(final Path folder, final int port, final String user,
        final String password) throws SinkException
    {
        return start(folder, port, user, password, true);
    }

    private static PrivatePostgres start(final Path folder, final int port, final String user, final String password,
        final boolean idlePriority) throws SinkException
    {
        final PrivatePostgres postgres = new PrivatePostgres(folder, port, user,
            password.isEmpty() ? keptPassword(folder) : password, binaries(), idlePriority);
        postgres.initIfNeeded();
        postgres.startServer();
        return postgres;
    }

    /** @return a JDBC URL of database {@code postgres} on this server. */
    public String jdbcUrl()
    {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public SinkDatabase database()
    {
        return new SinkDatabase(jdbcUrl(), user, password);
    }

    public int port()
    {
        return port;
    }

    /** Stops the server (fast shutdown: open transactions roll back); the folder stays for the next start. */
    public void stop() throws SinkException
    {
        run("pg_ctl stop", List.of(bin.resolve("pg_ctl").toString(), "-D", folder.toString(), "-m", "fast", "-w",
            "-t", "30", "stop"));
    }

    /** Starts it again after {@link #stop()}. */
    public void startServer() throws SinkException
    {
        final List<String> command = new ArrayList<>();
        if (idlePriority)
        {
            // beside an engine: the server takes only the CPU the engine leaves (SCHED_IDLE, inherited by backends)
            command.addAll(List.of("chrt", "--idle", "0"));
        }
        command.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", folder.toString(), "-w", "-t", "30",
            "-l", folder.resolve("postgres.log").toString(), "-o",
            "-p " + port + " -c listen_addresses=127.0.0.1 -k " + folder, "start"));
        run("pg_ctl start", command, "see " + folder.resolve("postgres.log"));
        if (idlePriority)
        {
            lowerServerSessions();
        }
    }

    /**
     * SCHED_IDLE ranks a process only within its session, and the server and each of its processes start their own:
     * rank those sessions low too ({@link BackgroundPriority}). Backends started later for the sink are lowered by
     * the sink; an autovacuum worker is not.
     */
    private void lowerServerSessions()
    {
        serverProcesses().forEach(BackgroundPriority::lowerSession);
    }

    /**
     * @return the server's processes now: the postmaster and every process it forked (backends, writers), from
     * {@code /proc}; empty where there is none or the server is not running.
     */
    public List<Long> serverProcesses()
    {
        final List<Long> found = new ArrayList<>();
        try (java.util.stream.Stream<Path> processes = Files.list(Path.of("/proc")))
        {
            final long postmaster = Long.parseLong(Files.readAllLines(folder.resolve("postmaster.pid")).get(0).trim());
            processes.map(p -> p.getFileName().toString()).filter(name -> name.matches("\\d+")).forEach(name ->
            {
                try
                {
                    final String stat = Files.readString(Path.of("/proc", name, "stat"));
                    final long parent = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
                    final long pid = Long.parseLong(name);
                    if (pid == postmaster || parent == postmaster)
                    {
                        found.add(pid);
                    }
                }
                catch (final IOException | RuntimeException gone)
                {
                    // the process ended meanwhile
                }
            });
        }
        catch (final IOException | RuntimeException ex)
        {
            // no /proc, or no pid file: none found
        }
        return found;
    }

    /** @return true while the server answers ({@code pg_ctl status}). */
    public boolean running()
    {
        try
        {
            run("pg_ctl status", List.of(bin.resolve("pg_ctl").toString(), "-D", folder.toString(), "status"));
            return true;
        }
        catch (final SinkException ex)
        {
            return false;
        }
    }

    @Override
    public void close()
    {
        try
        {
            if (running())
            {
                stop();
            }
        }
        catch (final SinkException ignored)
        {
            // best effort at shutdown; the next start recovers the folder
        }
    }

    private void initIfNeeded() throws SinkException
    {
        try
        {
            Files.createDirectories(folder);
            if (Files.exists(folder.resolve("PG_VERSION")))
            {
                return;
            }
            final Path passwordFile = Files.createTempFile("flashgate-pg", ".pw");
            try
            {
                Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
                handToPostgres(passwordFile);
                handToPostgres(folder);
                run("initdb", List.of(bin.resolve("initdb").toString(), "-D", folder.toString(), "-U", user,
                    "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                    "--no-instructions"));
                // Kept for the next start, readable by whoever may read the folder's files (its owner: postgres).
                Files.writeString(folder.resolve(KEPT_PASSWORD), password + "\n", StandardCharsets.US_ASCII);
                handToPostgres(folder.resolve(KEPT_PASSWORD));
            }
            finally
            {
                Files.deleteIfExists(passwordFile);
            }
        }
        catch (final IOException ex)
        {
            throw new SinkException(SinkException.ENVIRONMENT, "cannot prepare the PostgreSQL folder " + folder + ": "
                + ex.getMessage());
        }
    }

    /** The password kept beside a cluster made without one, made now if there is none yet. */
    private static String keptPassword(final Path folder) throws SinkException
    {
        final Path kept = folder.resolve(KEPT_PASSWORD);
        try
        {
            if (Files.exists(kept))
            {
                return Files.readString(kept, StandardCharsets.US_ASCII).strip();
            }
            if (Files.exists(folder.resolve("PG_VERSION")))
            {
                throw new SinkException(SinkException.ENVIRONMENT, folder + " holds a PostgreSQL made with a "
                    + "password: give it as sink.password");
            }
            final byte[] random = new byte[18];
            new java.security.SecureRandom().nextBytes(random);
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        }
        catch (final IOException ex)
        {
            throw new SinkException(SinkException.ENVIRONMENT, "cannot read " + kept + ": " + ex.getMessage());
        }
    }

    /** As root, the folder must belong to postgres, which also needs to pass through its parents. */
    private static void handToPostgres(final Path path) throws SinkException
    {
        if (!isRoot())
        {
            return;
        }
        command("chown", List.of("chown", "-R", "postgres:postgres", path.toString()), "");
    }

    private void run(final String what, final List<String> command) throws SinkException
    {
        run(what, command, "");
    }

    private void run(final String what, final List<String> command, final String hint) throws SinkException
    {
        final List<String> full = new ArrayList<>();
        if (isRoot())
        {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        command(what, full, hint);
    }

    private static void command(final String what, final List<String> command, final String hint) throws SinkException
    {
        Path output = null;
        try
        {
            // Output to a file, not a pipe: a server started by pg_ctl could otherwise hold the pipe open.
            output = Files.createTempFile("flashgate-pg", ".out");
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
            if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new SinkException(SinkException.ENVIRONMENT, what + " did not finish within " + COMMAND_SECONDS
                    + " s");
            }
            if (process.exitValue() != 0)
            {
                final String text = Files.readString(output, StandardCharsets.UTF_8).strip();
                final String last = text.isEmpty() ? "" : text.lines().reduce((a, b) -> b).orElse("");
                throw new SinkException(SinkException.ENVIRONMENT, what + " failed (exit " + process.exitValue()
                    + "): " + last + (hint.isEmpty() ? "" : "; " + hint));
            }
        }
        catch (final IOException ex)
        {
            throw new SinkException(SinkException.ENVIRONMENT, what + " could not run: " + ex.getMessage());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new SinkException(SinkException.ENVIRONMENT, what + " was interrupted");
        }
        finally
        {
            if (output != null)
            {
                try
                {
                    Files.deleteIfExists(output);
                }
                catch (final IOException ignored)
                {
                    // a temp file
                }
            }
        }
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin} with initdb and pg_ctl. */
    static Path binaries() throws SinkException
    {
        final Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root))
        {
            try (Stream<Path> versions = Files.list(root))
            {
                final Path found = versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(PrivatePostgres::majorVersion)).orElse(null);
                if (found != null)
                {
                    return found;
                }
            }
            catch (final IOException ex)
            {
                // reported below
            }
        }
        throw new SinkException(SinkException.ENVIRONMENT, "no PostgreSQL under /usr/lib/postgresql/*/bin: run "
            + "ops/install-prerequisites.sh (Debian's postgresql package)");
    }

    private static int majorVersion(final Path bin)
    {
        try
        {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    private static boolean isRoot()
    {
        return "root".equals(System.getProperty("user.name"));
    }
}
