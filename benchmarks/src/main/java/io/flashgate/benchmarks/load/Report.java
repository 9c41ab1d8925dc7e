package io.flashgate.benchmarks.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes what a run measured: one HdrHistogram percentile distribution (.hgrm) per phase, a percentile plot
 * (PNG, drawn with Java2D), a self-contained HTML report (Chart.js from its WebJar, inlined: no network at view
 * time) and a one-line summary.
 */
public final class Report
{
    /** Chart.js inside the org.webjars.npm:chart.js jar (version pinned in the root pom). */
    static final String CHART_JS_PREFIX = "META-INF/resources/webjars/chart.js/";
    static final String CHART_JS_FILE = "/dist/chart.umd.js";
    static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};
    /** Percentile axis ticks, as 1 / (1 - p). */
    static final double[] TICKS = {1, 2, 10, 100, 1_000, 10_000, 100_000};
    static final String[] TICK_LABELS = {"0%", "50%", "90%", "99%", "99.9%", "99.99%", "99.999%"};

    private Report()
    {
    }

    /** "812µs", "1.25ms", "12.3ms", "1.20s" for a value in nanoseconds. */
    public static String micros(final long nanos)
    {
        if (nanos < 1_000_000L)
        {
            return String.format(Locale.ROOT, "%.0fµs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000L)
        {
            return String.format(Locale.ROOT, nanos < 10_000_000L ? "%.2fms" : "%.1fms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
    }

    public static String fileName(final OpenLoop.Result result)
    {
        return (result.target() + "-" + (result.phase().isCapacity() ? "capacity" :
            String.format(Locale.ROOT, "%.0f", result.phase().rate()))).replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** One .hgrm per phase (latency in microseconds). */
    public static List<Path> writeHgrm(final Path dir, final List<OpenLoop.Result> results) throws IOException
    {
        Files.createDirectories(dir);
        final List<Path> files = new ArrayList<>();
        for (final OpenLoop.Result result : results)
        {
            final Path file = dir.resolve(fileName(result) + ".hgrm");
            try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8))
            {
                out.printf("# %s, %s: %d answers in %.2f s (%.0f/s); latency in µs from the intended send time%n",
                    result.target(), result.phase().label(), result.answered(), result.elapsedNanos() / 1e9,
                    result.throughput());
                result.histogram().outputPercentileDistribution(out, 1000.0);
            }
            files.add(file);
        }
        return files;
    }

    /** Points (1 / (1 - p), latency µs) of a histogram's percentile distribution, for both plots. */
    static List<double[]> points(final Histogram histogram)
    {
        final List<double[]> points = new ArrayList<>();
        if (histogram.getTotalCount() == 0)
        {
            return points;
        }
        for (final HistogramIterationValue v : histogram.percentiles(5))
        {
            final double p = v.getPercentileLevelIteratedTo() / 100.0;
            if (p >= 1.0)
            {
                break;
            }
            points.add(new double[] {1.0 / (1.0 - p), v.getValueIteratedTo() / 1000.0});
        }
        points.add(new double[] {Math.max(1_000_000.0, points.isEmpty() ? 1 : points.get(points.size() - 1)[0]),
            histogram.getMaxValue() / 1000.0});
        return points;
    }

    /** A log-log percentile plot (x: percentile, y: latency µs) of the given phases. */
    public static void writePng(final Path file, final String title, final List<OpenLoop.Result> results)
        throws IOException
    {
        final int width = 1100;
        final int height = 650;
        final int left = 90;
        final int right = 300;
        final int top = 50;
        final int bottom = 70;
        final BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try
        {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            double maxY = 10;
            double minY = Double.MAX_VALUE;
            for (final OpenLoop.Result result : results)
            {
                for (final double[] p : points(result.histogram()))
                {
                    maxY = Math.max(maxY, p[1]);
                    minY = Math.min(minY, Math.max(p[1], 1));
                }
            }
            final double logMinY = Math.floor(Math.log10(minY == Double.MAX_VALUE ? 1 : minY));
            final double logMaxY = Math.ceil(Math.log10(maxY));
            final double logMaxX = 6;
            final int plotW = width - left - right;
            final int plotH = height - top - bottom;
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.setColor(Color.BLACK);
            g.drawString(title, left, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            // Grid and axes.
            for (int i = 0; i < TICKS.length; i++)
            {
                final int x = left + (int)(Math.log10(TICKS[i]) / logMaxX * plotW);
                g.setColor(new Color(0xdddddd));
                g.drawLine(x, top, x, top + plotH);
                g.setColor(Color.DARK_GRAY);
                g.drawString(TICK_LABELS[i], x - 15, top + plotH + 18);
            }
            for (double e = logMinY; e <= logMaxY; e++)
            {
                final int y = top + plotH - (int)((e - logMinY) / Math.max(1, logMaxY - logMinY) * plotH);
                g.setColor(new Color(0xdddddd));
                g.drawLine(left, y, left + plotW, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(micros((long)(Math.pow(10, e) * 1000)), 10, y + 4);
            }
            g.setColor(Color.BLACK);
            g.drawRect(left, top, plotW, plotH);
            g.drawString("percentile", left + plotW / 2 - 30, height - 25);
            g.drawString("latency (log), from intended send time", left, height - 8);
            g.setStroke(new BasicStroke(2f));
            int legendY = top + 10;
            for (int s = 0; s < results.size(); s++)
            {
                final OpenLoop.Result result = results.get(s);
                g.setColor(COLORS[s % COLORS.length]);
                int lastX = -1;
                int lastY = -1;
                for (final double[] p : points(result.histogram()))
                {
                    final int x = left + (int)(Math.min(logMaxX, Math.log10(p[0])) / logMaxX * plotW);
                    final double ly = Math.log10(Math.max(p[1], Math.pow(10, logMinY)));
                    final int y = top + plotH - (int)((ly - logMinY) / Math.max(1, logMaxY - logMinY) * plotH);
                    if (lastX >= 0)
                    {
                        g.drawLine(lastX, lastY, x, y);
                    }
                    lastX = x;
                    lastY = y;
                }
                g.fillRect(left + plotW + 15, legendY - 8, 14, 8);
                g.setColor(Color.BLACK);
                g.drawString(seriesName(result), left + plotW + 35, legendY);
                legendY += 20;
            }
        }
        finally
        {
            g.dispose();
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    static String seriesName(final OpenLoop.Result result)
    {
        return result.target() + (result.phase().isCapacity() ? " (capacity)" :
            String.format(Locale.ROOT, " @ %,.0f/s", result.phase().rate()));
    }

    /** Chart.js's UMD build from the WebJar on the class path. */
    static String chartJs() throws IOException
    {
        final ClassLoader loader = Report.class.getClassLoader();
        final String version = chartJsVersion();
        try (InputStream in = loader.getResourceAsStream(CHART_JS_PREFIX + version + CHART_JS_FILE))
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
        try (InputStream in = Report.class.getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars.npm/chart.js/pom.properties"))
        {
            if (in == null)
            {
                throw new IOException("the chart.js WebJar is not on the class path");
            }
            final java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty("version");
        }
    }

    /**
     * A self-contained HTML page: the summary table, the correctness verdicts and a Chart.js percentile plot,
     * with Chart.js inlined.
     */
    public static void writeHtml(final Path file, final String title, final List<String> headlines,
        final List<OpenLoop.Result> results, final String pngName) throws IOException
    {
        final StringBuilder html = new StringBuilder(400_000);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .append(escape(title)).append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1200px}")
            .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
            .append("th{background:#f4f4f4}td.l,th.l{text-align:left}.ok{color:#080}.bad{color:#b00}</style>\n")
            .append("</head><body>\n<h1>").append(escape(title)).append("</h1>\n<ul>\n");
        for (final String line : headlines)
        {
            html.append("<li>").append(escape(line)).append("</li>\n");
        }
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
                .append(escape(r.verdict().summary(r.phase().stock(), r.phase().limitPerUser())))
                .append("</span><br><small>").append(escape(r.cpu())).append("</small></td></tr>\n");
        }
        html.append("</table>\n<h2>Latency by percentile (from the intended send time)</h2>\n")
            .append("<div style=\"height:560px\"><canvas id=\"chart\"></canvas></div>\n");
        if (pngName != null)
        {
            html.append("<p>The same plot as a PNG: <a href=\"").append(escape(pngName)).append("\">")
                .append(escape(pngName)).append("</a>; full distributions in the .hgrm files beside this page.</p>\n");
        }
        html.append("<script>\n").append(chartJs().replace("</script", "<\\/script")).append("\n</script>\n");
        html.append("<script>\nconst series = [\n");
        for (int s = 0; s < results.size(); s++)
        {
            final OpenLoop.Result r = results.get(s);
            final Color c = COLORS[s % COLORS.length];
            html.append("{label:").append(jsString(seriesName(r))).append(",borderColor:'rgb(")
                .append(c.getRed()).append(',').append(c.getGreen()).append(',').append(c.getBlue())
                .append(")',showLine:true,pointRadius:0,borderWidth:2,data:[");
            for (final double[] p : points(r.histogram()))
            {
                html.append(String.format(Locale.ROOT, "{x:%.6g,y:%.6g},", p[0], Math.max(p[1], 0.001)));
            }
            html.append("]},\n");
        }
        html.append("];\nconst labels = {");
        for (int i = 0; i < TICKS.length; i++)
        {
            html.append(String.format(Locale.ROOT, "%.0f", TICKS[i])).append(":'").append(TICK_LABELS[i]).append("',");
        }
        html.append("};\nnew Chart(document.getElementById('chart'), {type:'scatter', data:{datasets:series},\n")
            .append(" options:{maintainAspectRatio:false, animation:false, scales:{\n")
            .append("  x:{type:'logarithmic', min:1, max:1000000, title:{display:true,text:'percentile'},\n")
            .append("    afterBuildTicks:(a)=>{a.ticks=Object.keys(labels).map(v=>({value:+v}));},\n")
            .append("    ticks:{callback:(v)=>labels[v]||''}},\n")
            .append("  y:{type:'logarithmic', title:{display:true,text:'latency (µs)'}}},\n")
            .append(" plugins:{tooltip:{callbacks:{label:(c)=>c.dataset.label+': '+")
            .append("(100-100/c.parsed.x).toFixed(4)+'% ≤ '+c.parsed.y.toFixed(1)+' µs'}}}}});\n</script>\n")
            .append("</body></html>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, html.toString(), StandardCharsets.UTF_8);
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
