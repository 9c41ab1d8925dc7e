package io.flashgate.ops.log;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The one log format of every Flashgate process: one line per event on stderr, all key=value,
 * {@code ts=<ISO-8601> level=<LEVEL> component=<component> event=<name> key=value ...}, with the lowest level logged
 * per component from the setting {@code log.levels} (docs/CONFIG.md, "Logs"). Flashgate's own code logs through
 * {@link System.Logger} (loggers named {@code flashgate.<component>}), libraries through SLF4J; both end here
 * ({@link KeyValueLoggerFinder}, {@link KeyValueSlf4jProvider}).
 *
 * <p>A Flashgate message written as {@code "<event.name> key=value ..."} keeps its pairs; any other text (and every
 * library's) becomes {@code msg="..."}. Every line is scrubbed before it is written: a bearer token, anything shaped like a JWT and
 * the token secret never reach the log, whatever a message or an exception says.
 */
public final class KeyValueLog
{
    /** {@code event.name key=value key="quoted \"value\""}: kept as it is; anything else is quoted whole. */
    private static final Pattern EVENT = Pattern.compile(
        "[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+( [A-Za-z_]+=(\"([^\"\\\\\\n]|\\\\.)*\"|[^\\s\"]*))*");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer)\\s+[^\\s\",]+");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final int STACK_FRAMES = 8;

    private static volatile Map<Component, LogLevel> levels = defaults();
    private static final List<String> SECRETS = new CopyOnWriteArrayList<>();
    private static volatile PrintStream out = System.err;

    /** Who wrote a line: {@code log.levels} sets a level for each. */
    public enum Component
    {
        ENGINE, EDGE, CLIENT, OPS, LIB;

        String label()
        {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** {@code flashgate.edge}, {@code io.flashgate.edge.http.X}: edge; anything outside Flashgate: lib. */
        static Component ofLogger(final String name)
        {
            final String rest;
            if (name.startsWith("flashgate."))
            {
                rest = name.substring("flashgate.".length());
            }
            else if (name.startsWith("io.flashgate."))
            {
                rest = name.substring("io.flashgate.".length());
            }
            else
            {
                return LIB;
            }
            final String first = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
            return switch (first)
            {
                case "edge" -> EDGE;
                case "client" -> CLIENT;
                case "ops", "config", "cli" -> OPS;
                default -> ENGINE;
            };
        }
    }

    private KeyValueLog()
    {
    }

    private static Map<Component, LogLevel> defaults()
    {
        final Map<Component, LogLevel> map = new EnumMap<>(Component.class);
        for (final Component c : Component.values())
        {
            map.put(c, c == Component.LIB ? LogLevel.WARN : LogLevel.INFO);
        }
        return map;
    }

    /**
     * Sets the levels from {@code log.levels} ("engine=INFO,edge=WARN"; the setting's rule has checked it); a
     * component left out logs at INFO, lib at WARN.
     */
    public static void configure(final String levelsSetting)
    {
        final Map<Component, LogLevel> map = defaults();
        for (final String pair : levelsSetting.split(","))
        {
            final String[] kv = pair.split("=", 2);
            if (kv.length == 2)
            {
                map.put(Component.valueOf(kv[0].trim().toUpperCase(java.util.Locale.ROOT)), LogLevel.parse(kv[1]));
            }
        }
        levels = map;
    }

    /** A secret (the token secret) that must never appear in a line: replaced by {@code <secret>}. */
    public static void neverShow(final String secret)
    {
        if (secret != null && secret.length() >= 4 && !SECRETS.contains(secret))
        {
            SECRETS.add(secret);
        }
    }

    /** Where lines go (stderr unless a test says otherwise). */
    public static void writeTo(final PrintStream stream)
    {
        out = stream;
    }

    public static boolean enabled(final Component component, final LogLevel level)
    {
        return level != LogLevel.OFF && level.ordinal() >= levels.get(component).ordinal();
    }

    /** Writes one line if {@code level} is enabled for {@code component}. */
    public static void log(final Component component, final LogLevel level, final String message,
        final Throwable failure)
    {
        if (!enabled(component, level))
        {
            return;
        }
        final String line = line(Instant.now(), component, level, message, failure);
        final PrintStream stream = out;
        synchronized (stream)
        {
            stream.println(line);
            stream.flush();
        }
    }

    /** The line, scrubbed: {@code ts=... level=... component=... event=... | msg="..."} [error=...] [stack=...]. */
    static String line(final Instant time, final Component component, final LogLevel level, final String message,
        final Throwable failure)
    {
        final StringBuilder line = new StringBuilder(160).append("ts=").append(time.truncatedTo(ChronoUnit.MILLIS)).append(" level=")
            .append(level.name()).append(" component=").append(component.label()).append(' ');
        final String text = message == null ? "" : message;
        if (component != Component.LIB && EVENT.matcher(text).matches())
        {
            line.append("event=").append(text);
        }
        else
        {
            line.append("msg=").append(quote(text));
        }
        if (failure != null)
        {
            line.append(" error=").append(quote(failure.getClass().getSimpleName() +
                (failure.getMessage() == null ? "" : ": " + failure.getMessage())));
            if (level.ordinal() >= LogLevel.ERROR.ordinal())
            {
                final StringBuilder stack = new StringBuilder();
                final StackTraceElement[] frames = failure.getStackTrace();
                for (int i = 0; i < Math.min(STACK_FRAMES, frames.length); i++)
                {
                    stack.append(i == 0 ? "" : " < ").append(frames[i]);
                }
                line.append(" stack=").append(quote(stack.toString()));
            }
        }
        return scrub(line.toString());
    }

    /** A value in double quotes, with quotes, backslashes and line breaks escaped: the line stays one line. */
    public static String quote(final String value)
    {
        final StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    static String scrub(final String line)
    {
        String clean = BEARER.matcher(line).replaceAll("$1 <redacted>");
        clean = JWT.matcher(clean).replaceAll("<token>");
        for (final String secret : SECRETS)
        {
            clean = clean.replace(secret, "<secret>");
        }
        return clean;
    }

    /** For tests: back to the default levels, no secrets, stderr. */
    static void reset()
    {
        levels = defaults();
        SECRETS.clear();
        out = System.err;
    }
}
