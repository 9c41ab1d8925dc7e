package io.flashgate.engine.pipeline;

import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.FatalExceptionHandler;

/**
 * The journaller's exception handler: lets {@link Journaller.Stopped} end the thread without a log line (the fault
 * was reported once already), and is fail-stop ({@link FatalExceptionHandler}) for anything else. It never returns
 * for an event, since the Disruptor would then move the journaller's sequence past a command that is not durable.
 */
final class StoppedJournallerHandler implements ExceptionHandler<CommandSlot>
{
    private final FatalExceptionHandler fatal = new FatalExceptionHandler();

    @Override
    public void handleEventException(final Throwable ex, final long sequence, final CommandSlot event)
    {
        if (ex instanceof Journaller.Stopped stopped)
        {
            throw stopped;
        }
        fatal.handleEventException(ex, sequence, event);
    }

    @Override
    public void handleOnStartException(final Throwable ex)
    {
        fatal.handleOnStartException(ex);
    }

    @Override
    public void handleOnShutdownException(final Throwable ex)
    {
        fatal.handleOnShutdownException(ex);
    }
}
