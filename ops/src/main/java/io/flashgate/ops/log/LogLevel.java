package io.flashgate.ops.log;

import java.util.Locale;

/** The levels of a log line, lowest first; {@link #OFF} logs nothing. */
public enum LogLevel
{
    TRACE, DEBUG, INFO, WARN, ERROR, OFF;

    static LogLevel of(final System.Logger.Level level)
    {
        return switch (level)
        {
            case ALL, TRACE -> TRACE;
            case DEBUG -> DEBUG;
            case INFO -> INFO;
            case WARNING -> WARN;
            case ERROR -> ERROR;
            case OFF -> OFF;
        };
    }

    static LogLevel parse(final String text)
    {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
