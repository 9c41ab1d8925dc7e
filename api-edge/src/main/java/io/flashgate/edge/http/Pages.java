package io.flashgate.edge.http;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;

/**
 * The shopper page ({@code GET /}) and the operator console ({@code GET /console}) with their scripts and styles
 * ({@code GET /pages/<file>}), as {@code docs/HTTP-API.md} ("Pages") describes them: static files from this module's
 * resources, read once at start, and Chart.js from its WebJar on the classpath, so nothing is built at run time and
 * nothing is fetched from the internet when a page is viewed. The Content-Security-Policy holds the pages to that:
 * scripts, styles and requests from this edge only.
 */
final class Pages
{
    static final String SHOPPER = "shopper.html";
    static final String CONSOLE = "console.html";
    /** Served under this name whatever Chart.js's version: the console's script tag does not change with it. */
    static final String CHART_JS = "chart.umd.min.js";

    private static final String FOLDER = "/io/flashgate/edge/pages/";
    private static final String[] FILES = {SHOPPER, CONSOLE, "shopper.js", "draw.js", "console.js", "common.js", "pages.css"};
    private static final String CHART_JS_POM = "/META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final String SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; " +
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
        "frame-ancestors 'none'";

    private final Map<String, Page> pages;

    private record Page(byte[] bytes, String contentType, String etag)
    {
    }

    private Pages(final Map<String, Page> pages)
    {
        this.pages = pages;
    }

    /** Reads every page from the classpath; a missing one is a packaging bug, so it fails the edge's start. */
    static Pages load()
    {
        final Map<String, Page> pages = new HashMap<>();
        for (final String file : FILES)
        {
            pages.put(file, page(read(FOLDER + file), contentType(file)));
        }
        final Properties chartJs = new Properties();
        try (InputStream in = resource(CHART_JS_POM))
        {
            chartJs.load(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        pages.put(CHART_JS, page(read("/META-INF/resources/webjars/chart.js/" + chartJs.getProperty("version") +
            "/dist/chart.umd.min.js"), contentType(CHART_JS)));
        return new Pages(Map.copyOf(pages));
    }

    /** 200 with the file (304 when the browser's copy is current), or 404 NOT_FOUND for a name not served. */
    void serve(final Context ctx, final String file)
    {
        final Page page = pages.get(file);
        if (page == null)
        {
            throw ApiError.notFound();
        }
        // revalidated on every view (a 304 costs no body), so a new edge's pages are seen at once
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", page.etag());
        ctx.header("Content-Security-Policy", SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        if (page.etag().equals(ctx.header("If-None-Match")))
        {
            ctx.status(304);
            return;
        }
        ctx.status(200).contentType(page.contentType()).result(page.bytes());
    }

    private static Page page(final byte[] bytes, final String contentType)
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return new Page(bytes, contentType, '"' + HexFormat.of().formatHex(digest, 0, 12) + '"');
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String contentType(final String file)
    {
        if (file.endsWith(".html"))
        {
            return "text/html; charset=utf-8";
        }
        if (file.endsWith(".js"))
        {
            return "text/javascript; charset=utf-8";
        }
        if (file.endsWith(".css"))
        {
            return "text/css; charset=utf-8";
        }
        throw new IllegalArgumentException("no content type for " + file);
    }

    private static byte[] read(final String path)
    {
        try (InputStream in = resource(path))
        {
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static InputStream resource(final String path)
    {
        final InputStream in = Pages.class.getResourceAsStream(path);
        if (in == null)
        {
            throw new IllegalStateException("missing from the edge's classpath: " + path);
        }
        return in;
    }
}
