package io.flashgate.ops.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.concurrent.ConcurrentHashMap;

/**
 * SLF4J's backend in a Flashgate process (registered in {@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider}):
 * what Jetty and Javalin log goes into {@link KeyValueLog}'s one format, under component {@code lib}.
 */
public final class KeyValueSlf4jProvider implements SLF4JServiceProvider
{
    private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, KeyValueSlf4jLogger::new);
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory()
    {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory()
    {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter()
    {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion()
    {
        return "2.0.99";
    }

    @Override
    public void initialize()
    {
    }

    private static final class KeyValueSlf4jLogger extends LegacyAbstractLogger
    {
        private static final long serialVersionUID = 1L;
        private final transient KeyValueLog.Component component;

        KeyValueSlf4jLogger(final String name)
        {
            this.name = name;
            this.component = KeyValueLog.Component.ofLogger(name);
        }

        private boolean on(final LogLevel level)
        {
            return KeyValueLog.enabled(component, level);
        }

        @Override
        public boolean isTraceEnabled()
        {
            return on(LogLevel.TRACE);
        }

        @Override
        public boolean isDebugEnabled()
        {
            return on(LogLevel.DEBUG);
        }

        @Override
        public boolean isInfoEnabled()
        {
            return on(LogLevel.INFO);
        }

        @Override
        public boolean isWarnEnabled()
        {
            return on(LogLevel.WARN);
        }

        @Override
        public boolean isErrorEnabled()
        {
            return on(LogLevel.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName()
        {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(final Level level, final Marker marker, final String pattern,
            final Object[] arguments, final Throwable throwable)
        {
            final LogLevel ours = LogLevel.valueOf(level.name());
            KeyValueLog.log(component, ours, MessageFormatter.basicArrayFormat(pattern, arguments), throwable);
        }
    }
}
