package io.flashgate.load;

import org.HdrHistogram.Histogram;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import static io.flashgate.load.Report.micros;

/**
 * A self-contained HTML page of a run, the verdict first: a small table of Flashgate's ratios against each peer
 * ({@link VerdictTable}), then the {@link PercentilePlot} drawn by Chart.js (inlined from its WebJar: no network at
 * view time), then the details: the headlines, a table of every phase with its correctness verdict, and the CPU and
 * wake-ups each system used per purchase (a small table per phase).
 */
final class HtmlReport
{
    /** Chart.js inside the org.webjars.npm:chart.js jar (version pinned in the root pom). */
    static final String CHART_JS_PREFIX = "META-INF/resources/webjars/chart.js/";
    static final String CHART_JS_FILE = "/dist/chart.umd.js";

    private HtmlReport()
    {
    }

    /**
     * @param plot    the plot of {@code results}; its title is the page's.
     * @param pngName the same plot as a PNG beside the page, linked; or null.
     */
    static void write(final Path file, final List<String> headlines, final PercentilePlot plot,
        final List<OpenLoop.Result> results, final String pngName) throws IOException
    {
        write(file, null, headlines, plot, results, results, pngName);
    }

    /** One verdict over several crowds that bought one sale at once: the page's first line, green or red. */
    record SaleVerdict(String text, boolean passed)
    {
    }

    /**
     * @param sale       the verdict of the one sale every phase bought together, or null (each phase its own sale).
     * @param cpuResults the rows of the CPU section (none: no section).
     */
    static void write(final Path file, final SaleVerdict sale, final List<String> headlines, final PercentilePlot plot,
        final List<OpenLoop.Result> results, final List<OpenLoop.Result> cpuResults, final String pngName)
        throws IOException
    {
        final StringBuilder html = new StringBuilder(400_000);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .append(escape(plot.title())).append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1200px}")
            .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
            .append("th{background:#f4f4f4}td.l,th.l{text-align:left}.ok{color:#080}.bad{color:#b00}</style>\n")
            .append("</head><body>\n<h1>").append(escape(plot.title())).append("</h1>\n");
        if (sale != null)
        {
            html.append("<p id=\"verdict\" class=").append(sale.passed() ? "ok" : "bad").append("><strong>")
                .append(escape(sale.text())).append("</strong></p>\n");
        }
        VerdictTable.append(html, results);
        html.append("<h2>Latency by percentile (from the intended send time)</h2>\n")
            .append("<div style=\"height:560px\"><canvas id=\"chart\"></canvas></div>\n");
        if (pngName != null)
        {
            html.append("<p>The same plot as a PNG: <a href=\"").append(escape(pngName)).append("\">")
                .append(escape(pngName)).append("</a>; full distributions in the .hgrm files beside this page.</p>\n");
        }
        html.append("<h2>Details</h2>\n<ul>\n");
        for (final String line : headlines)
        {
            html.append("<li>").append(escape(line)).append("</li>\n");
        }
        appendTable(html, results);
        CpuTables.append(html, cpuResults);
        html.append("<script>\n").append(chartJs().replace("</script", "<\\/script")).append("\n</script>\n");
        appendChart(html, plot);
        html.append("</body></html>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, html.toString(), StandardCharsets.UTF_8);
    }

