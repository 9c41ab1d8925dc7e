package io.flashgate.load;

import java.util.Locale;

/** A result as console text: the line printed after every phase, and ratios between two systems. */
final class ResultText
{
    private ResultText()
    {
    }

    /**
     * System, phase, throughput, percentiles, outcome counts and the correctness verdict; the CPU of the machine
     * on a second line, the system's CPU per purchase on a third.
     */
    static String line(final OpenLoop.Result r)
    {
        return String.format(Locale.ROOT, "%-20s %-10s %,12.0f/s  p50 %8s  p99 %8s  p99.9 %8s  max %8s  [%s]  %s",
            r.target(), r.phase().isCapacity() ? "capacity" : r.phase().label(), r.throughput(),
            percentile(r, 50), percentile(r, 99), percentile(r, 99.9), Report.micros(r.histogram().getMaxValue()),
            r.countsText(), verdict(r)) + (r.cpu().isEmpty() ? "" : "\n    " + r.cpu()) +
            (r.cpuPerPurchase().isEmpty() ? "" : "\n    " + r.cpuPerPurchase());
    }

    /** " (cpu 65.6µs/purchase)" (the system's, the generator's apart), or "" when the CPU was not measured. */
    static String cpuMicros(final OpenLoop.Result r, final String per)
    {
        final CpuUse cpu = r.cpuUse();
        return cpu.measured() && cpu.systemKnown() ? String.format(Locale.ROOT, " (cpu %.1fµs/%s)", CpuUse.micros(cpu.systemTicks(),
            r.answered()), per) : "";
    }

    /** "812µs" style latency at a percentile. */
    static String percentile(final OpenLoop.Result r, final double percentile)
    {
        return Report.micros(r.histogram().getValueAtPercentile(percentile));
    }

    /** The correctness verdict of the result's phase. */
    static String verdict(final OpenLoop.Result r)
    {
        return r.verdict().summary(r.phase().stock(), r.phase().limitPerUser());
    }

    /** "2.77×", or "n/a" when {@code b} is 0. */
    static String ratio(final double a, final double b)
    {
        return b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f×", a / b);
    }
}
