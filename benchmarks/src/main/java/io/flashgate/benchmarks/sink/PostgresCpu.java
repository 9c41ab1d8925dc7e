package io.flashgate.benchmarks.sink;

import io.flashgate.sink.PrivatePostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used by one PostgreSQL server: its postmaster and every process it forked (backends, writers), as
 * {@link PrivatePostgres#serverProcesses()} finds them, summed from {@code /proc/PID/stat} (utime + stime, in clock
 * ticks of 10 ms on Linux). Backends that ended between two reads are lost, so the benchmarks keep their connections
 * open across a measurement.
 */
final class PostgresCpu
{
    private static final double TICK_SECONDS = 0.01;

    private final PrivatePostgres server;

    private PostgresCpu(final PrivatePostgres server)
    {
        this.server = server;
    }

    static PostgresCpu of(final PrivatePostgres server)
    {
        return new PostgresCpu(server);
    }

    /** @return CPU seconds used so far by the server's live processes. */
    double seconds()
    {
        long ticks = 0;
        for (final long pid : server.serverProcesses())
        {
            try
            {
                final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // after the command name in parentheses: state ppid ... field 14 utime, 15 stime
                final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
            catch (final IOException | RuntimeException gone)
            {
                // ended since it was found
            }
        }
        return ticks * TICK_SECONDS;
    }
}