    private static void appendTable(final StringBuilder html, final List<OpenLoop.Result> results)
    {
        html.append("</ul>\n<table><tr><th class=l>system</th><th class=l>phase</th><th>answers</th>")
            .append("<th>throughput/s</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th>")
            .append("<th class=l>outcomes</th><th class=l>correctness</th></tr>\n");
        for (final OpenLoop.Result r : results)
        {
            final Histogram h = r.histogram();
            html.append("<tr><td class=l>").append(escape(r.target())).append("</td><td class=l>")
                .append(escape(r.phase().isCapacity() ? "capacity (max " + r.phase().maxInFlight() + " in flight)" :
                    String.format(Locale.ROOT, "%,.0f/s open loop", r.phase().rate())))
                .append("</td><td>").append(String.format(Locale.ROOT, "%,d", r.answered()))
                .append("</td><td>").append(String.format(Locale.ROOT, "%,.0f", r.throughput()))
                .append("</td><td>").append(micros(h.getValueAtPercentile(50)))
                .append("</td><td>").append(micros(h.getValueAtPercentile(90)))
                .append("</td><td>").append(micros(h.getValueAtPercentile(99)))
                .append("</td><td>").append(micros(h.getValueAtPercentile(99.9)))
                .append("</td><td>").append(micros(h.getMaxValue()))
                .append("</td><td class=l>").append(escape(r.countsText()))
                .append("</td><td class=l><span class=").append(r.verdict().passed() ? "ok" : "bad").append('>')
                .append(escape(ResultText.verdict(r)))
                .append("</span><br><small>").append(escape(r.cpu())).append("</small></td></tr>\n");
        }
        html.append("</table>\n");
    }

    /** The plot's series, colours and ticks as a Chart.js scatter chart on log axes. */
    private static void appendChart(final StringBuilder html, final PercentilePlot plot)
    {
        html.append("<script>\nconst series = [\n");
        for (final PercentilePlot.Series line : plot.series())
        {
            final Color c = line.color();
            html.append("{label:").append(jsString(line.name())).append(",borderColor:'rgb(")
                .append(c.getRed()).append(',').append(c.getGreen()).append(',').append(c.getBlue())
                .append(")',showLine:true,pointRadius:0,borderWidth:2,data:[");
            for (final double[] p : line.points())
            {
                html.append(String.format(Locale.ROOT, "{x:%.6g,y:%.6g},", p[0], Math.max(p[1], 0.001)));
            }
            html.append("]},\n");
        }
        html.append("];\nconst labels = {");
        for (int i = 0; i < PercentilePlot.TICKS.length; i++)
        {
            html.append(String.format(Locale.ROOT, "%.0f", PercentilePlot.TICKS[i])).append(":'")
                .append(PercentilePlot.TICK_LABELS[i]).append("',");
        }
        html.append("};\nnew Chart(document.getElementById('chart'), {type:'scatter', data:{datasets:series},\n")
            .append(" options:{maintainAspectRatio:false, animation:false, scales:{\n")
            .append(String.format(Locale.ROOT, "  x:{type:'logarithmic', min:1, max:%.0f, ", PercentilePlot.MAX_X))
            .append("title:{display:true,text:'percentile'},\n")
            .append("    afterBuildTicks:(a)=>{a.ticks=Object.keys(labels).map(v=>({value:+v}));},\n")
            .append("    ticks:{callback:(v)=>labels[v]||''}},\n")
            .append("  y:{type:'logarithmic', title:{display:true,text:'latency (µs)'}}},\n")
            .append(" plugins:{tooltip:{callbacks:{label:(c)=>c.dataset.label+': '+")
            .append("(100-100/c.parsed.x).toFixed(4)+'% ≤ '+c.parsed.y.toFixed(1)+' µs'}}}}});\n</script>\n");
    }

    /** Chart.js's UMD build from the WebJar on the class path. */
    static String chartJs() throws IOException
    {
        final String version = chartJsVersion();
        try (InputStream in = HtmlReport.class.getClassLoader()
            .getResourceAsStream(CHART_JS_PREFIX + version + CHART_JS_FILE))
        {
            if (in == null)
            {
                throw new IOException("Chart.js " + version + " not on the class path");
            }
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** The WebJar's version, from its Maven metadata inside the jar. */
    static String chartJsVersion() throws IOException
    {
        try (InputStream in = HtmlReport.class.getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars.npm/chart.js/pom.properties"))
        {
            if (in == null)
            {
                throw new IOException("the chart.js WebJar is not on the class path");
            }
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        }
    }

    static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String jsString(final String text)
    {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("<", "\\x3c") + "'";
    }
}
