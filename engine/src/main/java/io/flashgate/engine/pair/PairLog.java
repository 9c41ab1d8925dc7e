package io.flashgate.engine.pair;

/**
 * The pair's log lines, one per event in the one format of every Flashgate process ({@code pair.<event> key=value},
 * docs/ARCHITECTURE.md, "Logs"): a promotion, a fence, a standby's state, a set-aside tail. Rare events only: never on
 * the path of a command.
 */
final class PairLog
{
    private static final System.Logger LOG = System.getLogger("flashgate.engine.pair");

    private PairLog()
    {
    }

    static void info(final String event, final Object... keysAndValues)
    {
        LOG.log(System.Logger.Level.INFO, line(event, keysAndValues));
    }

    static void warn(final String event, final Object... keysAndValues)
    {
        LOG.log(System.Logger.Level.WARNING, line(event, keysAndValues));
    }

    static void error(final String event, final Object... keysAndValues)
    {
        LOG.log(System.Logger.Level.ERROR, line(event, keysAndValues));
    }

    static String line(final String event, final Object... keysAndValues)
    {
        final StringBuilder line = new StringBuilder("pair.").append(event);
        for (int i = 0; i + 1 < keysAndValues.length; i += 2)
        {
            final String value = String.valueOf(keysAndValues[i + 1]);
            line.append(' ').append(keysAndValues[i]).append('=');
            if (value.isEmpty() || value.chars().anyMatch(c -> c == ' ' || c == '"' || c == '\\' || c == '='))
            {
                line.append('"').append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            else
            {
                line.append(value);
            }
        }
        return line.toString();
    }
}
