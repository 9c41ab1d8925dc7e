package io.flashgate.load;

import java.util.List;
import java.util.Locale;

/**
 * Readable groups for thread names, as Flashgate, Aeron, Jetty, the JVM and Redis name their threads: "driver",
 * "logic", "GC", ... A name may be the Java name or the kernel's 15-character {@code comm}, so every rule matches
 * on a prefix that fits in 15 characters, except where two kinds share one (the edge's poller and reply threads:
 * the full Java name tells them apart, see {@link JavaThreadNames}). The generator's own threads are all named
 * {@code flashgate-bench-*} so that they are never counted as the system's.
 */
final class ThreadGroups
{
    static final String GENERATOR = "generator";
    /** The JVM's compiler threads, and its collector's: they serve every system in the process. */
    static final String JIT = "JIT";
    static final String GC = "GC";
    /**
     * Threads that another system under test in this JVM started ({@code bench aeron --standby}: the journal-only
     * engine and the pair): not the measured system's, whatever their names.
     */
    static final String OTHER_SYSTEMS = "other systems in this JVM";
    /** Threads that ended during the phase: the process counts their time, no live thread shows it. */
    static final String EXITED = "exited threads";

    /** The kernel's name of both the edge's poller and its reply threads. */
    private static final String AMBIGUOUS_EDGE = "gateway poller / reply executor";

    private record Rule(String prefix, String group)
    {
    }

    /** First match wins; prefixes in lower case. */
    private static final List<Rule> RULES = List.of(
        new Rule("flashgate-bench", GENERATOR),
        new Rule("flashgate-journ", "journaller"),
        new Rule("flashgate-repli", "replicator"),
        new Rule("flashgate-logic", "logic"),
        new Rule("flashgate-egres", "egress"),
        new Rule("flashgate-ingre", "ingress"),
        new Rule("flashgate-ticke", "ticker"),
        // One thread per side runs the media driver, the client conductor and the pollers (DutyCycle).
        new Rule("flashgate-aeron", "aeron duty cycle"),
        new Rule("flashgate-edge-poller", "gateway poller"),
        new Rule("flashgate-edge-reply", "reply executor"),
        new Rule("flashgate-edge-", AMBIGUOUS_EDGE),
        new Rule("bare-reply", "bare reply executor"), // the bare Javalin endpoint of bench http
        new Rule("aeron-client", "aeron client conductor"),
        // The media driver's agents are named after its folder ("/dev/shm/aeron-..."), or "driver-conductor",
        // "sender", "receiver", "[conductor, ...]" in older versions; its executor resolves names for it.
        new Rule("/", "driver"),
        new Rule("aeron-executor", "driver"),
        new Rule("driver-conductor", "driver"),
        new Rule("[", "driver"),
        new Rule("sender", "driver"),
        new Rule("receiver", "driver"),
        new Rule("conductor", "driver"),
        new Rule("jettyserverthre", "jetty"),
        new Rule("qtp", "jetty"),
        new Rule("jetty", "jetty"),
        new Rule("gc thread", GC),
        new Rule("g1 ", GC),
        new Rule("parallel gc", GC),
        new Rule("vm thread", GC), // runs the safepoint operations, most of them the collector's
        new Rule("c1 compilerthre", JIT),
        new Rule("c2 compilerthre", JIT),
        new Rule("redis-server", "redis-server"),
        new Rule("bio_", "redis background I/O"),
        new Rule("io_thd", "redis I/O threads"));

    private ThreadGroups()
    {
    }

    /** True for a group that only a longer name than the kernel keeps can split. */
    static boolean isAmbiguous(final String group)
    {
        return AMBIGUOUS_EDGE.equals(group);
    }

    /** The group of a thread; an unknown name is its own group, trailing digits dropped ("pool-3" -> "pool-"). */
    static String of(final String name)
    {
        final String lower = name.toLowerCase(Locale.ROOT);
        for (final Rule rule : RULES)
        {
            if (lower.startsWith(rule.prefix))
            {
                return rule.group;
            }
        }
        final String stem = name.replaceAll("[#\\d]+$", "");
        return stem.isEmpty() ? name : stem;
    }
}
