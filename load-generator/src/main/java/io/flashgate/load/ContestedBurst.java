package io.flashgate.load;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A contested burst on one sale of a running edge, for {@code ops/flashgate demo}: honest shoppers open loop at one
 * rate (the {@link Workload}: each a few attempts, some retries of the same Idempotency-Key), and at the same time a
 * few bots, one user each, hammering with a new key every request. Both run through the load generator's own
 * {@link OpenLoop} and {@link HttpTarget}; the report is the generator's HTML page ({@link HtmlReport}).
 */
public final class ContestedBurst
{
    /**
     * @param host          the edge's host.
     * @param shopperTokens one bearer token per honest shopper (their number is the shoppers').
     * @param botTokens     one bearer token per bot (none: no bots).
     * @param rate          honest requests per second.
     * @param botRate       requests per second of each bot.
     * @param out           the folder of the HTML report and the .hgrm files.
     * @param edgeInThisJvm true when the edge and its engine run in this JVM (the demo started them): the report then
     *                      gives their CPU (this JVM without the generator's threads); false (an edge at a URL, whose
     *                      process this JVM cannot tell): it gives only the machine's.
     */
    public record Plan(String host, int port, String saleId, int stock, int limitPerUser, String[] shopperTokens,
        String[] botTokens, String adminToken, double rate, double botRate, double seconds, Path out,
        boolean edgeInThisJvm)
    {
    }

    /**
     * What one crowd (the honest shoppers, or the bots) got.
     *
     * @param failures what this crowd saw go wrong on its own (an order given as new twice, a buyer over the limit, a
     *                 re-sent key answered differently); empty when it saw nothing wrong.
     */
    public record Crowd(String name, long sent, long units, long replayed, long soldOut, long limitExceeded,
        long rejectedOther, long refused, long unknown, double throughput, Histogram latency, List<String> failures)
    {
        static Crowd of(final String name, final OpenLoop.Result result)
        {
            return new Crowd(name, result.sent(), result.count(Outcome.ACCEPTED), result.count(Outcome.REPLAYED),
                result.count(Outcome.SOLD_OUT), result.count(Outcome.LIMIT_EXCEEDED),
                result.count(Outcome.REJECTED_OTHER), result.count(Outcome.REFUSED), result.count(Outcome.UNKNOWN),
                result.throughput(), result.histogram(), result.verdict().failures());
        }

        /** Latency (µs, from the intended send time) at a percentile of the answered requests. */
        public double micros(final double percentile)
        {
            return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /**
     * @param stock      the units the sale had.
     * @param soldBySale units the sale itself reports as sold (reserved + confirmed) after the burst.
     * @param report     the HTML report.
     */
    public record Result(int stock, Crowd honest, Crowd bots, long soldBySale, long remaining, Path report)
    {
        /**
         * What was asked for and could be given: every new attempt that got a unit or was told SOLD_OUT (a limit
         * refusal is a buyer who already holds the limit; 429, 503 and 504 never reached a decision).
         */
        public long demand()
        {
            return honest.units + honest.soldOut + (bots == null ? 0 : bots.units + bots.soldOut);
        }

        public long unitsAnswered()
        {
            return honest.units + (bots == null ? 0 : bots.units);
        }

        /** What a right sale sells: min(stock, demand). */
        public long expectedSold()
        {
            return Math.min(stock, demand());
        }

        /**
         * The one verdict of the sale, over both crowds: it sold min(stock, demand), the answers add up to what the
         * sale says it sold, and neither crowd saw anything wrong on its own.
         */
        public boolean adds()
        {
            return soldBySale == expectedSold() && unitsAnswered() == soldBySale && honest.failures.isEmpty() &&
                (bots == null || bots.failures.isEmpty());
        }

        /**
         * The verdict in words, the same in the terminal and on the report's first line: "sold: 500 of 500 (demand
         * 1,034: min(stock, demand) = 500) OK", or what did not add up.
         */
        public String verdictLine()
        {
            final List<String> wrong = new ArrayList<>();
            if (soldBySale != expectedSold() || unitsAnswered() != soldBySale)
            {
                wrong.add("the answers (" + unitsAnswered() + " units) and the sale's figures disagree");
            }
            for (final Crowd crowd : bots == null ? List.of(honest) : List.of(honest, bots))
            {
                if (!crowd.failures.isEmpty())
                {
                    wrong.add(crowd.name + ": " + String.join("; ", crowd.failures));
                }
            }
            return String.format(Locale.ROOT, "sold: %,d of %,d (demand %,d: min(stock, demand) = %,d) %s",
                soldBySale, stock, demand(), expectedSold(), adds() ? "OK" : "MISMATCH: " + String.join("; ", wrong));
        }
    }

    private ContestedBurst()
    {
    }

    /** Runs the burst (the sale exists and is open or about to open) and writes the report. */
    public static Result run(final Plan plan, final PrintStream progress) throws Exception
    {
        final Workload shoppers = new Workload(plan.shopperTokens().length, 0.05);
        final int inFlight = (int)Math.max(64, Math.min(100_000, plan.rate() * 2));
        final OpenLoop.Phase honestPhase = new OpenLoop.Phase("honest shoppers", plan.saleId(), plan.stock(),
            plan.limitPerUser(), plan.rate(), inFlight, plan.seconds(), 10).sharingTheSale();
        final boolean withBots = plan.botTokens().length > 0;
        try (HttpTarget honest = new HttpTarget("shoppers", HttpTarget.Kind.EDGE_PURCHASE, plan.host(), plan.port(),
                16, plan.shopperTokens(), plan.adminToken());
            HttpTarget bots = withBots ? new HttpTarget("bots", HttpTarget.Kind.EDGE_PURCHASE, plan.host(), plan.port(),
                Math.max(1, plan.botTokens().length), plan.botTokens(), plan.adminToken()) : null)
        {
            // both crowds at once on one system: one CPU reading for the burst, never one per crowd (each would
            // count the other's purchases' CPU as its own)
            final CpuWatch cpu = new CpuWatch();
            final CompletableFuture<OpenLoop.Result> honestRun = CompletableFuture.supplyAsync(() ->
                unchecked(() -> new OpenLoop(progress).run(honest, shoppers, honestPhase)));
            OpenLoop.Result botResult = null;
            if (withBots)
            {
                final Workload botWorkload = new Workload(plan.botTokens().length, 0);
                final double rate = plan.botRate() * plan.botTokens().length;
                botResult = new OpenLoop(progress).run(bots, botWorkload, new OpenLoop.Phase("bots", plan.saleId(),
                    plan.stock(), plan.limitPerUser(), rate, (int)Math.max(8, rate), plan.seconds(), 10)
                    .sharingTheSale());
            }
            final OpenLoop.Result honestResult = join(honestRun);
            final CpuUse burstCpu = cpu.report(plan.edgeInThisJvm());
            final Target.SaleFigures figures = honest.figures(plan.saleId(), plan.limitPerUser());
            final List<OpenLoop.Result> results = new ArrayList<>(List.of(honestResult));
            if (botResult != null)
            {
                results.add(botResult);
            }
            final Crowd honestCrowd = Crowd.of("honest shoppers", honestResult);
            final Crowd botCrowd = botResult == null ? null : Crowd.of("bots", botResult);
            final Path report = plan.out().resolve("report-demo.html");
            final Result result = new Result(plan.stock(), honestCrowd, botCrowd, figures.sold(), figures.remaining(),
                report);
            Report.writeHgrm(plan.out(), results);
            HtmlReport.write(report, new HtmlReport.SaleVerdict(result.verdictLine(), result.adds()),
                headlines(plan, result), PercentilePlot.of("Flashgate demo: sale " + plan.saleId() + ", " +
                    plan.stock() + " units", results), results, List.of(together(plan, results, burstCpu)), null);
            return result;
        }
    }

    /** Under the verdict: what the sale says, and each crowd's share of what it sold. */
    private static List<String> headlines(final Plan plan, final Result r)
    {
        final List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "the sale says: %,d of %,d sold, %,d left; demand %,d (units got or " +
            "refused as sold out)", r.soldBySale(), plan.stock(), r.remaining(), r.demand()));
        lines.add(String.format(Locale.ROOT, "honest shoppers: %,d of them, %,.0f requests/s for %.0f s, got %,d " +
            "units (%s of what sold)", plan.shopperTokens().length, plan.rate(), plan.seconds(), r.honest().units(),
            share(r.honest().units(), r.soldBySale())));
        if (r.bots() != null)
        {
            lines.add(String.format(Locale.ROOT, "bots: %d, %,.0f requests/s each, got %,d units (%s of what sold; at " +
                "most %d each)", plan.botTokens().length, plan.botRate(), r.bots().units(),
                share(r.bots().units(), r.soldBySale()), plan.limitPerUser()));
        }
        return lines;
    }

