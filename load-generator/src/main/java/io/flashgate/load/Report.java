package io.flashgate.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The raw figures of a run: one HdrHistogram percentile distribution (.hgrm) per phase, and latencies as text.
 * The plot is {@link PercentilePlot}; the HTML page {@link HtmlReport}.
 */
public final class Report
{
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
}
