package io.flashgate.edge.http;

import io.flashgate.protocol.SaleStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator console ({@code docs/HTTP-API.md}, "Pages") in headless Chromium against a real edge and a real
 * engine behind Aeron: an operator creates a sale, watches its figures move while shoppers buy, and pauses it; another
 * picks a sale they did not create from the list of sales and steers it. Keeps screenshots under target/screenshots/.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConsolePageTest
{
    @TempDir
    Path dir;
    TestEdge edge;
    HeadlessChromium browser;

    @BeforeEach
    void start() throws Exception
    {
        edge = TestEdge.start(dir);
        browser = HeadlessChromium.start(1280, 1500);
    }

    @AfterEach
    void stop()
    {
        try
        {
            assertEquals(0, edge.server.internalErrors(), "no request may end in the 500 catch-all");
            browser.assertLoadedOnlyFrom(edge.base);
            browser.assertNoConsoleErrors();
        }
        finally
        {
            try
            {
                browser.close();
            }
            finally
            {
                edge.close();
            }
        }
    }

    @Test
    void anOperatorCreatesASaleWatchesItMoveAndPausesIt() throws Exception
    {
        browser.driver.get(edge.base + "/console#token=" + edge.admin());
        browser.awaitText("admin-name", "ops");
        assertFalse(browser.driver.getCurrentUrl().contains("token"), "the token leaves the address bar");

        type("new-sale-id", "console-drop");
        type("new-stock", "60");
        type("new-limit", "2");
        browser.find("create-sale").click();
        browser.awaitText("console-answer", "Sale console-drop created.");
        assertEquals(60, edge.engineSale("console-drop").stock());
        browser.await("the new sale in the list", () -> listed().equals(java.util.List.of("console-drop")));
        browser.awaitText("fig-stock", "60");
        browser.awaitText("fig-status", "OPEN");
        browser.awaitText("engine-role", "SOLO");
        assertEquals("0", browser.text("engine-epoch"));
        assertTrue(browser.text("engine-standby").startsWith("ABSENT"), browser.text("engine-standby"));

        // shoppers buy while the operator watches: one at a time per user, a greedy one above the limit
        final AtomicBoolean buying = new AtomicBoolean(true);
        final AtomicInteger created = new AtomicInteger();
        final ExecutorService shoppers = Executors.newSingleThreadExecutor();
        final Future<?> load = shoppers.submit(() ->
        {
            for (int i = 0; buying.get() && i < 200; i++)
            {
                if (edge.purchase("console-drop", "shopper-" + i, "k", 1).status() == 201)
                {
                    created.incrementAndGet();
                }
                edge.purchase("console-drop", "greedy", "g" + i, 2);
                sleep(150);
            }
        });
        try
        {
            browser.await("reservations to show", () -> number("fig-reserved") >= 3);
            final long reservedSeen = number("fig-reserved");
            browser.await("the figures to move", () -> number("fig-reserved") > reservedSeen);
            browser.await("accepted purchases per second", () -> decimal("fig-accepted-rate") > 0);
            browser.await("the greedy shopper's refusals by reason",
                () -> !browser.driver.findElements(By.cssSelector("#rejections li[data-code='LIMIT_EXCEEDED']")).isEmpty());
            browser.await("a latency percentile", () -> browser.text("fig-latency").contains("/"));
            browser.await("a few seconds of chart", () -> chartPoints("chart-stock") >= 6 && chartPoints("chart-answers") >= 5);
            // one reading: the three figures of one poll, drawn together
            final Object sum = browser.script("return ['fig-remaining', 'fig-reserved', 'fig-confirmed']" +
                ".map(id => Number(document.getElementById(id).textContent)).reduce((a, b) => a + b, 0);");
            assertEquals(60, ((Number)sum).longValue(), "remaining + reserved + confirmed = stock");
            browser.screenshot("console");
        }
        finally
        {
            buying.set(false);
            load.get(20, TimeUnit.SECONDS);
            shoppers.shutdown();
        }
        assertTrue(created.get() >= 3);

        browser.find("pause").click();
        browser.awaitText("console-answer", "Sale console-drop paused.");
        browser.awaitText("fig-status", "PAUSED");
        assertEquals(SaleStatus.PAUSED, edge.engineSale("console-drop").status());
        edge.purchase("console-drop", "late", "k", 1).expect(409, "SALE_PAUSED");
        browser.await("the paused refusal", () ->
            !browser.driver.findElements(By.cssSelector("#rejections li[data-code='SALE_PAUSED']")).isEmpty());
        browser.screenshot("console-paused");
    }

    @Test
    void anOperatorAdjustsStockResumesEndsAndBlocklists() throws Exception
    {
        // sales this browser never created nor was told of: the operator picks one from the list
        edge.createSale("steered", 10, 2, 600).expect(201, null);
        edge.createSale("another", 3, 1, 600).expect(201, null);
        browser.driver.get(edge.base + "/console");
        browser.script("sessionStorage.clear()");
        browser.driver.navigate().refresh();
        browser.find("admin-token").sendKeys(edge.admin());
        browser.find("admin-signin").click();
        browser.await("the list of sales, newest first", () -> listed().equals(java.util.List.of("another", "steered")));
        assertEquals("No sale watched", browser.text("title"));
        assertTrue(browser.text("sales-rows").contains("10 / 10"), browser.text("sales-rows"));
        browser.find("sales").findElement(By.cssSelector("button[data-sale='steered']")).click();
        browser.awaitText("title", "Sale steered");
        browser.awaitText("fig-stock", "10");
        browser.await("the watched sale marked in the list", () -> !browser.driver.findElements(
            By.cssSelector("#sales-rows tr.watched[data-sale='steered']")).isEmpty());

        type("stock-delta", "5");
        browser.find("adjust-stock").click();
        browser.awaitText("console-answer", "Stock of steered raised by 5.");
        browser.awaitText("fig-stock", "15");
        assertEquals(15, edge.engineSale("steered").stock());

        browser.find("pause").click();
        browser.awaitText("fig-status", "PAUSED");
        browser.find("resume").click();
        browser.awaitText("console-answer", "Sale steered resumed.");
        browser.awaitText("fig-status", "OPEN");

        type("block-users", "mallory, trudy");
        browser.find("block").click();
        browser.awaitText("console-answer", "Blocked 2 user(s) and 0 IP(s)");
        edge.purchase("steered", "mallory", "k", 1).expect(403, "BLOCKED");
        edge.purchase("steered", "alice", "k", 1).expect(201, null);

        browser.find("end").click();
        browser.awaitText("fig-status", "ENDED");
        assertEquals(SaleStatus.ENDED, edge.engineSale("steered").status());
        browser.await("the list to show the sale ended", () -> !browser.driver.findElements(
            By.cssSelector("#sales-rows tr[data-sale='steered'][data-status='ENDED']")).isEmpty());

        type("new-sale-id", "steered");
        browser.find("create-sale").click();
        browser.awaitText("console-answer", "SALE_EXISTS");
        browser.screenshot("console-steered");
    }

    /** The sale ids of the console's list, in the order shown. */
    private java.util.List<String> listed()
    {
        return browser.driver.findElements(By.cssSelector("#sales-rows tr")).stream()
            .map(row -> row.getAttribute("data-sale")).toList();
    }

    private void type(final String id, final String text)
    {
        final WebElement input = browser.find(id);
        input.clear();
        input.sendKeys(text);
    }

    private long number(final String id)
    {
        final String text = browser.text(id).trim();
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }

    private double decimal(final String id)
    {
        final String text = browser.text(id).trim();
        return text.matches("\\d+(\\.\\d+)?") ? Double.parseDouble(text) : -1;
    }

    private long chartPoints(final String canvasId)
    {
        final Object points = browser.script("const c = Chart.getChart(arguments[0]); return c ? c.data.labels.length : 0;",
            canvasId);
        return ((Number)points).longValue();
    }

    private static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
