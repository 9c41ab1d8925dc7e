package io.flashgate.edge.http;

import io.flashgate.testsupport.Folders;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver: the pages' browser tests. The driver and the
 * browser are given by path, so Selenium Manager never runs and nothing is downloaded. Missing packages fail the
 * test (CI installs them first with {@code ops/install-prerequisites.sh}); they are never a silent skip.
 */
final class HeadlessChromium implements AutoCloseable
{
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Where each test keeps its screenshots for review. */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(10);

    final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;

    private HeadlessChromium(final ChromeDriver driver, final ChromeDriverService service, final Path profile)
    {
        this.driver = driver;
        this.service = service;
        this.profile = profile;
    }

    /** A fresh browser (its own temporary profile) with a window of {@code width} x {@code height} CSS pixels. */
    static HeadlessChromium start(final int width, final int height) throws IOException
    {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER))
        {
            fail("the browser tests need Debian's chromium and chromium-driver (" + BROWSER + ", " + DRIVER +
                "): run `bash ops/install-prerequisites.sh` as root, as CI does before `mvn -B verify`");
        }
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER.toString());
        final Path profile = Files.createTempDirectory("flashgate-chromium-");
        final ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .withLogOutput(OutputStream.nullOutputStream())
            .build();
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        // --no-sandbox: the tests run as root here and in CI, where Chromium's sandbox refuses to start
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--no-first-run", "--disable-extensions", "--disable-background-networking", "--disable-sync",
            "--disable-component-update", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        final LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        try
        {
            return new HeadlessChromium(new ChromeDriver(service, options), service, profile);
        }
        catch (final RuntimeException ex)
        {
            service.stop();
            Folders.deleteQuietly(profile);
            throw ex;
        }
    }

    /**
     * Makes the window a phone's screen of {@code width} x {@code height} CSS pixels at twice the pixel density, as
     * a phone's browser lays pages out (a headless desktop window will not shrink below about 500 pixels).
     */
    void emulatePhone(final int width, final int height)
    {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
            "deviceScaleFactor", 2, "mobile", true));
    }

    /**
     * Shifts the page's clock ({@code Date} and {@code Date.now()}) by {@code skewMillis} in every page loaded from
     * now on: a page that counts down on the browser's clock instead of the server's is then visibly wrong.
     */
    void skewClock(final long skewMillis)
    {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
            (() => {
              const skew = %d;
              const RealDate = Date;
              const realNow = RealDate.now.bind(RealDate);
              class SkewedDate extends RealDate {
                constructor(...args) { if (args.length === 0) { super(realNow() + skew); } else { super(...args); } }
                static now() { return realNow() + skew; }
              }
              window.Date = SkewedDate;
            })();
            """.formatted(skewMillis)));
    }

    WebElement find(final String id)
    {
        return driver.findElement(By.id(id));
    }

    String text(final String id)
    {
        return find(id).getText();
    }

    Object script(final String script, final Object... args)
    {
        return ((JavascriptExecutor)driver).executeScript(script, args);
    }

    /** Waits (10 s at most) until {@code condition} holds; fails with {@code what} and the page's answer otherwise. */
    void await(final String what, final Supplier<Boolean> condition)
    {
        try
        {
            // the pages redraw parts of themselves: an element found a moment ago may be gone, so ask again
            new WebDriverWait(driver, WAIT, Duration.ofMillis(50)).ignoring(StaleElementReferenceException.class)
                .until(d -> condition.get());
        }
        catch (final org.openqa.selenium.TimeoutException ex)
        {
            screenshot("timeout-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
            fail("waited 10 s for " + what + "; page says: " + driver.findElement(By.tagName("body")).getText());
        }
    }

    /** Waits until the element's text contains {@code expected}. */
    void awaitText(final String id, final String expected)
    {
        await("#" + id + " to say '" + expected + "'", () -> text(id).contains(expected));
    }

    /** Keeps a PNG of the window under target/screenshots/ and returns its path. */
    Path screenshot(final String name)
    {
        try
        {
            Files.createDirectories(SCREENSHOTS);
            final Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    /**
     * The page's console since the last call, less the browser's own line for each HTTP error answer (the pages
     * expect 409s, 429s and 504s): what is left is a script error or a refused load (the security policy).
     */
    List<String> consoleErrors()
    {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
            .map(LogEntry::getMessage)
            .filter(message -> !message.contains("Failed to load resource: the server responded with a status of"))
            .toList();
    }

    /** Everything the current page loaded or called (scripts, styles, fetches) came from {@code origin}. */
    void assertLoadedOnlyFrom(final String origin)
    {
        final Object urls = script("return performance.getEntriesByType('resource').map(e => e.name)");
        if (((List<?>)urls).stream().noneMatch(url -> String.valueOf(url).startsWith(origin + "/pages/")))
        {
            fail("no script or style of the page's own was recorded: " + urls);
        }
        for (final Object url : (List<?>)urls)
        {
            if (!String.valueOf(url).startsWith(origin + "/"))
            {
                fail("the page reached beyond the edge " + origin + ": " + url);
            }
        }
    }

    void assertNoConsoleErrors()
    {
        assertEquals(List.of(), consoleErrors(), "script errors or refused loads in the page's console");
    }

    @Override
    public void close()
    {
        try
        {
            driver.quit();
        }
        finally
        {
            service.stop();
            Folders.deleteQuietly(profile);
        }
    }
}
