package io.flashgate.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lowers the CPU priority of the sink's PostgreSQL processes to the sink's own. With Linux's autogroups (on by default
 * on desktop and many server kernels) a process's SCHED_IDLE or nice ranks it only within its session, and every
 * PostgreSQL process starts a session of its own, so SCHED_IDLE alone does not keep them from taking CPU from
 * normal processes (docs/PERFORMANCE.md). Writing 19 to {@code /proc/PID/autogroup} ranks a session low
 * against all others. Best effort: where the file is missing or not ours to write (another user's server, a remote
 * one), nothing changes.
 */
public final class BackgroundPriority
{
    private static final int SCHED_IDLE = 5;

    private BackgroundPriority()
    {
    }

    /** @return true when this process runs under SCHED_IDLE or a positive nice value, as {@code ops/flashgate sink}. */
    static boolean selfIsBackground()
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // after the name: field 19 nice and field 41 policy, counted from 1 with pid and name as 1 and 2
            return Integer.parseInt(fields[16]) > 0 || Integer.parseInt(fields[38]) == SCHED_IDLE;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * For a sink started at background priority ({@code ops/flashgate sink}): ranks its own session lowest, so that
     * its SCHED_IDLE or nice counts against the engine's session too. Only a session the sink leads (it got one from
     * {@code setsid}, or a supervisor such as systemd made one for it): a session it shares is a shell's or a
     * supervisor's, and lowering that would lower every process in it.
     *
     * @return what was done, as {@code key=value} pairs for the log line.
     */
    public static String rankOwnSessionLowest()
    {
        if (!selfIsBackground())
        {
            return "priority=normal autogroup=unchanged";
        }
        final long pid = ProcessHandle.current().pid();
        final long session = session();
        if (session != pid)
        {
            return "priority=background autogroup=shared session=" + session + " pid=" + pid;
        }
        return "priority=background autogroup=" + (lowerSession(pid) ? "lowest" : "unchanged") + " session=" + session;
    }

    /** This process's session id, from {@code /proc/self/stat}; -1 where it cannot be read. */
    private static long session()
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
            // after the name: state, ppid, pgrp, session
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ")[3]);
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /** Ranks the session of process {@code pid} lowest (autogroup nice 19); false where that cannot be done. */
    static boolean lowerSession(final long pid)
    {
        final Path autogroup = Path.of("/proc", Long.toString(pid), "autogroup");
        try
        {
            Files.writeString(autogroup, "19", StandardCharsets.US_ASCII);
            return true;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }
}
