package io.flashgate.load;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.flashgate.load.ResultText.percentile;
import static io.flashgate.load.ResultText.ratio;
import static io.flashgate.load.ResultText.verdict;

/**
 * What an HTTP run shows: the edge's ratios to the bare endpoint against their targets, the correctness checks,
 * the files, and the one-line SUMMARY printed last.
 */
final class HttpSummary
{
    private HttpSummary()
    {
    }

    /** Writes the files, prints the headlines and the summary; returns the exit code. */
    static int report(final HttpOptions options, final HttpBench.Measured measured, final Path outDir,
        final PrintStream out) throws Exception
    {
        final List<OpenLoop.Result> results = new ArrayList<>(measured.saturation());
        results.addAll(measured.open());
        final OpenLoop.Result bareGet = results.get(0);
        final OpenLoop.Result edgeStatus = results.get(1);
        final OpenLoop.Result edgeSoldOut = results.get(2);
        final OpenLoop.Result barePost = results.get(3);
        final OpenLoop.Result edgePurchase = results.get(4);
        final List<String> headlines = new ArrayList<>();
        for (final OpenLoop.Result r : results)
        {
            headlines.add(String.format(Locale.ROOT, "%s: %,.0f req/s, p50 %s p99 %s p99.9 %s [%s]; %s", r.target(),
                r.throughput(), percentile(r, 50), percentile(r, 99), percentile(r, 99.9), r.countsText(), r.cpu()));
        }
        for (final OpenLoop.Result r : results)
        {
            if (r.cpuUse().measured())
            {
                headlines.add(r.phase().label() + " " + r.cpuPerPurchase().replace(" per purchase", " per request"));
            }
        }
        final double postRatio = edgePurchase.throughput() / barePost.throughput();
        final double p99Ratio = edgePurchase.percentileMicros(99) / barePost.percentileMicros(99);
        final double statusRatio = edgeStatus.throughput() / bareGet.throughput();
        final double soldOutRatio = edgeSoldOut.throughput() / bareGet.throughput();
        headlines.add(String.format(Locale.ROOT, "edge POST purchase / bare POST: throughput %.0f%% (target ≥ 80%%), " +
            "p99 %.2f× (target ≤ 1.5×) %s", postRatio * 100, p99Ratio, mark(postRatio >= 0.8 && p99Ratio <= 1.5)));
        headlines.add(String.format(Locale.ROOT, "edge GET status / bare GET: throughput %.0f%% (target ≥ 90%%) %s",
            statusRatio * 100, mark(statusRatio >= 0.9)));
        headlines.add(String.format(Locale.ROOT, "edge POST sold-out / bare GET: throughput %.0f%% (target ≥ 90%%) %s",
            soldOutRatio * 100, mark(soldOutRatio >= 0.9)));
        String openSummary = "";
        if (!measured.open().isEmpty())
        {
            final OpenLoop.Result bareOpen = measured.open().get(0);
            final OpenLoop.Result edgeOpen = measured.open().get(1);
            headlines.add(String.format(Locale.ROOT, "open loop at %s: edge POST purchase / bare POST latency p50 %s, " +
                    "p99 %s, p99.9 %s (%s vs %s at p99); correctness %s", edgeOpen.phase().label(),
                ratio(edgeOpen.percentileMicros(50), bareOpen.percentileMicros(50)),
                ratio(edgeOpen.percentileMicros(99), bareOpen.percentileMicros(99)),
                ratio(edgeOpen.percentileMicros(99.9), bareOpen.percentileMicros(99.9)),
                percentile(edgeOpen, 99), percentile(bareOpen, 99), verdict(edgeOpen)));
            openSummary = String.format(Locale.ROOT, " | open loop %s: edge/bare POST p99 %s vs %s%s",
                edgeOpen.phase().label(), percentile(edgeOpen, 99), percentile(bareOpen, 99),
                edgeOpen.cpuUse().measured() && bareOpen.cpuUse().measured() ? String.format(Locale.ROOT,
                    ", cpu %.1fµs vs %.1fµs/request", CpuUse.micros(edgeOpen.cpuUse().systemTicks(), edgeOpen.answered()),
                    CpuUse.micros(bareOpen.cpuUse().systemTicks(), bareOpen.answered())) : "");
        }
        final String standbySummary = measured.hasStandby() ? standby(measured, headlines) : "";
        headlines.add("correctness edge POST purchase: " + verdict(edgePurchase));
        final boolean soldOutAllRejected = edgeSoldOut.count(Outcome.SOLD_OUT) == edgeSoldOut.sent();
        headlines.add("correctness edge POST sold-out: " + (soldOutAllRejected ? "OK" : "FAILED") + ", " +
            edgeSoldOut.countsText());
        final boolean allPassed = results.stream().allMatch(r -> r.verdict().passed()) && soldOutAllRejected &&
            (!measured.hasStandby() || stayedInSync(measured));

        Report.writeHgrm(outDir, results);
        final PercentilePlot plot = PercentilePlot.of("Flashgate HTTP edge vs bare Javalin, " +
            options.connections() + " connections", results);
        plot.writePng(outDir.resolve("percentiles-http.png"));
        HtmlReport.write(outDir.resolve("report-http.html"), headlines, plot, results, "percentiles-http.png");
        final String summary = String.format(Locale.ROOT,
            "SUMMARY http | edge POST %,.0f/s%s = %.0f%% of bare POST %,.0f/s%s, p99 %s vs %s (%.2f×) | edge GET status " +
                "%,.0f/s = %.0f%% and POST sold-out %,.0f/s = %.0f%% of bare GET %,.0f/s%s%s | correctness %s",
            edgePurchase.throughput(), ResultText.cpuMicros(edgePurchase, "request"), postRatio * 100,
            barePost.throughput(), ResultText.cpuMicros(barePost, "request"), percentile(edgePurchase, 99),
            percentile(barePost, 99), p99Ratio, edgeStatus.throughput(), statusRatio * 100, edgeSoldOut.throughput(),
            soldOutRatio * 100, bareGet.throughput(), openSummary, standbySummary, allPassed ? "OK" : "FAILED");
        Files.writeString(outDir.resolve("summary-http.txt"), String.join("\n", headlines) + "\n" + summary + "\n");
        for (final String headline : headlines)
        {
            out.println(headline);
        }
        out.println("files: " + outDir.toAbsolutePath() +
            "/{report-http.html,percentiles-http.png,*.hgrm,summary-http.txt,server-http.log" +
            (measured.hasStandby() ? ",server-http-standby.log}" : "}"));
        out.println(summary);
        return allPassed ? BenchVerb.PASSED : BenchVerb.FAILED;
    }

