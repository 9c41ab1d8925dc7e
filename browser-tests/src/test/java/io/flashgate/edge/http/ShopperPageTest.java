package io.flashgate.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.flashgate.client.OverloadedException;
import io.flashgate.protocol.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.flashgate.edge.http.TestEdge.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shopper page ({@code docs/HTTP-API.md}, "Pages") in headless Chromium, on a phone-sized window, against a real
 * edge and a real engine behind Aeron. The browser's clock runs ten minutes late in every test: the page must count
 * down and open on the server's clock. Each test keeps a screenshot under target/screenshots/.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ShopperPageTest
{
    /** A phone: 390 x 844 CSS pixels. */
    private static final int WIDTH = 390;
    private static final int HEIGHT = 844;
    private static final long BROWSER_CLOCK_SKEW_MILLIS = -Duration.ofMinutes(10).toMillis();

    @TempDir
    static Path dir;
    static TestEdge edge;
    static HeadlessChromium browser;

    @BeforeAll
    static void start() throws Exception
    {
        // A short reply timeout, so that the 504 test does not wait long; but longer than a purchase the 429 test holds
        // at the gateway while the browser reacts, which on a loaded machine took over 1.5 s.
        edge = TestEdge.start(dir, TestEdge.config().withReplyTimeout(Duration.ofMillis(4000)));
        browser = HeadlessChromium.start(WIDTH, HEIGHT);
        browser.emulatePhone(WIDTH, HEIGHT);
        browser.skewClock(BROWSER_CLOCK_SKEW_MILLIS);
    }

    @AfterAll
    static void stop()
    {
        try
        {
            if (browser != null)
            {
                browser.close();
            }
        }
        finally
        {
            if (edge != null)
            {
                edge.close();
            }
        }
    }

    @AfterEach
    void checkPage()
    {
        edge.gateway.intercept((command, real) -> null);
        assertEquals(0, edge.server.internalErrors(), "no request may end in the 500 catch-all");
        browser.assertLoadedOnlyFrom(edge.base);
        browser.assertNoConsoleErrors();
    }

    @Test
    void theCountdownRunsOnTheServersClockAndOpensTheBuyButtonOnTime() throws Exception
    {
        final Instant startsAt = Instant.now().plusSeconds(4);
        edge.createSale("countdown", 10, 2, startsAt, startsAt.plusSeconds(3600), 600).expect(201, null);
        open("countdown", "alice");

        browser.awaitText("countdown", "Opens in 0:0");
        assertEquals("SCHEDULED", browser.find("sale-status").getAttribute("data-status"));
        assertFalse(browser.find("buy").isEnabled(), "no buying before the start");
        assertTrue(browser.text("buy-hint").contains("Buying opens when the countdown ends"));
        assertFalse(browser.driver.getCurrentUrl().contains("token"), "the token leaves the address bar");
        assertEquals("alice", browser.text("user-name"));
        browser.screenshot("shopper-countdown");

        browser.await("the buy button to open", () -> browser.find("buy").isEnabled());
        final Instant opened = Instant.now();
        // the browser's own clock says the start is ten minutes away: only the server's clock opens it now
        assertFalse(opened.isBefore(startsAt.minusMillis(250)), "opened at " + opened + ", before the start " + startsAt);
        assertTrue(opened.isBefore(startsAt.plusSeconds(3)), "opened at " + opened + ", long after the start " + startsAt);
        assertEquals("On sale now", browser.text("sale-status"));
        assertEquals("", browser.text("countdown"));

        browser.find("buy").click();
        browser.await("the order", () -> "CREATED".equals(browser.find("answer").getAttribute("data-code")));
        assertTrue(browser.text("answer").startsWith("You got it!"), browser.text("answer"));
        assertEquals(1, edge.engineSale("countdown").reserved());
    }

    @Test
    void aPurchaseShowsTheOrderWhichCanBeCancelledWhileReserved() throws Exception
    {
        edge.createSale("purchase", 10, 2, 600).expect(201, null);
        open("purchase", null);
        browser.script("sessionStorage.clear()");
        browser.driver.navigate().refresh();
        browser.awaitText("buy-hint", "Sign in to buy");
        assertFalse(browser.find("buy").isEnabled());

        browser.find("token-input").sendKeys(edge.shopper("bob"));
        browser.find("signin-button").click();
        browser.awaitText("user-name", "bob");
        browser.awaitText("remaining", "10 left");
        final WebElement quantity = browser.find("quantity");
        quantity.clear();
        quantity.sendKeys("2");
        browser.find("buy").click();

        browser.await("the order", () -> "CREATED".equals(browser.find("answer").getAttribute("data-code")));
        assertTrue(browser.text("answer").contains("2 items reserved for you until"), browser.text("answer"));
        final WebElement order = browser.driver.findElement(By.cssSelector("li.order"));
        final String orderId = order.getAttribute("data-order-id");
        assertEquals("RESERVED", order.findElement(By.className("order-status")).getAttribute("data-status"));
        final Reply.Sale sale = edge.engineSale("purchase");
        assertEquals(2, sale.reserved());
        assertEquals(1, sale.buyers());
        browser.awaitText("remaining", "8 left");
        assertFitsThePhone();
        browser.screenshot("shopper-page");

        browser.driver.findElement(By.cssSelector("li.order[data-order-id='" + orderId + "'] .cancel")).click();
        browser.await("the cancellation", () -> "CANCELLED".equals(browser.driver
            .findElement(By.cssSelector("li.order[data-order-id='" + orderId + "'] .order-status")).getAttribute("data-status")));
        assertTrue(browser.text("answer").contains("is cancelled"), browser.text("answer"));
        assertTrue(browser.driver.findElements(By.cssSelector("li.order .cancel")).isEmpty(), "no cancel once cancelled");
        assertEquals(0, edge.engineSale("purchase").reserved());
        browser.awaitText("remaining", "10 left");
        browser.screenshot("shopper-cancelled");
    }

    @Test
    void theSameClickTwiceGivesOneOrder() throws Exception
    {
        edge.createSale("double", 10, 2, 600).expect(201, null);
        open("double", "carol");
        browser.await("the buy button", () -> browser.find("buy").isEnabled());
        // hold the engine's answer, so that the second click lands while the first purchase is in flight
        final CompletableFuture<Void> gate = new CompletableFuture<>();
        edge.gateway.intercept((command, real) -> "purchase".equals(command) ? gate.thenCompose(v -> real.get()) : null);
        final long before = edge.gateway.calls("purchase");

        new Actions(browser.driver).doubleClick(browser.find("buy")).perform();
        browser.script("const b = document.getElementById('buy'); b.click(); b.click();");
        eventually(() -> edge.gateway.calls("purchase") > before, "the purchase at the engine");
        gate.complete(null);

        browser.await("the order", () -> "CREATED".equals(browser.find("answer").getAttribute("data-code")));
        assertEquals(1, browser.driver.findElements(By.cssSelector("li.order")).size());
        assertEquals(1, edge.gateway.calls("purchase") - before, "one purchase left the page");
        final Reply.Sale sale = edge.engineSale("double");
        assertEquals(1, sale.reserved(), "one order of one item");
        assertEquals(1, sale.buyers());
        browser.screenshot("shopper-double-click");
    }

    @Test
    void aSoldOutAnswerIsShownInWords() throws Exception
    {
        edge.createSale("last-items", 3, 3, 600).expect(201, null);
        edge.purchase("last-items", "early-bird", "e1", 2).expect(201, null);
        open("last-items", "dave");
        browser.awaitText("remaining", "1 left");
        final WebElement quantity = browser.find("quantity");
        quantity.clear();
        quantity.sendKeys("2");
        browser.find("buy").click();

        browser.await("the refusal", () -> "SOLD_OUT".equals(browser.find("answer").getAttribute("data-code")));
        assertTrue(browser.text("answer").startsWith("Sold out"), browser.text("answer"));
        assertEquals(2, edge.engineSale("last-items").reserved(), "nothing sold to dave");

        edge.purchase("last-items", "early-bird-2", "e2", 1).expect(201, null);
        browser.await("the sold-out status", () -> "SOLD_OUT".equals(browser.find("sale-status").getAttribute("data-status")));
        assertEquals("Sold out", browser.text("sale-status"));
        assertFalse(browser.find("buy").isEnabled(), "nothing left to buy");
        browser.screenshot("shopper-sold-out");
    }

    @Test
    void a429IsShownAndRetriedOnlyAfterRetryAfter() throws Exception
    {
        edge.createSale("busy", 10, 2, 600).expect(201, null);
        open("busy", "erin");
        browser.await("the buy button", () -> browser.find("buy").isEnabled());
        // erin already has a purchase in flight from another tab: the page's is refused 429 with Retry-After: 1
        final CompletableFuture<Void> gate = new CompletableFuture<>();
        edge.gateway.intercept((command, real) -> "purchase".equals(command) ? gate.thenCompose(v -> real.get()) : null);
        final CompletableFuture<TestEdge.Response> otherTab =
            edge.sendAsync(edge.purchaseRequest("busy", edge.shopper("erin"), "other-tab", "{\"quantity\":1}"));
        eventually(() -> edge.gateway.calls("purchase") >= 1, "the other tab's purchase at the engine");

        browser.find("buy").click();
        browser.await("the 429", () -> "RATE_LIMITED".equals(browser.find("answer").getAttribute("data-code")));
        final String shown = browser.text("answer");
        final boolean buyable = browser.find("buy").isEnabled();
        // The other tab's purchase ends now, usually within the page's 1 s; on a busy machine the page may meet it
        // once more, which the checks below allow: they time the page's tries instead of counting them.
        edge.gateway.intercept((command, real) -> null);
        gate.complete(null);
        otherTab.get(10, TimeUnit.SECONDS).expect(201, null);
        assertTrue(shown.contains("Too many tries at once. Trying again in 1 s"), shown);
        assertFalse(buyable, "no buying before Retry-After");

        browser.await("the retried order", () -> "CREATED".equals(browser.find("answer").getAttribute("data-code")));
        browser.screenshot("shopper-retried-after-429");
        // Each try of the page starts at least Retry-After (1 s) after the answer before it ended, as the browser timed
        // them: a lower bound, which a slow machine only makes easier to meet.
        final List<?> tries = (List<?>)browser.script("return performance.getEntriesByType('resource')" +
            ".filter(e => e.name.includes('/purchases')).map(e => [e.startTime, e.responseEnd]);");
        assertTrue(tries.size() >= 2, "a 429, then the retry: " + tries);
        for (int i = 1; i < tries.size(); i++)
        {
            final double endedBefore = ((Number)((List<?>)tries.get(i - 1)).get(1)).doubleValue();
            final double started = ((Number)((List<?>)tries.get(i)).get(0)).doubleValue();
            assertTrue(started - endedBefore >= 990, "try " + i + " started " + (started - endedBefore) +
                " ms after the 429 before it: " + tries);
        }
        final JsonNode traffic = edge.get("/admin/sales/busy/traffic", edge.admin()).expect(200, null).json();
        assertEquals(tries.size() - 1, traffic.path("outcomes").path("RATE_LIMITED").asInt(), traffic::toString);
        assertEquals(2, traffic.path("outcomes").path("CREATED").asInt(), traffic::toString);
        assertEquals(2, edge.engineSale("busy").reserved());
    }

    @Test
    void a503IsRetriedAfterRetryAfterWithTheSameKey() throws Exception
    {
        edge.createSale("overloaded", 10, 2, 600).expect(201, null);
        open("overloaded", "heidi");
        browser.await("the buy button", () -> browser.find("buy").isEnabled());
        // the engine pushes back once (ring full): 503 OVERLOADED with Retry-After: 1
        final AtomicInteger refused = new AtomicInteger();
        edge.gateway.intercept((command, real) -> "purchase".equals(command) && refused.getAndIncrement() == 0 ?
            CompletableFuture.failedFuture(new OverloadedException("ring full")) : null);
        browser.find("buy").click();
        browser.await("the 503", () -> "OVERLOADED".equals(browser.find("answer").getAttribute("data-code")));
        assertTrue(browser.text("answer").contains("The shop is very busy. Trying again in 1 s"), browser.text("answer"));
        assertFalse(browser.find("buy").isEnabled(), "no buying before Retry-After");

        browser.await("the retried order", () -> "CREATED".equals(browser.find("answer").getAttribute("data-code")));
        final JsonNode outcomes = edge.get("/admin/sales/overloaded/traffic", edge.admin()).expect(200, null).json()
            .path("outcomes");
        assertEquals(1, outcomes.path("OVERLOADED").asInt(), outcomes::toString);
        assertEquals(1, outcomes.path("CREATED").asInt(), outcomes::toString);
        assertEquals(2, refused.get(), "one refused purchase, one retry");
        assertEquals(1, edge.engineSale("overloaded").reserved());
    }

    @Test
    void a504IsRetriedWithTheSameIdempotencyKey() throws Exception
    {
        edge.createSale("slow", 10, 2, 600).expect(201, null);
        open("slow", "frank");
        browser.await("the buy button", () -> browser.find("buy").isEnabled());
        // the first purchase reaches the engine only after the edge gave up on it (504)
        final CompletableFuture<Void> gate = new CompletableFuture<>();
        edge.gateway.intercept((command, real) -> "purchase".equals(command) ? gate.thenCompose(v -> real.get()) : null);
        browser.find("buy").click();
        browser.await("the 504", () -> "RESULT_UNKNOWN".equals(browser.find("answer").getAttribute("data-code")));
        assertTrue(browser.text("answer").contains("No answer yet"), browser.text("answer"));
        edge.gateway.intercept((command, real) -> null);
        gate.complete(null);

        browser.await("the order", () -> "CREATED".equals(browser.find("answer").getAttribute("data-code")));
        final Reply.Sale sale = edge.engineSale("slow");
        // a retry under a new key would have made a second order (the limit is 2)
        assertEquals(1, sale.reserved(), "the retry found the first order");
        assertEquals(1, browser.driver.findElements(By.cssSelector("li.order")).size());
        final JsonNode outcomes = edge.get("/admin/sales/slow/traffic", edge.admin()).expect(200, null).json()
            .path("outcomes");
        assertEquals(1, outcomes.path("RESULT_UNKNOWN").asInt(), outcomes::toString);
        assertEquals(1, outcomes.path("CREATED").asInt() + outcomes.path("REPLAYED").asInt(), outcomes::toString);
        browser.screenshot("shopper-result-unknown-retried");
    }

    @Test
    void otherRefusalsAreShownInWords() throws Exception
    {
        edge.createSale("words", 10, 1, 600).expect(201, null);
        open("words", "grace");
        browser.await("the buy button", () -> browser.find("buy").isEnabled());
        browser.find("buy").click();
        browser.await("the order", () -> "CREATED".equals(browser.find("answer").getAttribute("data-code")));
        browser.find("buy").click();
        browser.await("the limit", () -> "LIMIT_EXCEEDED".equals(browser.find("answer").getAttribute("data-code")));
        assertTrue(browser.text("answer").contains("most this sale allows per person (1)"), browser.text("answer"));

        edge.post("/admin/sales/words/pause", edge.admin(), "").expect(200, null);
        browser.await("the pause", () -> "PAUSED".equals(browser.find("sale-status").getAttribute("data-status")));
        assertFalse(browser.find("buy").isEnabled());
        edge.post("/admin/sales/words/end", edge.admin(), "").expect(200, null);
        browser.await("the end", () -> "ENDED".equals(browser.find("sale-status").getAttribute("data-status")));
        assertEquals("Ended", browser.text("sale-status"));

        open("words-nowhere", "grace");
        browser.awaitText("sale-name", "There is no sale called \"words-nowhere\"");
        assertEquals(List.of(), browser.driver.findElements(By.cssSelector("#sale:not([hidden])")));
    }

    /**
     * A draw sale: the page counts down to the end of the window on the server's clock, takes the entry ("you're in"),
     * and after the operator's draw (and the end of the waiting list) shows the result the engine holds: WON with the
     * order, or NOT_SELECTED.
     */
    @Test
    void aDrawSaleTakesTheEntryCountsDownAndShowsTheResult() throws Exception
    {
        final String seed = "page-draw-seed-42";
        final Instant now = Instant.now();
        final Instant endsAt = now.plusSeconds(6);
        edge.post("/admin/sales", edge.admin(), "{\"saleId\":\"lottery\",\"stock\":1,\"limitPerUser\":1," +
            "\"startsAt\":\"" + now.minusSeconds(60) + "\",\"endsAt\":\"" + endsAt + "\"," +
            "\"reservationTtlSeconds\":600,\"mode\":\"DRAW\",\"seedHash\":\"" +
            java.util.HexFormat.of().formatHex(io.flashgate.engine.logic.DrawAlgorithm.seedHash(seed)) + "\"}")
            .expect(201, null);
        open("lottery", "ivan");
        browser.awaitText("countdown", "Entries close in 0:0");
        assertTrue(browser.find("buy-card").getAttribute("hidden") != null, "no buy button in a draw");
        browser.await("the enter button", () -> browser.find("enter").isEnabled());
        browser.find("enter").click();
        browser.await("the entry", () -> "ENTERED".equals(browser.find("entry-status").getAttribute("data-state")));
        assertTrue(browser.text("entry-status").startsWith("You're in!"), browser.text("entry-status"));
        assertFalse(browser.find("enter").isDisplayed(), "one entry per shopper: no second Enter");
        browser.screenshot("shopper-draw-entered");
        // A second shopper enters over HTTP; one unit for two entries.
        edge.send(edge.request("/api/sales/lottery/entries", edge.shopper("judy")).header("Idempotency-Key", "j1")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")).build()).expect(201, null);

        browser.awaitText("entry-status", "Entries are closed: waiting for the draw");
        assertEquals("", browser.text("countdown"));
        assertFalse(Instant.now().isBefore(endsAt.minusMillis(250)), "the window closed on the server's clock");
        edge.post("/admin/sales/lottery/draw", edge.admin(), "{\"seed\":\"" + seed + "\"}").expect(201, null);
        edge.post("/admin/sales/lottery/end", edge.admin(), "").expect(200, null);
        final String expected = edge.get("/api/sales/lottery/entries/me", edge.shopper("ivan")).expect(200, null).json()
            .get("status").asText();
        assertTrue(expected.equals("WON") || expected.equals("NOT_SELECTED"), expected);
        browser.await("the result", () -> expected.equals(browser.find("entry-status").getAttribute("data-state")));
        assertTrue(browser.text("entry-status").startsWith(expected.equals("WON") ? "You won!" : "Sorry"),
            browser.text("entry-status"));
        if (expected.equals("WON"))
        {
            browser.await("the order listed", () -> !browser.driver.findElements(By.cssSelector("li.order")).isEmpty());
        }
        browser.awaitText("draw-record", "Drawn with seed " + seed);
        browser.screenshot("shopper-draw-result");
    }

    /** Loads the page for {@code saleId}, with {@code user}'s token in the fragment (none when null). */
    private static void open(final String saleId, final String user)
    {
        browser.driver.get(edge.base + "/?sale=" + saleId + (user == null ? "" : "#token=" + edge.shopper(user)));
    }

    /** Nothing wider than the phone: no sideways scrolling, and the buy button in view. */
    private static void assertFitsThePhone()
    {
        final long scrollWidth = ((Number)browser.script("return document.documentElement.scrollWidth")).longValue();
        final long viewport = ((Number)browser.script("return window.innerWidth")).longValue();
        assertEquals(WIDTH, viewport, "the window is a phone's");
        assertTrue(scrollWidth <= viewport, "page " + scrollWidth + " px wide in a " + viewport + " px window");
        final long right = ((Number)browser.script(
            "return Math.ceil(document.getElementById('buy').getBoundingClientRect().right)")).longValue();
        assertTrue(right <= viewport, "buy button ends at " + right + " px in a " + viewport + " px window");
    }
}
