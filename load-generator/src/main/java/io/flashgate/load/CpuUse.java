package io.flashgate.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU used over a phase (or the rounds of one), in /proc clock ticks, as {@link CpuWatch} measured it: the
 * machine, this JVM, the peer process, and the two processes by thread group. The system under test is either
 * the peer process or this JVM without the generator's threads; the generator is always reported apart.
 *
 * @param peerName        null when there was no peer process.
 * @param systemInThisJvm true when the system under test shares this JVM with the generator.
 * @param selfSwitches    context switches of this JVM's threads by group (each thread's voluntary and involuntary
 *                        ones from /proc: how often it stopped and had to be woken or rescheduled).
 * @param peerSwitches    the same for the peer process.
 */
record CpuUse(double seconds, long machineTicks, long selfTicks, long peerTicks, String peerName,
    boolean systemInThisJvm, Map<String, Long> selfGroups, Map<String, Long> peerGroups,
    Map<String, Long> selfSwitches, Map<String, Long> peerSwitches)
{
    static final CpuUse NONE = new CpuUse(0, 0, 0, 0, null, false, Map.of(), Map.of(), Map.of(), Map.of());

    CpuUse(final double seconds, final long machineTicks, final long selfTicks, final long peerTicks,
        final String peerName, final boolean systemInThisJvm, final Map<String, Long> selfGroups,
        final Map<String, Long> peerGroups)
    {
        this(seconds, machineTicks, selfTicks, peerTicks, peerName, systemInThisJvm, selfGroups, peerGroups, Map.of(),
            Map.of());
    }

    /** A group's CPU for one purchase and as cores. */
    record Share(String group, double microsPerPurchase, double cores)
    {
    }

    /** Several phases as one: ticks and seconds add up, so the rates are time-weighted means. */
    static CpuUse merge(final List<CpuUse> uses)
    {
        double seconds = 0;
        long machine = 0;
        long self = 0;
        long peer = 0;
        String name = null;
        boolean inThisJvm = false;
        final Map<String, Long> selfGroups = new HashMap<>();
        final Map<String, Long> peerGroups = new HashMap<>();
        final Map<String, Long> selfSwitches = new HashMap<>();
        final Map<String, Long> peerSwitches = new HashMap<>();
        for (final CpuUse u : uses)
        {
            if (u.seconds == 0)
            {
                continue;
            }
            seconds += u.seconds;
            machine += u.machineTicks;
            self += u.selfTicks;
            peer += u.peerTicks;
            name = name != null ? name : u.peerName;
            inThisJvm |= u.systemInThisJvm;
            u.selfGroups.forEach((group, ticks) -> selfGroups.merge(group, ticks, Long::sum));
            u.peerGroups.forEach((group, ticks) -> peerGroups.merge(group, ticks, Long::sum));
            u.selfSwitches.forEach((group, n) -> selfSwitches.merge(group, n, Long::sum));
            u.peerSwitches.forEach((group, n) -> peerSwitches.merge(group, n, Long::sum));
        }
        return seconds == 0 ? NONE : new CpuUse(seconds, machine, self, peer, name, inThisJvm, selfGroups, peerGroups,
            selfSwitches, peerSwitches);
    }

    boolean measured()
    {
        return seconds > 0;
    }

    /**
     * True when the system under test is known: this JVM without the generator, or a peer process that was watched.
     * A system in a process nobody named (an edge at a URL) has no figure of its own: only the machine's is true.
     */
    boolean systemKnown()
    {
        return systemInThisJvm || peerName != null;
    }

    double cores(final long ticks)
    {
        return seconds == 0 ? 0 : ticks / (double)ProcTasks.TICKS_PER_SECOND / seconds;
    }

    /** µs of CPU per purchase (per answered request) for a number of ticks. */
    static double micros(final long ticks, final long purchases)
    {
        return purchases <= 0 ? 0 : ticks * (1e6 / ProcTasks.TICKS_PER_SECOND) / purchases;
    }

    long generatorTicks()
    {
        return systemInThisJvm ? selfGroups.getOrDefault(ThreadGroups.GENERATOR, 0L) :
            selfTicks - otherSystemsTicks();
    }

    /** The threads of the other systems that run in this JVM, idle or not while this one is measured. */
    long otherSystemsTicks()
    {
        return selfGroups.getOrDefault(ThreadGroups.OTHER_SYSTEMS, 0L);
    }

    long systemTicks()
    {
        return systemInThisJvm ? selfTicks - generatorTicks() - otherSystemsTicks() : peerTicks;
    }

    /** True for a group of this JVM that is not the system under test: the generator's, another system's. */
    private boolean apart(final String group)
    {
        return systemInThisJvm && (group.equals(ThreadGroups.GENERATOR) || group.equals(ThreadGroups.OTHER_SYSTEMS));
    }

    /** "this JVM without the generator" or the peer's name; only for a {@link #systemKnown} system. */
    String systemProcess()
    {
        return systemInThisJvm ? "this JVM without the generator" : peerName;
    }

    /** The system's thread groups, the busiest first. */
    List<Share> systemShares(final long purchases)
    {
        final List<Share> shares = new ArrayList<>();
        (systemInThisJvm ? selfGroups : peerGroups).forEach((group, ticks) ->
        {
            if (!apart(group))
            {
                shares.add(new Share(group, micros(ticks, purchases), cores(ticks)));
            }
        });
        shares.sort(Comparator.comparingDouble(Share::cores).reversed().thenComparing(Share::group));
        return shares;
    }

    /** "driver 20.1, logic 8.0, egress 6.3, +4 more 3.0" in µs per purchase. */
    String topShares(final long purchases, final int top)
    {
        final List<Share> shares = systemShares(purchases);
        final StringBuilder s = new StringBuilder();
        double rest = 0;
        for (int i = 0; i < shares.size(); i++)
        {
            if (i < top)
            {
                s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f", shares.get(i).group(),
                    shares.get(i).microsPerPurchase()));
            }
            else
            {
                rest += shares.get(i).microsPerPurchase();
            }
        }
        if (shares.size() > top)
        {
            s.append(String.format(Locale.ROOT, ", +%d more %.1f", shares.size() - top, rest));
        }
        return s.toString();
    }

    /** The system's context switches over the phase, all threads (the generator's excepted). */
    long systemSwitches()
    {
        return (systemInThisJvm ? selfSwitches : peerSwitches).entrySet().stream()
            .filter(e -> !apart(e.getKey()))
            .mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * "wake-ups per purchase 4.1: aeron duty cycle 1.9, journaller 0.8, ..." (the system's threads, context switches
     * per answered request, the most first): how many threads stop and must be woken for one purchase.
     */
    String wakeUps(final long purchases, final int top)
    {
        final Map<String, Long> switches = systemInThisJvm ? selfSwitches : peerSwitches;
        if (purchases <= 0 || switches.isEmpty())
        {
            return "";
        }
        final List<Map.Entry<String, Long>> groups = new ArrayList<>(switches.entrySet().stream()
            .filter(e -> !apart(e.getKey())).toList());
        groups.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry::getKey));
        final StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "wake-ups per purchase %.2f:",
            systemSwitches() / (double)purchases));
        double rest = 0;
        for (int i = 0; i < groups.size(); i++)
        {
            final double each = groups.get(i).getValue() / (double)purchases;
            if (i < top)
            {
                s.append(i == 0 ? " " : ", ").append(String.format(Locale.ROOT, "%s %.2f", groups.get(i).getKey(), each));
            }
            else
            {
                rest += each;
            }
        }
        if (groups.size() > top)
        {
            s.append(String.format(Locale.ROOT, ", +%d more %.2f", groups.size() - top, rest));
        }
        return s.toString();
    }

    /**
     * "cpu per purchase: flashgate-aeron 45.2 µs = 0.68 cores of this JVM without the generator [driver 20.1, ...];
     * generator 12.0 µs apart (0.18 cores)", or "" when nothing was measured or the system's process is unknown.
     */
    String perPurchase(final String system, final long purchases)
    {
        if (!measured() || !systemKnown())
        {
            return "";
        }
        final String wakeUps = wakeUps(purchases, 6);
        final String others = otherSystemsTicks() <= 0 ? "" : String.format(Locale.ROOT,
            "; other systems in this JVM %.1f µs apart (%.2f cores)", micros(otherSystemsTicks(), purchases),
            cores(otherSystemsTicks()));
        return String.format(Locale.ROOT, "cpu per purchase: %s %.1f µs = %.2f cores of %s [%s]; generator %.1f µs " +
                "apart (%.2f cores)%s%s", system, micros(systemTicks(), purchases), cores(systemTicks()),
            systemProcess(), topShares(purchases, 6), micros(generatorTicks(), purchases), cores(generatorTicks()),
            others, wakeUps.isEmpty() ? "" : "; " + wakeUps);
    }

    /** "cpu: machine 1.93 cores busy = this JVM 1.41 + redis-server 0.38 + other processes 0.14 (of 2)". */
    @Override
    public String toString()
    {
        if (!measured())
        {
            return "";
        }
        return String.format(Locale.ROOT, "cpu: machine %.2f cores busy = this JVM %.2f%s + other processes %.2f (of %d)",
            cores(machineTicks), cores(selfTicks),
            peerName != null ? String.format(Locale.ROOT, " + %s %.2f", peerName, cores(peerTicks)) : "",
            Math.max(0, cores(machineTicks - selfTicks - peerTicks)), Runtime.getRuntime().availableProcessors());
    }
}
