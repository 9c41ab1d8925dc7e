package io.flashgate.load;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * CPU used during a phase, from /proc (Linux): the whole machine, this JVM and the peer process if any (what is
 * left was used by other processes, which a shared machine must show next to its figures), and each of those
 * two processes split by thread into readable {@link ThreadGroups}. Which part is the system under test is the
 * caller's to say: the peer process (redis-server, the HTTP server JVM), or this JVM without the generator's
 * threads (the engine-direct run, whose engine, driver and gateway share the generator's JVM). On systems
 * without /proc it reports nothing.
 */
final class CpuWatch
{
    private static volatile long peerPid = -1;
    private static volatile String peerName = "peer";
    /** The kernel thread ids of each system under test that runs in this JVM, as it registered them. */
    private static final List<Set<Long>> SYSTEMS_IN_THIS_JVM = new CopyOnWriteArrayList<>();
    /** Java thread names by process and kernel thread id, kept across phases: a thread dump of another JVM costs. */
    private static final Map<Long, Map<Long, String>> JAVA_NAMES = new ConcurrentHashMap<>();

    private final ProcTasks proc;
    /** The threads of the other systems in this JVM while this one is measured. */
    private final Set<Long> otherSystems;
    private final String selfPid = Long.toString(ProcessHandle.current().pid());
    private final long watchedPeer;
    private final String watchedPeerName;
    private final Sample start;

    /** The CPU counters of the machine and of one or two processes at one instant. */
    private record Sample(long nanos, long machine, long self, Map<Long, ProcTasks.Task> selfTasks, long peer,
        Map<Long, ProcTasks.Task> peerTasks)
    {
    }

    CpuWatch()
    {
        this(ProcTasks.PROC);
    }

    CpuWatch(final Path procRoot)
    {
        this(procRoot, peerPid, peerName);
    }

    /**
     * Watches {@code target}: its own process as the peer if it names one (else the one {@link #peer} names), and in
     * this JVM every thread but those of the other systems registered here ({@link #inThisJvm}).
     */
    CpuWatch(final Target target)
    {
        this(ProcTasks.PROC, target.ownProcess() == null ? peerPid : target.ownProcess().pid(),
            target.ownProcess() == null ? peerName : target.ownProcess().name(), othersThan(target.ownThreads()));
    }

    private CpuWatch(final Path procRoot, final long peer, final String name)
    {
        this(procRoot, peer, name, Set.of());
    }

    /** A watch of this JVM under {@code procRoot}, {@code otherSystems} being the threads of other systems in it. */
    CpuWatch(final Path procRoot, final Set<Long> otherSystems)
    {
        this(procRoot, -1, null, otherSystems);
    }

    private CpuWatch(final Path procRoot, final long peer, final String name, final Set<Long> otherSystems)
    {
        this.otherSystems = otherSystems;
        this.proc = new ProcTasks(procRoot);
        this.watchedPeer = peer;
        this.watchedPeerName = name;
        this.start = sample();
    }

    /**
     * Registers the threads a system under test started in this JVM, so that while another system is measured they
     * are counted apart ({@link ThreadGroups#OTHER_SYSTEMS}); {@link #gone} when it stops.
     */
    static void inThisJvm(final Set<Long> threads)
    {
        SYSTEMS_IN_THIS_JVM.add(threads);
    }

    static void gone(final Set<Long> threads)
    {
        SYSTEMS_IN_THIS_JVM.removeIf(registered -> registered == threads);
    }

    /** The kernel ids of this JVM's threads now. */
    static Set<Long> threadsNow()
    {
        return new HashSet<>(new ProcTasks(ProcTasks.PROC).tasks(Long.toString(ProcessHandle.current().pid()))
            .keySet());
    }

    /**
     * The threads started since {@code before} (a {@link #threadsNow}), but the JVM's own: a compiler or collector
     * thread the JVM added meanwhile serves every system.
     */
    static Set<Long> startedSince(final Set<Long> before)
    {
        final Set<Long> started = new HashSet<>();
        new ProcTasks(ProcTasks.PROC).tasks(Long.toString(ProcessHandle.current().pid())).forEach((tid, task) ->
        {
            final String group = ThreadGroups.of(task.comm());
            if (!before.contains(tid) && !group.equals(ThreadGroups.JIT) && !group.equals(ThreadGroups.GC))
            {
                started.add(tid);
            }
        });
        return started;
    }

    private static Set<Long> othersThan(final Set<Long> own)
    {
        final Set<Long> others = new HashSet<>();
        for (final Set<Long> system : SYSTEMS_IN_THIS_JVM)
        {
            if (system != own)
            {
                others.addAll(system);
            }
        }
        return others;
    }

    /** The process of the system under {@code target} when it is not this JVM: its own, or the peer; -1 for none. */
    static long systemPid(final Target target)
    {
        if (target.runsInThisJvm())
        {
            return -1;
        }
        final Target.ServerProcess own = target.ownProcess();
        return own != null ? own.pid() : peerPid;
    }

    /** The process (redis-server, the HTTP server JVM) whose CPU is reported apart; -1 for none. */
    static void peer(final long pid, final String name)
    {
        peerPid = pid;
        peerName = name;
    }

    private Sample sample()
    {
        final String peer = Long.toString(watchedPeer);
        // Threads first, then the process: a thread that exits in between is then counted (as exited) not lost.
        final Map<Long, ProcTasks.Task> selfTasks = proc.tasks(selfPid);
        final Map<Long, ProcTasks.Task> peerTasks = watchedPeer > 0 ? proc.tasks(peer) : Map.of();
        return new Sample(System.nanoTime(), proc.machineBusy(), proc.process(selfPid), selfTasks,
            watchedPeer > 0 ? proc.process(peer) : -1, peerTasks);
    }

    /**
     * CPU use since this watch was made.
     *
     * @param systemInThisJvm true when the system under test runs in this JVM (its threads are all but the
     *                        generator's); false when it is the peer process.
     */
    CpuUse report(final boolean systemInThisJvm)
    {
        final Sample end = sample();
        if (start.machine < 0 || end.machine < 0 || start.self < 0 || end.self < 0)
        {
            return CpuUse.NONE;
        }
        final double seconds = (end.nanos - start.nanos) / 1e9;
        final boolean peerSeen = start.peer >= 0 && end.peer >= 0;
        final Map<String, Long> selfGroups = groups(start.selfTasks, end.selfTasks, end.self - start.self, false);
        final Map<String, Long> peerGroups = peerSeen ?
            groups(start.peerTasks, end.peerTasks, end.peer - start.peer, true) : Map.of();
        return new CpuUse(seconds, end.machine - start.machine, end.self - start.self,
            peerSeen ? end.peer - start.peer : 0, peerSeen ? watchedPeerName : null, systemInThisJvm, selfGroups,
            peerGroups, switches(start.selfTasks, end.selfTasks, false),
            peerSeen ? switches(start.peerTasks, end.peerTasks, true) : Map.of());
    }

    /** Each live thread's context switches over the phase, summed by group (threads seen at both ends only). */
    private Map<String, Long> switches(final Map<Long, ProcTasks.Task> before, final Map<Long, ProcTasks.Task> after,
        final boolean peer)
    {
        final boolean[] dumped = {false};
        final Map<String, Long> groups = new HashMap<>();
        for (final Map.Entry<Long, ProcTasks.Task> e : after.entrySet())
        {
            final ProcTasks.Task was = before.get(e.getKey());
            final long switches = e.getValue().switches() - (was != null ? was.switches() : 0);
            if (switches > 0)
            {
                groups.merge(!peer && otherSystems.contains(e.getKey()) ? ThreadGroups.OTHER_SYSTEMS :
                    group(e.getKey(), e.getValue().comm(), peer, dumped), switches, Long::sum);
            }
        }
        return groups;
    }

    /**
     * Each live thread's CPU over the phase summed by group, plus the time of threads that exited meanwhile.
     * A thread whose kernel name is shared by two kinds is named by its Java name, looked up once per phase.
     */
    private Map<String, Long> groups(final Map<Long, ProcTasks.Task> before, final Map<Long, ProcTasks.Task> after,
        final long processTicks, final boolean peer)
    {
        final boolean[] dumped = {false};
        final Map<String, Long> groups = new HashMap<>();
        long threads = 0;
        for (final Map.Entry<Long, ProcTasks.Task> e : after.entrySet())
        {
            final ProcTasks.Task was = before.get(e.getKey());
            final long ticks = e.getValue().ticks() - (was != null ? was.ticks() : 0);
            if (ticks <= 0)
            {
                continue;
            }
            threads += ticks;
            groups.merge(!peer && otherSystems.contains(e.getKey()) ? ThreadGroups.OTHER_SYSTEMS :
                group(e.getKey(), e.getValue().comm(), peer, dumped), ticks, Long::sum);
        }
        if (processTicks > threads)
        {
            groups.merge(ThreadGroups.EXITED, processTicks - threads, Long::sum);
        }
        return groups;
    }

    /** @param dumped whether this phase already took a thread dump of the process (at most one per phase). */
    private String group(final long tid, final String comm, final boolean peer, final boolean[] dumped)
    {
        final String group = ThreadGroups.of(comm);
        if (!ThreadGroups.isAmbiguous(group))
        {
            return group;
        }
        final long pid = peer ? watchedPeer : Long.parseLong(selfPid);
        final Map<Long, String> names = JAVA_NAMES.computeIfAbsent(pid, p -> new ConcurrentHashMap<>());
        if (!names.containsKey(tid) && !dumped[0])
        {
            dumped[0] = true;
            names.putAll(peer ? JavaThreadNames.ofJvm(pid) : JavaThreadNames.ofThisJvm());
        }
        final String name = names.get(tid);
        return name != null ? ThreadGroups.of(name) : group;
    }
}
