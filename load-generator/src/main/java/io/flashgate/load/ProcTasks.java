package io.flashgate.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time as Linux's /proc counts it, in clock ticks (USER_HZ, 100 a second): the machine's busy time, a
 * process's utime + stime (exited threads included), and each live thread's utime + stime with its name
 * ({@code task/TID/comm}, truncated by the kernel to 15 characters). The root is a parameter so that tests can
 * read a fake tree. Every method answers "nothing" (null, -1, an empty map) where /proc is missing or a process
 * is gone, never throws: a report without CPU is better than no report.
 */
final class ProcTasks
{
    static final long TICKS_PER_SECOND = 100;
    static final Path PROC = Path.of("/proc");

    /**
     * One live thread: its kernel name, its CPU time so far, and how often it has left the CPU so far (voluntary and
     * involuntary context switches: each voluntary one is a wait that something ended, a wake-up).
     */
    record Task(String comm, long ticks, long switches)
    {
        Task(final String comm, final long ticks)
        {
            this(comm, ticks, 0);
        }
    }

    private final Path root;

    ProcTasks(final Path root)
    {
        this.root = root;
    }

    /** Busy ticks of all CPUs (everything but idle and iowait), or -1. */
    long machineBusy()
    {
        try
        {
            final String[] f = Files.readAllLines(root.resolve("stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length; i++)
            {
                if (i != 4 && i != 5)
                {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy;
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /** utime + stime of a whole process (its exited threads included) in ticks, or -1. */
    long process(final String pid)
    {
        return ticks(root.resolve(pid).resolve("stat"));
    }

    /** Every live thread of a process by thread id; empty when the process is gone. */
    Map<Long, Task> tasks(final String pid)
    {
        final Map<Long, Task> tasks = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root.resolve(pid).resolve("task")))
        {
            for (final Path dir : dirs)
            {
                final long ticks = ticks(dir.resolve("stat"));
                if (ticks >= 0)
                {
                    tasks.put(Long.parseLong(dir.getFileName().toString()),
                        new Task(comm(dir), ticks, switches(dir.resolve("status"))));
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // the process ended, or no /proc: no threads to report
        }
        return tasks;
    }

    private static String comm(final Path taskDir)
    {
        try
        {
            return Files.readString(taskDir.resolve("comm")).strip();
        }
        catch (final IOException ex)
        {
            return "?";
        }
    }

    /** voluntary_ctxt_switches + nonvoluntary_ctxt_switches of a status file, or 0 when it cannot be read. */
    static long switches(final Path status)
    {
        try
        {
            long switches = 0;
            for (final String line : Files.readAllLines(status))
            {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:"))
                {
                    switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return switches;
        }
        catch (final IOException | RuntimeException ex)
        {
            return 0;
        }
    }

    /**
     * Fields 14 and 15 (utime, stime) of a stat line. The name in parentheses may hold spaces and ')', so the
     * fields are counted from the last ')'.
     */
    static long ticks(final Path stat)
    {
        try
        {
            final String line = Files.readString(stat);
            final String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