    /**
     * The standby leg against the journal-only one (synchronous replication's cost on the HTTP purchase path):
     * adds its headlines, returns its part of the summary line.
     */
    private static String standby(final HttpBench.Measured measured, final List<String> headlines)
    {
        final OpenLoop.Result journalOnly = measured.saturation().get(4);
        final OpenLoop.Result paired = measured.saturation().get(HttpBench.Measured.SATURATION_STANDBY);
        final double throughput = paired.throughput() / journalOnly.throughput();
        final double p99 = paired.percentileMicros(99) / journalOnly.percentileMicros(99);
        headlines.add(String.format(Locale.ROOT, "standby (synchronous replication) / journal-only edge POST purchase " +
                "at saturation: throughput %,.0f/s vs %,.0f/s = %.0f%% (target ≥ 70%%), p99 %s vs %s = %.2f× " +
                "(target ≤ 2×) %s", paired.throughput(), journalOnly.throughput(), throughput * 100,
            percentile(paired, 99), percentile(journalOnly, 99), p99, mark(throughput >= 0.7 && p99 <= 2)));
        String summary = String.format(Locale.ROOT, " | standby POST %,.0f/s%s = %.0f%% of journal-only, p99 %s vs %s " +
                "(%.2f×)", paired.throughput(), ResultText.cpuMicros(paired, "request"), throughput * 100,
            percentile(paired, 99), percentile(journalOnly, 99), p99);
        if (measured.open().size() > HttpBench.Measured.OPEN_STANDBY)
        {
            final OpenLoop.Result openJournalOnly = measured.open().get(1);
            final OpenLoop.Result openPaired = measured.open().get(HttpBench.Measured.OPEN_STANDBY);
            final double openThroughput = openPaired.throughput() / openJournalOnly.throughput();
            final double openP99 = openPaired.percentileMicros(99) / openJournalOnly.percentileMicros(99);
            headlines.add(String.format(Locale.ROOT, "open loop at %s: standby / journal-only edge POST purchase: " +
                    "throughput %,.0f/s vs %,.0f/s = %.0f%% (target ≥ 70%%), p50 %s vs %s, p99 %s vs %s = %.2f× " +
                    "(target ≤ 2×) %s; correctness %s", openPaired.phase().label(), openPaired.throughput(),
                openJournalOnly.throughput(), openThroughput * 100, percentile(openPaired, 50),
                percentile(openJournalOnly, 50), percentile(openPaired, 99), percentile(openJournalOnly, 99), openP99,
                mark(openThroughput >= 0.7 && openP99 <= 2), verdict(openPaired)));
            summary += String.format(Locale.ROOT, "; open loop p99 %s vs %s (%.2f×)%s", percentile(openPaired, 99),
                percentile(openJournalOnly, 99), openP99, openPaired.cpuUse().measured() &&
                    openJournalOnly.cpuUse().measured() ? String.format(Locale.ROOT, ", cpu %.1fµs vs %.1fµs/request",
                    CpuUse.micros(openPaired.cpuUse().systemTicks(), openPaired.answered()),
                    CpuUse.micros(openJournalOnly.cpuUse().systemTicks(), openJournalOnly.answered())) : "");
        }
        headlines.add("correctness edge POST purchase standby: " + verdict(paired));
        final long refused = paired.count(Outcome.REFUSED) + (measured.open().size() > HttpBench.Measured.OPEN_STANDBY ?
            measured.open().get(HttpBench.Measured.OPEN_STANDBY).count(Outcome.REFUSED) : 0);
        headlines.add("standby leg's engine after the run (its edge's GET /admin/engine): " + measured.standbyEngine() +
            (stayedInSync(measured) ? " — in sync at the end" : " — NOT in sync: the leg did not measure synchronous " +
                "replication") + "; purchases refused on it (a lapse of the standby refuses them): " + refused);
        return summary;
    }

    private static boolean stayedInSync(final HttpBench.Measured measured)
    {
        return measured.standbyEngine().startsWith("PRIMARY IN_SYNC");
    }

    static String mark(final boolean met)
    {
        return met ? "— met" : "— MISSED";
    }
}
