package io.flashgate.sink;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The watchdog of a private PostgreSQL ({@link PrivatePostgres}): a shell loop in a session of its own that, once the
 * server's owner is gone, waits a grace for a restarted owner to take the server on, then stops it (fast shutdown),
 * so a server whose sink is never restarted does not run forever. A new owner ends the previous owner's watchdog
 * before it looks at the server, so the two never race.
 */
final class PostgresWatchdog
{
    /**
     * The watchdog: waits for the owner (pid and start time, so a reused pid is not taken for it) to go, then for
     * the grace, then sends the postmaster of the folder (if it is still that folder's) SIGINT, PostgreSQL's fast
     * shutdown, and notes it in postgres.log. Arguments: owner pid, owner start time, folder, grace in seconds.
     */
    private static final String SCRIPT = String.join("\n",
        "started() { local stat; read -r stat 2>/dev/null < \"/proc/$1/stat\" || return 1; "
            + "local fields; read -r -a fields <<< \"${stat##*) }\"; [ \"${fields[19]}\" = \"$2\" ]; }",
        "while started \"$1\" \"$2\"; do sleep 1; done",
        "sleep \"$4\"",
        "read -r postmaster < \"$3/postmaster.pid\" 2>/dev/null || exit 0",
        "grep -qzxF -- \"$3\" \"/proc/$postmaster/cmdline\" 2>/dev/null || exit 0",
        "echo \"$0: event=postgres.orphan_stopped folder=$3 postmaster=$postmaster owner=$1 grace_seconds=$4\" "
            + ">> \"$3/postgres.log\"",
        "kill -INT \"$postmaster\"");

    /** The pid of the running owner's watchdog. */
    static final String PID_FILE = "flashgate-sink.watchdog";
    /** The watchdog's name on its command line ({@code $0}), so an owner ends only a watchdog. */
    static final String NAME = "flashgate-pg-watchdog";

    /**
     * Ends the watchdog of the owner before us, if it still waits out its grace: from here on nothing but this owner
     * stops the server. Only a process named as a watchdog of this folder is ended (the pid may have been reused).
     */
    static void endPrevious(final Path folder)
    {
        try
        {
            final long pid = Long.parseLong(Files.readString(folder.resolve(PID_FILE)).strip());
            final Optional<ProcessHandle> process = ProcessHandle.of(pid);
            final String commandLine = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"),
                StandardCharsets.UTF_8);
            if (process.isPresent() && commandLine.contains(NAME) && commandLine.contains(folder.toString()))
            {
                process.get().destroyForcibly();
                process.get().onExit().get(10, TimeUnit.SECONDS);
            }
        }
        catch (final IOException | RuntimeException | java.util.concurrent.ExecutionException
            | java.util.concurrent.TimeoutException ex)
        {
            // no watchdog file, or its process is gone
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts the watchdog of {@code folder}'s server for the owner {@code ownerPid}, in a session of its own so that
     * what ends the owner (its process group, a terminal) spares it, and keeps its pid in the folder.
     */
    static Process start(final Path folder, final long ownerPid, final Duration grace) throws SinkException
    {
        final List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid")))
        {
            command.add("setsid");
        }
        command.addAll(List.of("bash", "-c", SCRIPT, NAME, Long.toString(ownerPid), startTime(ownerPid),
            folder.toString(), Long.toString(grace.toSeconds())));
        try
        {
            final Process watchdog = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            Files.writeString(folder.resolve(PID_FILE), watchdog.pid() + "\n", StandardCharsets.US_ASCII);
            return watchdog;
        }
        catch (final IOException ex)
        {
            throw new SinkException(SinkException.ENVIRONMENT, "cannot start the PostgreSQL watchdog in " + folder
                + ": " + ex.getMessage());
        }
    }

    /** A process's start time in clock ticks since boot ({@code /proc/PID/stat} field 22): with the pid, its identity. */
    private static String startTime(final long pid) throws SinkException
    {
        final Path file = Path.of("/proc", Long.toString(pid), "stat");
        try
        {
            final String stat = Files.readString(file, StandardCharsets.US_ASCII);
            return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ")[19];
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new SinkException(SinkException.ENVIRONMENT, "cannot read " + file + ": " + ex.getMessage());
        }
    }

    private PostgresWatchdog()
    {
    }
}
