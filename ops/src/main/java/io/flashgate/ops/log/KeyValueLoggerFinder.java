package io.flashgate.ops.log;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * Where {@link System#getLogger} loggers come from in a Flashgate process (registered in
 * {@code META-INF/services/java.lang.System$LoggerFinder}): every line in {@link KeyValueLog}'s format.
 */
public final class KeyValueLoggerFinder extends System.LoggerFinder
{
    @Override
    public System.Logger getLogger(final String name, final Module module)
    {
        return new KeyValueSystemLogger(name, KeyValueLog.Component.ofLogger(name));
    }

    private record KeyValueSystemLogger(String name, KeyValueLog.Component component) implements System.Logger
    {
        @Override
        public String getName()
        {
            return name;
        }

        @Override
        public boolean isLoggable(final Level level)
        {
            return KeyValueLog.enabled(component, LogLevel.of(level));
        }

        @Override
        public void log(final Level level, final ResourceBundle bundle, final String message, final Throwable thrown)
        {
            KeyValueLog.log(component, LogLevel.of(level), message, thrown);
        }

        @Override
        public void log(final Level level, final ResourceBundle bundle, final String format, final Object... params)
        {
            if (isLoggable(level))
            {
                final String text = params == null || params.length == 0 ? format : MessageFormat.format(format, params);
                KeyValueLog.log(component, LogLevel.of(level), text, null);
            }
        }
    }
}
