package io.flashgate.ops;

import io.flashgate.cli.ExitCodes;
import io.flashgate.load.ContestedBurst;

import java.io.PrintStream;

/** The end of {@code ops/flashgate demo}: what the burst did, in a few lines; the exit code says if it added up. */
final class DemoSummary
{
    private DemoSummary()
    {
    }

    /**
     * @return 0 when the sale sold min(stock, demand), the answers agree with the sale's own figures and neither crowd
     *         saw anything wrong ({@link ContestedBurst.Result#adds}, the report's verdict too), else 1.
     */
    static int print(final ContestedBurst.Result r, final DemoVerb.DemoPlan plan, final PrintStream out)
    {
        final boolean adds = r.adds();
        out.println();
        out.println(r.verdictLine());
        crowd(r.honest(), plan.shoppers(), plan, out);
        if (r.bots() != null)
        {
            crowd(r.bots(), plan.bots(), plan, out);
            final double honestShare = r.soldBySale() == 0 ? 0 : 100.0 * r.honest().units() / r.soldBySale();
            out.printf("bots vs honest: %d bots sent %,d requests and got %,d units (%.1f per bot, at most %d each); " +
                    "%,d honest shoppers sent %,d and got %,d (%.0f %% of what sold)%n",
                plan.bots(), r.bots().sent(), r.bots().units(), (double)r.bots().units() / plan.bots(), plan.limit(),
                plan.shoppers(), r.honest().sent(), r.honest().units(), honestShare);
        }
        out.println("report: " + r.report().toAbsolutePath());
        out.flush();
        return adds ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static void crowd(final ContestedBurst.Crowd c, final int members, final DemoVerb.DemoPlan plan,
        final PrintStream out)
    {
        out.printf("%s (%,d): sent %,d, got %,d units, %,d retries answered with their order; rejected: sold out %,d, " +
                "over the limit %,d, other %,d; refused (429 rate limited / 503 overloaded) %,d; no answer in time " +
                "(504) %,d%n", c.name(), members, c.sent(), c.units(), c.replayed(), c.soldOut(), c.limitExceeded(),
            c.rejectedOther(), c.refused(), c.unknown());
        out.printf("  throughput %,.0f answers/s; latency p50 %s, p90 %s, p99 %s, p99.9 %s, max %s%n", c.throughput(),
            ms(c.micros(50)), ms(c.micros(90)), ms(c.micros(99)), ms(c.micros(99.9)), ms(c.micros(100)));
    }

    private static String ms(final double micros)
    {
        return String.format(java.util.Locale.ROOT, "%.2f ms", micros / 1000);
    }
}