    private static String share(final long units, final long sold)
    {
        return sold == 0 ? "none" : String.format(Locale.ROOT, "%.1f %%", 100.0 * units / sold);
    }

    /**
     * The CPU section's one row: the system as both crowds loaded it together, over the whole burst (the rate, the
     * answers and the CPU of both), or a reading with no system of its own when the edge is not in this JVM, which
     * the section leaves out.
     */
    private static OpenLoop.Result together(final Plan plan, final List<OpenLoop.Result> crowds, final CpuUse cpu)
    {
        final OpenLoop.Result first = crowds.get(0);
        final Histogram latency = new Histogram(OpenLoop.HIGHEST_NANOS, 3);
        final long[] counts = new long[first.counts().length];
        long sent = 0;
        long answered = 0;
        long elapsed = 0;
        for (final OpenLoop.Result crowd : crowds)
        {
            latency.add(crowd.histogram());
            for (int i = 0; i < counts.length; i++)
            {
                counts[i] += crowd.counts()[i];
            }
            sent += crowd.sent();
            answered += crowd.answered();
            elapsed = Math.max(elapsed, crowd.elapsedNanos());
        }
        final double rate = plan.rate() + plan.botRate() * plan.botTokens().length;
        final OpenLoop.Phase phase = new OpenLoop.Phase("the burst, both crowds", plan.saleId(), plan.stock(),
            plan.limitPerUser(), rate, first.phase().maxInFlight(), plan.seconds(), first.phase().drainSeconds());
        return new OpenLoop.Result(phase, "flashgate (edge and engine)", latency, sent, answered, elapsed, counts,
            Verdict.NOT_APPLICABLE, cpu);
    }

    private interface Body<T>
    {
        T call() throws Exception;
    }

    private static <T> T unchecked(final Body<T> body)
    {
        try
        {
            return body.call();
        }
        catch (final Exception ex)
        {
            throw new CompletionException(ex);
        }
    }

    private static <T> T join(final CompletableFuture<T> future) throws Exception
    {
        try
        {
            return future.join();
        }
        catch (final CompletionException ex)
        {
            if (ex.getCause() instanceof Exception cause)
            {
                throw cause;
            }
            throw ex;
        }
    }
}
