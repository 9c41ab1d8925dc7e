package io.flashgate.load;

import java.util.List;
import java.util.Locale;

import static io.flashgate.load.HtmlReport.escape;

/**
 * The report's first table: for each Flashgate system and each peer (the Redis Lua variants, the bare HTTP server),
 * the ratios that decide the comparison, all from this one run: capacity, p50 and p99 at the common open-loop rate,
 * and CPU per purchase at that rate. Each cell reads "Flashgate ÷ peer" with both figures under it.
 */
final class VerdictTable
{
    private VerdictTable()
    {
    }

    static void append(final StringBuilder html, final List<OpenLoop.Result> results)
    {
        final List<OpenLoop.Result> capacity = results.stream().filter(r -> r.phase().isCapacity()).toList();
        final List<OpenLoop.Result> fixed = results.stream().filter(r -> !r.phase().isCapacity()).toList();
        final List<String> ours = results.stream().map(OpenLoop.Result::target).filter(VerdictTable::isFlashgate)
            .distinct().toList();
        final List<String> peers = results.stream().map(OpenLoop.Result::target).filter(t -> !isFlashgate(t))
            .distinct().toList();
        if (ours.isEmpty() || peers.isEmpty())
        {
            return;
        }
        final String rate = fixed.isEmpty() ? "" :
            String.format(Locale.ROOT, " at %,.0f/s", fixed.get(0).phase().rate());
        html.append("<h2 id=\"ratios\">Verdict: ratios against each peer</h2>\n<p>Flashgate ÷ peer, within this run. Capacity: higher is ")
            .append("better; latency and CPU: lower is better.</p>\n<table><tr><th class=l>Flashgate</th>")
            .append("<th class=l>peer</th><th>capacity</th><th>p50").append(escape(rate)).append("</th><th>p99")
            .append(escape(rate)).append("</th><th>CPU per purchase").append(escape(rate)).append("</th></tr>\n");
        for (final String flashgate : ours)
        {
            for (final String peer : peers)
            {
                final OpenLoop.Result fc = find(capacity, flashgate);
                final OpenLoop.Result pc = find(capacity, peer);
                final OpenLoop.Result ff = find(fixed, flashgate);
                final OpenLoop.Result pf = find(fixed, peer);
                html.append("<tr><td class=l>").append(escape(flashgate)).append("</td><td class=l>")
                    .append(escape(peer)).append("</td>");
                cell(html, fc == null || pc == null ? null : new double[] {fc.throughput(), pc.throughput()}, "%,.0f/s");
                cell(html, ff == null || pf == null ? null :
                    new double[] {ff.percentileMicros(50), pf.percentileMicros(50)}, "%,.0f µs");
                cell(html, ff == null || pf == null ? null :
                    new double[] {ff.percentileMicros(99), pf.percentileMicros(99)}, "%,.0f µs");
                cell(html, ff == null || pf == null || !ff.cpuUse().measured() || !pf.cpuUse().measured() ? null :
                    new double[] {cpuMicros(ff), cpuMicros(pf)}, "%.1f µs");
                html.append("</tr>\n");
            }
        }
        html.append("</table>\n");
    }

    private static void cell(final StringBuilder html, final double[] pair, final String format)
    {
        if (pair == null)
        {
            html.append("<td>n/a</td>");
            return;
        }
        html.append("<td><b>").append(ResultText.ratio(pair[0], pair[1])).append("</b><br><small>")
            .append(escape(String.format(Locale.ROOT, format, pair[0]))).append(" vs ")
            .append(escape(String.format(Locale.ROOT, format, pair[1]))).append("</small></td>");
    }

    private static double cpuMicros(final OpenLoop.Result r)
    {
        return CpuUse.micros(r.cpuUse().systemTicks(), r.answered());
    }

    private static OpenLoop.Result find(final List<OpenLoop.Result> results, final String target)
    {
        return results.stream().filter(r -> r.target().equals(target)).findFirst().orElse(null);
    }

    private static boolean isFlashgate(final String target)
    {
        return target.startsWith("flashgate");
    }
}
