package io.flashgate.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * CPU used during a phase, from /proc (Linux): the whole machine, this JVM, and the peer process if any; what is
 * left was used by other processes, which a shared machine must show next to its figures. Times in cores
 * (1.0 = one core busy for the whole phase). On systems without /proc it reports nothing.
 */
final class CpuWatch
{
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private static volatile long peerPid = -1;
    private static volatile String peerName = "peer";

    private final long startNanos = System.nanoTime();
    private final long[] machineStart = machine();
    private final long selfStart = process("self");
    private final long peerStart = peerPid > 0 ? process(Long.toString(peerPid)) : -1;

    /** The process (redis-server, the HTTP server JVM) whose CPU is reported apart; -1 for none. */
    static void peer(final long pid, final String name)
    {
        peerPid = pid;
        peerName = name;
    }

    /**
     * CPU use over a phase, in cores.
     *
     * @param peerName null when there was no peer process.
     */
    record Use(double seconds, double busy, double self, double peer, String peerName)
    {
        static final Use NONE = new Use(0, 0, 0, 0, null);

        /** The time-weighted mean of several phases. */
        static Use mean(final java.util.List<Use> uses)
        {
            double seconds = 0;
            double busy = 0;
            double self = 0;
            double peer = 0;
            String name = null;
            for (final Use u : uses)
            {
                seconds += u.seconds;
                busy += u.busy * u.seconds;
                self += u.self * u.seconds;
                peer += u.peer * u.seconds;
                name = name != null ? name : u.peerName;
            }
            return seconds == 0 ? NONE : new Use(seconds, busy / seconds, self / seconds, peer / seconds, name);
        }

        /** "cpu: machine 1.93 cores busy = this JVM 1.41 + redis-server 0.38 + other processes 0.14 (of 2)". */
        @Override
        public String toString()
        {
            if (seconds == 0)
            {
                return "";
            }
            return String.format(Locale.ROOT, "cpu: machine %.2f cores busy = this JVM %.2f%s + other processes %.2f (of %d)",
                busy, self, peerName != null ? String.format(Locale.ROOT, " + %s %.2f", peerName, peer) : "",
                Math.max(0, busy - self - peer), Runtime.getRuntime().availableProcessors());
        }
    }

    Use report()
    {
        final long[] machineEnd = machine();
        if (machineStart == null || machineEnd == null)
        {
            return Use.NONE;
        }
        final double seconds = (System.nanoTime() - startNanos) / 1e9;
        final double busy = (machineEnd[0] - machineStart[0]) / (double)TICKS_PER_SECOND / seconds;
        final double self = (process("self") - selfStart) / (double)TICKS_PER_SECOND / seconds;
        final long peerEnd = peerStart >= 0 ? process(Long.toString(peerPid)) : -1;
        final double peer = peerEnd >= 0 ? (peerEnd - peerStart) / (double)TICKS_PER_SECOND / seconds : 0;
        return new Use(seconds, busy, self, peer, peerEnd >= 0 ? peerName : null);
    }

    /** {busy ticks, total ticks} of all CPUs, or null. */
    private static long[] machine()
    {
        try
        {
            final String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++)
            {
                total += Long.parseLong(f[i]);
            }
            final long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new long[] {total - idle, total};
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /** utime + stime of a process in ticks, or -1. */
    private static long process(final String pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", pid, "stat"));
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
