package io.flashgate.load;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two crowds buying one sale at once (the demo's honest shoppers and bots): neither crowd's phase can judge the sale,
 * so each says its share and the page carries the one verdict of the sale; a system whose process is unknown gets no
 * CPU figures, never a "?" system at 0.00 cores.
 */
class SharedSaleReportTest
{
    @TempDir
    Path dir;

    /** Stock 5, limit 2: crowd A (10 buyers, 3 requests each) got 3 units, crowd B the other 2. */
    @Test
    void aCrowdOfASharedSaleIsJudgedOnWhatItCanSeeAndStillCatchesWhatItSees()
    {
        final Workload workload = new Workload(10, 0.0);
        final Ledger ledger = new Ledger(30);
        for (int i = 0; i < 30; i++)
        {
            ledger.record(i, i < 3 ? Outcome.ACCEPTED : Outcome.SOLD_OUT, i < 3 ? 1000 + i : 0);
        }
        final Target.SaleFigures sale = new Target.SaleFigures(5, 0, 2);

        final Verdict alone = Verdict.check(workload, ledger, 30, 5, 2, sale);
        assertFalse(alone.passed(), "as if the sale were its own, 3 sold of 5 with demand above: " + alone.failures());

        final Verdict share = Verdict.check(workload, ledger, 30, 5, 2, sale, true);
        assertTrue(share.passed(), share.failures().toString());
        final String text = share.summary(5, 2);
        assertTrue(text.startsWith("OK: its share of a sale other crowds bought at the same time: got 3 of the 5 " +
            "units the sale sold (60.0 %)"), text);

        final Workload retries = new Workload(10, 0.999);
        final Ledger twice = new Ledger(20);
        for (int i = 0; i < 20; i++)
        {
            twice.record(i, Outcome.ACCEPTED, 1000 + i); // a re-sent key got a second order
        }
        final Verdict doubled = Verdict.check(retries, twice, 20, 100, 5, new Target.SaleFigures(40, 60, -1), true);
        assertFalse(doubled.passed(), "a crowd still sees its own re-sent keys answered twice");
        assertTrue(doubled.summary(100, 5).startsWith("FAILED"), doubled.summary(100, 5));
    }

    @Test
    void thePageOfASharedSaleHasOneVerdictTheCrowdsSharesAndNoUnknownSystem() throws Exception
    {
        final OpenLoop.Result honest = crowd("honest shoppers", 494, unknownSystem());
        final OpenLoop.Result bots = crowd("bots", 6, unknownSystem());
        final String verdict = "sold: 500 of 500 (demand 1,034: min(stock, demand) = 500) OK";
        final Path page = dir.resolve("report-demo.html");

        HtmlReport.write(page, new HtmlReport.SaleVerdict(verdict, true), List.of("honest shoppers: got 494 units"),
            PercentilePlot.of("Flashgate demo", List.of(honest, bots)), List.of(honest, bots), List.of(honest, bots),
            null);

        final String html = Files.readString(page, StandardCharsets.UTF_8);
        assertTrue(html.contains("<p id=\"verdict\" class=ok><strong>" + verdict + "</strong></p>"), html);
        assertTrue(html.contains("got 494 of the 500 units the sale sold (98.8 %)"), "the honest shoppers' share");
        assertTrue(html.contains("got 6 of the 500 units the sale sold (1.2 %)"), "the bots' share");
        assertFalse(html.contains("FAILED"), "no crowd failed: the sale was right");
        assertFalse(html.contains("class=bad"), "nothing in red");
        assertFalse(html.contains("<small>?</small>"), "no system without a name");
        assertFalse(html.contains("CPU per purchase"), "no CPU table for a system whose process is unknown");

        final OpenLoop.Result both = crowd("flashgate (edge and engine)", 500, new CpuUse(3, 500, 400, 0, null, true,
            Map.of(ThreadGroups.GENERATOR, 100L, "logic", 150L, "jetty", 150L), Map.of()));
        HtmlReport.write(page, new HtmlReport.SaleVerdict(verdict, true), List.of(), PercentilePlot.of("Flashgate demo",
            List.of(honest, bots)), List.of(honest, bots), List.of(both), null);
        final String withCpu = Files.readString(page, StandardCharsets.UTF_8);
        assertTrue(withCpu.contains("CPU per purchase"), "the edge in this JVM: its CPU is known");
        assertTrue(withCpu.contains("flashgate (edge and engine)<br><small>this JVM without the generator</small>"),
            withCpu);
        assertTrue(withCpu.contains("<td>1.00</td>"), "300 ticks over 3 s: one core: " + withCpu);
    }

    private static CpuUse unknownSystem()
    {
        // an edge at a URL: this JVM is only the generator, and no peer process was named
        return new CpuUse(3, 400, 50, 0, null, false, Map.of(ThreadGroups.GENERATOR, 50L), Map.of());
    }

    private static OpenLoop.Result crowd(final String name, final long units, final CpuUse cpu)
    {
        final Workload workload = new Workload(1000, 0.0);
        final Ledger ledger = new Ledger(1000);
        final Histogram latency = new Histogram(OpenLoop.HIGHEST_NANOS, 3);
        for (int i = 0; i < 1000; i++)
        {
            ledger.record(i, i < units ? Outcome.ACCEPTED : Outcome.SOLD_OUT, i < units ? 1 + i : 0);
            latency.recordValue(1_000_000 + i * 1000L);
        }
        final Verdict verdict = Verdict.check(workload, ledger, 1000, 500, 2, new Target.SaleFigures(500, 0, 2), true);
        final OpenLoop.Phase phase = new OpenLoop.Phase(name, "demo", 500, 2, 1000, 64, 1, 1).sharingTheSale();
        return new OpenLoop.Result(phase, name, latency, 1000, 1000, 1_000_000_000L, ledger.counts(), verdict, cpu);
    }
}
