package io.flashgate.ops.log;

import io.flashgate.edge.http.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyValueLogTest
{
    @AfterEach
    void reset()
    {
        KeyValueLog.reset();
    }

    @Test
    void aLineIsScrubbedAndStaysOneLine()
    {
        KeyValueLog.neverShow("s3cr3t-value");
        final String token = new Tokens("abcdefghijklmnop").shopper("x");
        final String line = KeyValueLog.line(Instant.parse("2026-12-01T10:00:00Z"), KeyValueLog.Component.EDGE,
            LogLevel.ERROR, "call failed\nAuthorization: Bearer " + token + " with s3cr3t-value",
            new IllegalStateException("bad \"quote\" " + token));
        assertFalse(line.contains("\n"), line);
        assertFalse(line.contains(token), line);
        assertFalse(line.contains("s3cr3t-value"), line);
        assertTrue(line.startsWith("ts=2026-12-01T10:00:00Z level=ERROR component=edge msg=\"call failed\\nAuthorization: " +
            "Bearer <redacted> with <secret>\" error=\"IllegalStateException: bad \\\"quote\\\" <token>\" stack=\""), line);
    }

    @Test
    void anEventKeepsItsPairs()
    {
        assertEquals("ts=2026-12-01T10:00:00Z level=INFO component=engine event=sale.opened sale=a stock=3",
            KeyValueLog.line(Instant.parse("2026-12-01T10:00:00Z"), KeyValueLog.Component.ENGINE, LogLevel.INFO,
                "sale.opened sale=a stock=3", null));
    }

    @Test
    void textThatIsNotPairsIsQuotedWhole()
    {
        final Instant t = Instant.parse("2026-12-01T10:00:00Z");
        assertEquals("ts=2026-12-01T10:00:00Z level=WARN component=lib msg=\"server.start failed on port=80\"",
            KeyValueLog.line(t, KeyValueLog.Component.LIB, LogLevel.WARN, "server.start failed on port=80", null),
            "a library's text is never taken for an event");
        assertEquals("ts=2026-12-01T10:00:00Z level=INFO component=edge msg=\"sale.opened sale=a and more\"",
            KeyValueLog.line(t, KeyValueLog.Component.EDGE, LogLevel.INFO, "sale.opened sale=a and more", null));
        assertEquals("ts=2026-12-01T10:00:00Z level=INFO component=client event=engine.reachable egress=\"aeron:udp?" +
                "endpoint=a:1|x=y\" session=3",
            KeyValueLog.line(t, KeyValueLog.Component.CLIENT, LogLevel.INFO,
                "engine.reachable egress=\"aeron:udp?endpoint=a:1|x=y\" session=3", null));
    }

    @Test
    void levelsPerComponentFromTheSetting()
    {
        KeyValueLog.configure("edge=WARN,lib=ERROR,engine=OFF");
        assertFalse(KeyValueLog.enabled(KeyValueLog.Component.EDGE, LogLevel.INFO));
        assertTrue(KeyValueLog.enabled(KeyValueLog.Component.EDGE, LogLevel.WARN));
        assertFalse(KeyValueLog.enabled(KeyValueLog.Component.LIB, LogLevel.WARN));
        assertFalse(KeyValueLog.enabled(KeyValueLog.Component.ENGINE, LogLevel.ERROR));
        assertTrue(KeyValueLog.enabled(KeyValueLog.Component.CLIENT, LogLevel.INFO), "left out: INFO");
        assertEquals(KeyValueLog.Component.EDGE, KeyValueLog.Component.ofLogger("io.flashgate.edge.http.ErrorAnswers"));
        assertEquals(KeyValueLog.Component.CLIENT, KeyValueLog.Component.ofLogger("flashgate.client"));
        assertEquals(KeyValueLog.Component.LIB, KeyValueLog.Component.ofLogger("org.eclipse.jetty.server.Server"));
    }
}
