package io.flashgate.ops;

/**
 * A fault a serving process cannot work through (its media driver is gone, say): the launcher prints the message as
 * one line and exits with the code, for the supervisor to restart the process (docs/CONFIG.md, "Exit codes").
 */
final class ProcessFault extends Exception
{
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    ProcessFault(final int exitCode, final String message)
    {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode()
    {
        return exitCode;
    }
}
