package io.flashgate.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static io.flashgate.load.ResultText.percentile;
import static io.flashgate.load.ResultText.ratio;
import static io.flashgate.load.ResultText.verdict;

/**
 * What a compare run says in words: the headlines (each system's capacity and latency, the Flashgate / Redis
 * ratios, every correctness verdict) and the one-line SUMMARY printed last.
 */
final class CompareSummary
{
    private CompareSummary()
    {
    }

    static List<String> headlines(final List<OpenLoop.Result> capacity, final List<OpenLoop.Result> fixed)
    {
        final List<String> lines = new ArrayList<>();
        for (final OpenLoop.Result r : capacity)
        {
            lines.add(String.format(Locale.ROOT, "capacity %s: %,.0f purchases/s (p99 %s at %d in flight); %s",
                r.target(), r.throughput(), percentile(r, 99), r.phase().maxInFlight(), r.cpu()));
        }
        for (final OpenLoop.Result r : fixed)
        {
            lines.add(String.format(Locale.ROOT, "at %s open loop %s: %,.0f/s answered, p50 %s p99 %s p99.9 %s; %s",
                r.phase().label(), r.target(), r.throughput(), percentile(r, 50), percentile(r, 99),
                percentile(r, 99.9), r.cpu()));
        }
        for (final OpenLoop.Result r : Stream.concat(capacity.stream(), fixed.stream()).toList())
        {
            if (r.cpuUse().measured())
            {
                lines.add((r.phase().isCapacity() ? "capacity " : "at " + r.phase().label() + " ") + r.cpuPerPurchase());
            }
        }
        for (final OpenLoop.Result f : capacity)
        {
            for (final OpenLoop.Result p : capacity)
            {
                if (isFlashgateAndPeer(f, p))
                {
                    lines.add("throughput " + f.target() + " / " + p.target() + " = " +
                        ratio(f.throughput(), p.throughput()));
                }
            }
        }
        for (final OpenLoop.Result f : fixed)
        {
            for (final OpenLoop.Result p : fixed)
            {
                if (isFlashgateAndPeer(f, p))
                {
                    lines.add(String.format(Locale.ROOT, "latency at %s, %s / %s: p50 %s, p99 %s, p99.9 %s",
                        f.phase().label(), p.target(), f.target(), ratio(p.percentileMicros(50), f.percentileMicros(50)),
                        ratio(p.percentileMicros(99), f.percentileMicros(99)),
                        ratio(p.percentileMicros(99.9), f.percentileMicros(99.9))));
                }
            }
        }
        for (final OpenLoop.Result r : fixed)
        {
            lines.add("correctness " + r.target() + " @ " + r.phase().label() + ": " + verdict(r));
        }
        for (final OpenLoop.Result r : capacity)
        {
            lines.add("correctness " + r.target() + " capacity: " + verdict(r));
        }
        return lines;
    }

    /**
     * The one-line summary: each system's capacity, its percentiles at the common rate, its CPU per purchase in
     * each, correctness.
     */
    static String line(final List<OpenLoop.Result> capacity, final List<OpenLoop.Result> fixed)
    {
        final StringBuilder s = new StringBuilder("SUMMARY");
        for (final OpenLoop.Result r : capacity)
        {
            s.append(String.format(Locale.ROOT, " | %s max %,.0f/s%s", r.target(), r.throughput(),
                ResultText.cpuMicros(r, "purchase")));
        }
        for (final OpenLoop.Result r : fixed)
        {
            s.append(String.format(Locale.ROOT, " | %s @%s p50/p99/p99.9 %s/%s/%s%s", r.target(), r.phase().label(),
                percentile(r, 50), percentile(r, 99), percentile(r, 99.9), ResultText.cpuMicros(r, "purchase")));
        }
        final boolean ok = Stream.concat(capacity.stream(), fixed.stream()).allMatch(r -> r.verdict().passed());
        s.append(" | correctness ").append(ok ? "OK" : "FAILED");
        return s.toString();
    }

    private static boolean isFlashgateAndPeer(final OpenLoop.Result flashgate, final OpenLoop.Result peer)
    {
        return flashgate.target().startsWith("flashgate") && peer.target().startsWith("redis");
    }
}
