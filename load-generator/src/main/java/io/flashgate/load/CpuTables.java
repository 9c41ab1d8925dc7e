package io.flashgate.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.flashgate.load.HtmlReport.escape;

/**
 * The report page's CPU section: for each phase, a small table of the systems with their throughput, the cores
 * their process(es) used, the CPU µs per purchase (per answered request), the busiest thread groups, and the
 * generator's own CPU, which is reported apart and never counted in the system's figure.
 */
final class CpuTables
{
    private CpuTables()
    {
    }

    static void append(final StringBuilder html, final List<OpenLoop.Result> results)
    {
        final Map<String, List<OpenLoop.Result>> byPhase = new LinkedHashMap<>();
        for (final OpenLoop.Result r : results)
        {
            // a system whose process is unknown (an edge at a URL) has no CPU of its own to show: no row, never "?"
            if (r.cpuUse().measured() && r.cpuUse().systemKnown())
            {
                byPhase.computeIfAbsent(phase(r), k -> new java.util.ArrayList<>()).add(r);
            }
        }
        if (byPhase.isEmpty())
        {
            return;
        }
        html.append("<h2 id=\"cpu\">CPU per purchase</h2>\n<p>From /proc: each thread's utime + stime over the phase. ")
            .append("The system is the peer process (redis-server, the HTTP server JVM) or, engine-direct, the ")
            .append("generator's JVM without the generator's own threads (flashgate-bench-*); the generator is ")
            .append("shown apart. Threads in µs per purchase. Wake-ups: each thread's voluntary and involuntary ")
            .append("context switches (/proc/PID/task/TID/status) per purchase: how many times a thread stopped and ")
            .append("had to be woken, so each hand-off between threads shows directly.</p>\n");
        byPhase.forEach((phase, rows) ->
        {
            html.append("<h3>").append(escape(phase)).append("</h3>\n<table class=cpu><tr><th class=l>system</th>")
                .append("<th>purchases/s</th><th>CPU cores used</th><th>CPU µs per purchase</th>")
                .append("<th class=l>top threads (µs per purchase)</th>")
                .append("<th class=l>wake-ups per purchase, by thread</th><th>generator µs per purchase (apart)</th>")
                .append("<th>other processes, cores</th></tr>\n");
            for (final OpenLoop.Result r : rows)
            {
                final CpuUse cpu = r.cpuUse();
                html.append("<tr><td class=l>").append(escape(r.target())).append("<br><small>")
                    .append(escape(cpu.systemProcess())).append("</small></td><td>")
                    .append(String.format(Locale.ROOT, "%,.0f", r.throughput())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.2f", cpu.cores(cpu.systemTicks()))).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", CpuUse.micros(cpu.systemTicks(), r.answered())))
                    .append("</td><td class=l>").append(escape(cpu.topShares(r.answered(), 8)))
                    .append("</td><td class=l>").append(escape(cpu.wakeUps(r.answered(), 8))).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", CpuUse.micros(cpu.generatorTicks(), r.answered())))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.2f",
                        Math.max(0, cpu.cores(cpu.machineTicks() - cpu.selfTicks() - cpu.peerTicks()))))
                    .append("</td></tr>\n");
            }
            html.append("</table>\n");
        });
    }

    private static String phase(final OpenLoop.Result r)
    {
        return r.phase().isCapacity() ? "capacity" + (r.phase().label().equals("capacity") ? "" :
            ": " + r.phase().label()) : String.format(Locale.ROOT, "%,.0f/s open loop", r.phase().rate());
    }
}
