package io.flashgate.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many commands and events share one Aeron message, and the CPU each thread spends per purchase, at a steady
 * rate over the engine-direct target of {@code ops/flashgate bench aeron} (engine, its embedded driver and the
 * generator's gateway in this JVM). Run:
 * {@code java $(flashgate.jvm.flags) -cp benchmarks/target/benchmarks.jar io.flashgate.load.BatchingFigures
 * [rate] [seconds]}. Counters a build does not have are printed as n/a.
 */
public final class BatchingFigures
{
    private BatchingFigures()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final double rate = args.length > 0 ? Double.parseDouble(args[0]) : 15_000;
        final double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 20;
        final int buyers = 1_000_000;
        final Path dir = Files.createTempDirectory("flashgate-batching");
        final Workload workload = new Workload(buyers, 0);
        try (AeronTarget target = AeronTarget.start(dir.resolve("engine"), buyers))
        {
            final OpenLoop loop = new OpenLoop(System.out);
            final int inFlight = (int)Math.min(1_000_000, rate * 2);
            loop.run(target, workload, new OpenLoop.Phase("warm-up", "warm", workload.stockFor((long)(rate * 5), 1), 1,
                rate, inFlight, 5, 30));
            final long processBefore = processCpu();
            final Map<String, Long> cpuBefore = threadCpu();
            final long[] before = figures(target);
            final OpenLoop.Result result = loop.run(target, workload, new OpenLoop.Phase("steady", "steady",
                workload.stockFor((long)(rate * seconds), 1), 1, rate, inFlight, seconds, 30));
            final long[] after = figures(target);
            final Map<String, Long> cpuAfter = threadCpu();
            final long processAfter = processCpu();
            final double purchases = result.answered();
            System.out.printf(Locale.ROOT, "%,.0f purchases at %,.0f/s, p99 %.0f µs%n", purchases, rate,
                result.percentileMicros(99));
            System.out.printf(Locale.ROOT, "egress: %s events per message; ingress: %s commands per message; " +
                "gateway: %s commands per message%n", ratio(after[0] - before[0], after[1] - before[1]),
                ratio(after[2] - before[2], after[3] - before[3]), ratio(after[4] - before[4], after[5] - before[5]));
            double total = 0;
            final Map<String, Double> perPurchase = new TreeMap<>();
            for (final Map.Entry<String, Long> entry : cpuAfter.entrySet())
            {
                final double micros = (entry.getValue() - cpuBefore.getOrDefault(entry.getKey(), 0L)) / 1e3 / purchases;
                total += micros;
                if (micros >= 0.05)
                {
                    perPurchase.put(entry.getKey(), micros);
                }
            }
            System.out.printf(Locale.ROOT, "CPU per purchase, whole JVM (with GC and JIT): %.1f µs; Java threads: %.1f µs%n",
                (processAfter - processBefore) / 1e3 / purchases, total);
            perPurchase.forEach((name, micros) -> System.out.printf(Locale.ROOT, "  %-34s %6.2f µs%n", name, micros));
        }
        finally
        {
            RunFolders.deleteTree(dir);
        }
    }

    /** Published events, egress messages, commands received, ingress messages, commands sent, command messages. */
    private static long[] figures(final AeronTarget target)
    {
        final Object transport = target.engine();
        final Object gateway = target.gateway();
        return new long[] {
            call(transport, "egressPublished"), call(transport, "egressMessages"),
            call(transport, "commandsReceived"), call(transport, "ingressMessages"),
            call(gateway, "commandsSent"), call(gateway, "commandMessages")};
    }

    private static long call(final Object target, final String name)
    {
        try
        {
            final Method method = target.getClass().getMethod(name);
            return (long)method.invoke(target);
        }
        catch (final ReflectiveOperationException ex)
        {
            return -1;
        }
    }

    private static String ratio(final long count, final long messages)
    {
        return messages <= 0 || count < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f (%,d / %,d)",
            (double)count / messages, count, messages);
    }

    private static long processCpu()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    /** CPU nanoseconds by thread name, digits folded so that pools of one kind add up. */
    private static Map<String, Long> threadCpu()
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final Map<String, Long> cpu = new HashMap<>();
        for (final long id : threads.getAllThreadIds())
        {
            final ThreadInfo info = threads.getThreadInfo(id);
            final long nanos = threads.getThreadCpuTime(id);
            if (info != null && nanos > 0)
            {
                cpu.merge(info.getThreadName().replaceAll("[0-9]+", "#"), nanos, Long::sum);
            }
        }
        return cpu;
    }
}
