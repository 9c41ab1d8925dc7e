package io.flashgate.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What each thread of a process (this JVM or a child) did, from Linux's {@code /proc/<pid>/task/*}: CPU time
 * (user + system) and voluntary context switches, i.e. how many times it went to sleep, which counts every park,
 * nap and timed wait however cheap. Take a {@link #sample} before and after a quiet period and compare with
 * {@link #since}. Names are the kernel's: a Java thread's name cut to 15 characters.
 */
public final class ThreadActivity
{
    /** Linux's clock ticks per second for /proc's CPU times (USER_HZ, 100 on every mainstream kernel). */
    private static final long TICKS_PER_SECOND = 100;

    /** One thread's figures, or (after {@link #since}) what it did in between. */
    public record Figures(long tid, String name, long cpuMillis, long wakeUps)
    {
        @Override
        public String toString()
        {
            return name + "[" + tid + "] " + cpuMillis + " ms CPU, " + wakeUps + " wake-ups";
        }
    }

    private final Map<Long, Figures> threads;

    private ThreadActivity(final Map<Long, Figures> threads)
    {
        this.threads = threads;
    }

    /** The threads of this JVM now. */
    public static ThreadActivity sample()
    {
        return sample(ProcessHandle.current().pid());
    }

    /** The threads of process {@code pid} now. */
    public static ThreadActivity sample(final long pid)
    {
        final Map<Long, Figures> threads = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                final Figures thread = read(task);
                if (thread != null)
                {
                    threads.put(thread.tid(), thread);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read the threads of process " + pid + ": " + ex, ex);
        }
        return new ThreadActivity(threads);
    }

    private static Figures read(final Path task) throws IOException
    {
        try
        {
            final String stat = Files.readString(task.resolve("stat"));
            // After the ")" that closes the name: state, ppid, ... utime is the 12th field, stime the 13th.
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            final long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            long voluntary = 0;
            for (final String line : Files.readAllLines(task.resolve("status")))
            {
                if (line.startsWith("voluntary_ctxt_switches:"))
                {
                    voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            final String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            return new Figures(Long.parseLong(task.getFileName().toString()), name,
                ticks * 1000 / TICKS_PER_SECOND, voluntary);
        }
        catch (final NoSuchFileException ended)
        {
            return null; // the thread ended while we listed them
        }
    }

    /** What each thread alive now did since {@code before} (a thread started in between counts from zero). */
    public List<Figures> since(final ThreadActivity before)
    {
        final List<Figures> deltas = new ArrayList<>();
        for (final Figures now : threads.values())
        {
            final Figures then = before.threads.get(now.tid());
            deltas.add(then == null ? now :
                new Figures(now.tid(), now.name(), now.cpuMillis() - then.cpuMillis(), now.wakeUps() - then.wakeUps()));
        }
        return deltas;
    }

    /** The threads alive now whose (kernel) name passes {@code filter}. */
    public List<Figures> threads(final Predicate<String> filter)
    {
        return threads.values().stream().filter(t -> filter.test(t.name())).toList();
    }

    /**
     * The kernel's state of this JVM's thread named {@code name} (cut to 15 characters as the kernel does): 'S' asleep
     * (parked, waiting), 'R' running or runnable, which it is from the moment another thread wakes it (an unpark)
     * even before it runs; '?' if there is no such thread.
     */
    public static char state(final String name)
    {
        final String kernelName = name.length() > 15 ? name.substring(0, 15) : name;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                try
                {
                    final String stat = Files.readString(task.resolve("stat"));
                    if (stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).equals(kernelName))
                    {
                        return stat.charAt(stat.lastIndexOf(')') + 2);
                    }
                }
                catch (final NoSuchFileException ended)
                {
                    // the thread ended while we listed them
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read this JVM's threads: " + ex, ex);
        }
        return '?';
    }

    /** The whole process's CPU time of the threads alive now. */
    public long cpuMillis()
    {
        return threads.values().stream().mapToLong(Figures::cpuMillis).sum();
    }
}
