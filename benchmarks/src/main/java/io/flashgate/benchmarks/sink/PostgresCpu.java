package io.flashgate.benchmarks.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used by one PostgreSQL server: its postmaster and every process it forked (backends, writers), summed
 * from {@code /proc/PID/stat} (utime + stime, in clock ticks of 10 ms on Linux). Backends that ended between two
 * reads are lost, so the benchmarks keep their connections open across a measurement.
 */
final class PostgresCpu
{
    private static final double TICK_SECONDS = 0.01;

    private final long postmaster;

    private PostgresCpu(final long postmaster)
    {
        this.postmaster = postmaster;
    }

    /** The server whose folder is {@code dataFolder} ({@code postmaster.pid}'s first line). */
    static PostgresCpu of(final Path dataFolder) throws IOException
    {
        return new PostgresCpu(Long.parseLong(Files.readAllLines(dataFolder.resolve("postmaster.pid")).get(0).trim()));
    }

    /** @return CPU seconds used so far by the server's live processes. */
    double seconds() throws IOException
    {
        long ticks = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc")))
        {
            for (final Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList())
            {
                final String stat;
                try
                {
                    stat = Files.readString(process.resolve("stat"));
                }
                catch (final IOException gone)
                {
                    continue;
                }
                // after the command name in parentheses: state ppid ... field 14 utime, 15 stime
                final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                final long pid = Long.parseLong(process.getFileName().toString());
                final long parent = Long.parseLong(fields[1]);
                if (pid == postmaster || parent == postmaster)
                {
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
            }
        }
        return ticks * TICK_SECONDS;
    }
}
