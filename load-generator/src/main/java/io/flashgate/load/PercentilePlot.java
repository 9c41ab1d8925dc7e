package io.flashgate.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The percentile plot of a run: one series per result, x = percentile (as 1 / (1 - p), log), y = latency in µs
 * (log). Built once by {@link #of}; drawn as a PNG here ({@link #writePng}, Java2D) and by Chart.js in the HTML
 * report ({@link HtmlReport}), both from the same series, colours and ticks.
 */
record PercentilePlot(String title, List<Series> series)
{
    /** Percentile axis ticks, as 1 / (1 - p), and their labels. */
    static final double[] TICKS = {1, 2, 10, 100, 1_000, 10_000, 100_000};
    static final String[] TICK_LABELS = {"0%", "50%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
    /** The percentile axis ends at 99.9999 %, where the maximum is drawn. */
    static final double MAX_X = 1_000_000;
    static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    /** One line: a name for the legend, its colour, and its points (1 / (1 - p), latency µs). */
    record Series(String name, Color color, List<double[]> points)
    {
    }

    /** The plot of the given phases, in their order. */
    static PercentilePlot of(final String title, final List<OpenLoop.Result> results)
    {
        final List<Series> series = new ArrayList<>();
        for (int s = 0; s < results.size(); s++)
        {
            final OpenLoop.Result result = results.get(s);
            series.add(new Series(seriesName(result), COLORS[s % COLORS.length], points(result.histogram())));
        }
        return new PercentilePlot(title, List.copyOf(series));
    }

    static String seriesName(final OpenLoop.Result result)
    {
        return result.target() + (result.phase().isCapacity() ? " (capacity)" :
            String.format(Locale.ROOT, " @ %,.0f/s", result.phase().rate()));
    }

    /** Points (1 / (1 - p), latency µs) of a histogram's percentile distribution, the maximum last. */
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
        points.add(new double[] {Math.max(MAX_X, points.isEmpty() ? 1 : points.get(points.size() - 1)[0]),
            histogram.getMaxValue() / 1000.0});
        return points;
    }

    /** Draws the plot as a PNG with Java2D. */
    void writePng(final Path file) throws IOException
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
            for (final Series line : series)
            {
                for (final double[] p : line.points())
                {
                    maxY = Math.max(maxY, p[1]);
                    minY = Math.min(minY, Math.max(p[1], 1));
                }
            }
            final double logMinY = Math.floor(Math.log10(minY == Double.MAX_VALUE ? 1 : minY));
            final double logMaxY = Math.ceil(Math.log10(maxY));
            final double logMaxX = Math.log10(MAX_X);
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
                g.drawString(Report.micros((long)(Math.pow(10, e) * 1000)), 10, y + 4);
            }
            g.setColor(Color.BLACK);
            g.drawRect(left, top, plotW, plotH);
            g.drawString("percentile", left + plotW / 2 - 30, height - 25);
            g.drawString("latency (log), from intended send time", left, height - 8);
            g.setStroke(new BasicStroke(2f));
            int legendY = top + 10;
            for (final Series line : series)
            {
                g.setColor(line.color());
                int lastX = -1;
                int lastY = -1;
                for (final double[] p : line.points())
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
                g.drawString(line.name(), left + plotW + 35, legendY);
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
}
