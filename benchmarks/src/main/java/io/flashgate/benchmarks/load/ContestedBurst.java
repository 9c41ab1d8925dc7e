package io.flashgate.benchmarks.load;

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
     */
    public record Plan(String host, int port, String saleId, int stock, int limitPerUser, String[] shopperTokens,
        String[] botTokens, String adminToken, double rate, double botRate, double seconds, Path out)
    {
    }

    /** What one crowd (the honest shoppers, or the bots) got. */
    public record Crowd(String name, long sent, long units, long replayed, long soldOut, long limitExceeded,
        long rejectedOther, long refused, long unknown, double throughput, Histogram latency)
    {
        static Crowd of(final String name, final OpenLoop.Result result)
        {
            return new Crowd(name, result.sent(), result.count(Outcome.ACCEPTED), result.count(Outcome.REPLAYED),
                result.count(Outcome.SOLD_OUT), result.count(Outcome.LIMIT_EXCEEDED),
                result.count(Outcome.REJECTED_OTHER), result.count(Outcome.REFUSED), result.count(Outcome.UNKNOWN),
                result.throughput(), result.histogram());
        }

        /** Latency (µs, from the intended send time) at a percentile of the answered requests. */
        public double micros(final double percentile)
        {
            return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /**
     * @param soldBySale units the sale itself reports as sold (reserved + confirmed) after the burst.
     * @param report     the HTML report.
     */
    public record Result(Crowd honest, Crowd bots, long soldBySale, long remaining, Path report)
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
            plan.limitPerUser(), plan.rate(), inFlight, plan.seconds(), 10);
        final boolean withBots = plan.botTokens().length > 0;
        try (HttpTarget honest = new HttpTarget("shoppers", HttpTarget.Kind.EDGE_PURCHASE, plan.host(), plan.port(),
                16, plan.shopperTokens(), plan.adminToken());
            HttpTarget bots = withBots ? new HttpTarget("bots", HttpTarget.Kind.EDGE_PURCHASE, plan.host(), plan.port(),
                Math.max(1, plan.botTokens().length), plan.botTokens(), plan.adminToken()) : null)
        {
            final CompletableFuture<OpenLoop.Result> honestRun = CompletableFuture.supplyAsync(() ->
                unchecked(() -> new OpenLoop(progress).run(honest, shoppers, honestPhase)));
            OpenLoop.Result botResult = null;
            if (withBots)
            {
                final Workload botWorkload = new Workload(plan.botTokens().length, 0);
                final double rate = plan.botRate() * plan.botTokens().length;
                botResult = new OpenLoop(progress).run(bots, botWorkload, new OpenLoop.Phase("bots", plan.saleId(),
                    plan.stock(), plan.limitPerUser(), rate, (int)Math.max(8, rate), plan.seconds(), 10));
            }
            final OpenLoop.Result honestResult = join(honestRun);
            final Target.SaleFigures figures = honest.figures(plan.saleId(), plan.limitPerUser());
            final List<OpenLoop.Result> results = new ArrayList<>(List.of(honestResult));
            if (botResult != null)
            {
                results.add(botResult);
            }
            final Crowd honestCrowd = Crowd.of("honest shoppers", honestResult);
            final Crowd botCrowd = botResult == null ? null : Crowd.of("bots", botResult);
            final Path report = plan.out().resolve("report-demo.html");
            final Result result = new Result(honestCrowd, botCrowd, figures.sold(), figures.remaining(), report);
            Report.writeHgrm(plan.out(), results);
            HtmlReport.write(report, headlines(plan, result), PercentilePlot.of("Flashgate demo: sale " +
                plan.saleId() + ", " + plan.stock() + " units", results), results, null);
            return result;
        }
    }

    private static List<String> headlines(final Plan plan, final Result r)
    {
        final List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "sold %,d of %,d (the sale says; %,d left), demand %,d", r.soldBySale(),
            plan.stock(), r.remaining(), r.demand()));
        lines.add(String.format(Locale.ROOT, "honest shoppers: %,d of them, %,.0f requests/s for %.0f s, got %,d units",
            plan.shopperTokens().length, plan.rate(), plan.seconds(), r.honest().units()));
        if (r.bots() != null)
        {
            lines.add(String.format(Locale.ROOT, "bots: %d, %,.0f requests/s each, got %,d units (at most %d each)",
                plan.botTokens().length, plan.botRate(), r.bots().units(), plan.limitPerUser()));
        }
        return lines;
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
