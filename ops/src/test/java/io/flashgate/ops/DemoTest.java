package io.flashgate.ops;

import io.flashgate.processes.FreePorts;
import io.flashgate.processes.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ops/flashgate demo} as a real process, short: it starts Flashgate, prints the pages' addresses with tokens,
 * runs the contested burst with bots to the end, reports sold == min(stock, demand), what the bots got (never above
 * the limit each) and the HTML report, which gives the same verdict, and exits 0.
 */
class DemoTest
{
    @Test
    @Timeout(120)
    void aShortDemoRunsToTheEndAndSellsMinOfStockAndDemand(@TempDir final Path dir) throws Exception
    {
        final int port = FreePorts.tcp();
        final Path report = dir.resolve("report");
        try (ChildJvm demo = LauncherProcess.start(dir.resolve("demo.log"), Map.of(), "demo", "--seconds", "3",
            "--opens-in", "1", "--stock", "150", "--limit", "2", "--shoppers", "400", "--rate", "300", "--bots", "2",
            "--bot-rate", "100", "--sale", "demo-test", "--http-port", Integer.toString(port), "--data-dir",
            dir.resolve("data").toString(), "--out", report.toString()))
        {
            assertEquals(0, demo.awaitExit(Duration.ofSeconds(100)), demo.output());
            final String out = demo.output();
            assertTrue(out.contains("shopper page: http://127.0.0.1:" + port + "/?sale=demo-test#token=ey"), out);
            assertTrue(out.contains("console:      http://127.0.0.1:" + port + "/console#token=ey"), out);
            final Matcher sold = Pattern.compile("sold: ([\\d,]+) of ([\\d,]+) \\(demand ([\\d,]+): min\\(stock, " +
                "demand\\) = ([\\d,]+)\\) OK").matcher(out);
            assertTrue(sold.find(), out);
            final long units = number(sold.group(1));
            assertEquals(Math.min(number(sold.group(2)), number(sold.group(3))), units, out);
            assertEquals(150, units, "400 shoppers at 300/s for 3 s want more than 150: " + out);
            final Matcher bots = Pattern.compile("bots vs honest: 2 bots sent ([\\d,]+) requests and got ([\\d,]+) units")
                .matcher(out);
            assertTrue(bots.find(), out);
            assertTrue(number(bots.group(1)) > 100 && number(bots.group(2)) <= 4, "bots above their limit: " + out);
            assertTrue(out.contains("rejected: sold out"), out);
            assertTrue(out.contains("throughput") && out.contains("p99"), out);
            assertTrue(Files.size(report.resolve("report-demo.html")) > 10_000, out);
            assertTrue(out.contains("report: " + report.resolve("report-demo.html").toAbsolutePath()), out);

            // the report says what the terminal says: the sale's one verdict, each crowd's share, the CPU of a known
            // system (the demo's Flashgate runs in its JVM), nothing red, no system named "?"
            final String html = Files.readString(report.resolve("report-demo.html"));
            assertTrue(html.contains("<p id=\"verdict\" class=ok><strong>" + sold.group() + "</strong></p>"),
                "the terminal's verdict line first: " + sold.group());
            assertTrue(html.contains("honest shoppers: 400 of them") && html.contains("bots: 2,"), "each crowd");
            assertEquals(2, count(html, "its share of a sale other crowds bought at the same time"),
                "each crowd's share, not a verdict on the whole sale");
            assertEquals(0, count(html, "FAILED"), "a right sale: no crowd marked FAILED");
            assertEquals(0, count(html, "class=bad"), "a right sale: nothing in red");
            assertEquals(0, count(html, "<small>?</small>"), "no system without a name");
            final Matcher cpu = Pattern.compile("flashgate \\(edge and engine\\)<br><small>this JVM without the " +
                "generator</small></td><td>[\\d,]+</td><td>(\\d+\\.\\d\\d)</td>").matcher(html);
            assertTrue(cpu.find(), "one CPU row for the burst, of the edge and engine in the demo's JVM");
            assertTrue(Double.parseDouble(cpu.group(1)) > 0, "the system used some CPU: " + cpu.group());
        }
    }

    private static int count(final String text, final String part)
    {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1))
        {
            count++;
        }
        return count;
    }

    private static long number(final String text)
    {
        return Long.parseLong(text.replace(",", ""));
    }
}
