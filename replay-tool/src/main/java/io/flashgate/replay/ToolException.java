package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;

/**
 * Ends a verb with one clear line on stderr and an exit code, never a stack trace. Thrown for wrong usage
 * ({@link #usage}) and for anything that stops the verb from doing its job ({@link #failure}).
 */
final class ToolException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private ToolException(final String message, final int exitCode)
    {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** Unknown verb or option, missing or malformed argument: exit {@value ExitCodes#USAGE}. */
    static ToolException usage(final String message)
    {
        return new ToolException(message, ExitCodes.USAGE);
    }

    /** Missing folder, not a journal, locked journal, unreadable data: exit {@value ExitCodes#ENVIRONMENT}. */
    static ToolException failure(final String message)
    {
        return new ToolException(message, ExitCodes.ENVIRONMENT);
    }

    int exitCode()
    {
        return exitCode;
    }
}
