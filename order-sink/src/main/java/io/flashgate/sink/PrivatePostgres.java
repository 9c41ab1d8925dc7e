package io.flashgate.sink;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
 *
 * <p>One owner per folder. {@code pg_ctl} starts the server in a session of its own, so it outlives an owner killed
 * with SIGKILL, and no shutdown hook of a killed JVM stops it. So:
 * <ul>
 * <li>the owner holds a lock on {@value #OWNER_LOCK} in the folder while it runs (the OS drops it with the process),
 *     and a second owner is refused;</li>
 * <li>an owner that finds the server of a dead owner still running takes it on when it listens on the port asked for
 *     and lets it in ({@code event=postgres.adopted}); otherwise it stops it ({@code pg_ctl stop -m fast}) and starts
 *     its own;</li>
 * <li>each owner starts a watchdog ({@code flashgate-pg-watchdog}, a shell loop in a session of its own) that, once
 *     the owner is gone, waits {@link #ORPHAN_GRACE} for a restarted owner to take the server on and then stops it
 *     (fast shutdown), so a server whose sink is never restarted does not run forever. An owner taking the server on
 *     ends the dead owner's watchdog first, then looks at the server, so the two never race;</li>
 * <li>{@link #useOrStart} is for a short job beside the owner ({@code sink verify}): it uses a running server as it is
 *     and leaves it running, or starts and stops one when none runs.</li>
 * </ul>
 *
 * <p>One file although over 450 lines: owning the folder, taking a server on and stopping it are one state machine
 * over the lock, postmaster.pid and the watchdog, and must be read together; the watchdog
 * ({@link PostgresWatchdog}) and the commands with their deadlines ({@link PostgresCommands}) are classes of their own.
 */
public final class PrivatePostgres implements AutoCloseable
{
    static final String KEPT_PASSWORD = "flashgate-sink.password";
    /** Locked by the owner while it runs; holds its pid, for the message a second owner gets. */
    static final String OWNER_LOCK = "flashgate-sink.lock";
    /** How long a server outlives its dead owner: a supervisor's restart (seconds) takes it on well within it. */
    static final Duration ORPHAN_GRACE = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger("flashgate.ops");
    private final Path folder;
    private final int port;
    private final String user;
    private final String password;
    private final Path bin;
    private final boolean idlePriority;
    /** Whether {@link #close} stops the server: an owner's does, {@link #useOrStart} on a running one does not. */
    private boolean owner;
    private FileChannel ownerFile;
    private Process watchdog;

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
            password.isEmpty() ? keptPassword(folder) : password, PostgresCommands.binaries(), idlePriority);
        postgres.initIfNeeded();
        postgres.own();
        return postgres;
    }

    /**
     * For a job beside a running sink ({@code sink verify}): the server already running in the folder, as it is (on
     * the port it listens on) and left running by {@link #close}; or, when none runs, one started as {@link #start}
     * does and stopped by {@link #close}.
     */
    public static PrivatePostgres useOrStart(final Path folder, final int port, final String user,
        final String password) throws SinkException
    {
        final Path bin = PostgresCommands.binaries();
        final Path absolute = folder.toAbsolutePath();
        if (Files.exists(absolute.resolve("PG_VERSION")))
        {
            final int listening = listeningPort(absolute).orElse(-1);
            final PrivatePostgres running = new PrivatePostgres(absolute, listening, user,
                password.isEmpty() ? keptPassword(absolute) : password, bin, BackgroundPriority.selfIsBackground());
            if (listening > 0 && running.running())
            {
                LOG.log(System.Logger.Level.INFO, "postgres.shared folder=" + absolute + " port=" + listening
                    + " owner=" + running.ownerPid().map(String::valueOf).orElse("none"));
                return running;
            }
        }
        return start(folder, port, user, password);
    }

    /**
     * Becomes the folder's owner: the lock, then the dead owner's watchdog ended, then the server taken on or
     * started. Anything that fails gives the lock back, so a retry (another port) can own the folder.
     */
    private void own() throws SinkException
    {
        takeOwnerLock();
        owner = true;
        try
        {
            PostgresWatchdog.endPrevious(folder);
            if (running())
            {
                takeOnRunningServer();
            }
            else
            {
                startServer();
            }
            startWatchdog();
        }
        catch (final SinkException | RuntimeException ex)
        {
            releaseOwnership();
            throw ex;
        }
    }

    private void takeOwnerLock() throws SinkException
    {
        final Path lockFile = folder.resolve(OWNER_LOCK);
        try
        {
            final FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException inThisJvm)
            {
                lock = null;
            }
            if (lock == null)
            {
                channel.close();
                throw new SinkException(SinkException.ENVIRONMENT, "the private PostgreSQL in " + folder
                    + " belongs to a running sink (pid " + ownerPid().map(String::valueOf).orElse("unknown")
                    + "): one sink per folder; stop that one, or give this one another sink.embeddedFolder");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            ownerFile = channel;
        }
        catch (final IOException ex)
        {
            throw new SinkException(SinkException.ENVIRONMENT, "cannot lock " + lockFile + ": " + ex.getMessage());
        }
    }

    /** The pid in the owner's lock file, if one was written. */
    private Optional<Long> ownerPid()
    {
        try
        {
            return Optional.of(Long.parseLong(Files.readString(folder.resolve(OWNER_LOCK)).strip()));
        }
        catch (final IOException | RuntimeException ex)
        {
            return Optional.empty();
        }
    }

    /**
     * A server that runs while nobody holds the lock was started by an owner that died (SIGKILL, a crash): its
     * backends ended with the owner's connections, and whatever it had not committed was rolled back. Taken on as
     * it is when it listens on our port and lets us in; otherwise (another port, a server shutting down or still
     * recovering) stopped and started again.
     */
    private void takeOnRunningServer() throws SinkException
    {
        final Optional<Integer> listening = listeningPort(folder);
        final String postmaster = postmasterPid().map(String::valueOf).orElse("unknown");
        if (listening.isPresent() && listening.get() == port && letsUsIn())
        {
            LOG.log(System.Logger.Level.INFO, "postgres.adopted folder=" + folder + " port=" + port + " postmaster="
                + postmaster);
            if (idlePriority)
            {
                lowerServerSessions();
            }
            return;
        }
        LOG.log(System.Logger.Level.INFO, "postgres.restarted folder=" + folder + " port=" + port + " listening="
            + listening.map(String::valueOf).orElse("unknown") + " postmaster=" + postmaster);
        try
        {
            stop();
        }
        catch (final SinkException ex)
        {
            if (running())
            {
                throw ex;
            }
            // it finished stopping by itself meanwhile (its own watchdog's fast shutdown)
        }
        startServer();
    }

    private boolean letsUsIn()
    {
        try (Connection ignored = database().connect())
        {
            return true;
        }
        catch (final SinkException | java.sql.SQLException ex)
        {
            return false;
        }
    }

    /** The port in postmaster.pid (its fourth line), while the file is there. */
    private static Optional<Integer> listeningPort(final Path folder)
    {
        try
        {
            final List<String> lines = Files.readAllLines(folder.resolve("postmaster.pid"));
            return lines.size() < 4 ? Optional.empty() : Optional.of(Integer.parseInt(lines.get(3).strip()));
        }
        catch (final IOException | RuntimeException ex)
        {
            return Optional.empty();
        }
    }

    private Optional<Long> postmasterPid()
    {
        try
        {
            return Optional.of(Long.parseLong(Files.readAllLines(folder.resolve("postmaster.pid")).get(0).strip()));
        }
        catch (final IOException | RuntimeException ex)
        {
            return Optional.empty();
        }
    }

    /** This owner's watchdog ({@link PostgresWatchdog}), its pid kept in the folder for the next owner. */
    private void startWatchdog() throws SinkException
    {
        watchdog = PostgresWatchdog.start(folder, ProcessHandle.current().pid(), ORPHAN_GRACE);
    }

    /** A watchdog of this folder's server for the owner {@code ownerPid} (tests name another owner, a shorter grace). */
    Process startWatchdog(final long ownerPid, final Duration grace) throws SinkException
    {
        return PostgresWatchdog.start(folder, ownerPid, grace);
    }

    /** The watchdog ended and the lock given back; the server is left as it is. */
    private void releaseOwnership()
    {
        if (watchdog != null)
        {
            watchdog.destroyForcibly();
            try
            {
                watchdog.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            watchdog = null;
        }
        if (ownerFile != null)
        {
            try
            {
                ownerFile.close(); // drops the lock
            }
            catch (final IOException ignored)
            {
                // the lock goes with the process anyway
            }
            ownerFile = null;
        }
        owner = false;
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

    /** An owner stops the server, then its watchdog, then gives the folder up; a user of a running one does nothing. */
    @Override
    public void close()
    {
        if (!owner)
        {
            return;
        }
        try
        {
            if (running())
            {
                stop();
            }
        }
        catch (final SinkException ignored)
        {
            // best effort at shutdown; the watchdog, ended below, would not do better, and the next owner takes on or
            // restarts what is left
        }
        finally
        {
            releaseOwnership();
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
                PostgresCommands.handToPostgres(passwordFile);
                PostgresCommands.handToPostgres(folder);
                run("initdb", List.of(bin.resolve("initdb").toString(), "-D", folder.toString(), "-U", user,
                    "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                    "--no-instructions"));
                // Kept for the next start, readable by whoever may read the folder's files (its owner: postgres).
                Files.writeString(folder.resolve(KEPT_PASSWORD), password + "\n", StandardCharsets.US_ASCII);
                PostgresCommands.handToPostgres(folder.resolve(KEPT_PASSWORD));
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

    private void run(final String what, final List<String> command) throws SinkException
    {
        run(what, command, "");
    }

    private void run(final String what, final List<String> command, final String hint) throws SinkException
    {
        final List<String> full = new ArrayList<>();
        if (PostgresCommands.isRoot())
        {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        PostgresCommands.command(what, full, hint);
    }
}
