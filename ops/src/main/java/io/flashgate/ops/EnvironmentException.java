package io.flashgate.ops;

import io.flashgate.cli.ExitCodes;

/**
 * The machine cannot run what the settings ask for: the data folder cannot be written, a port is taken. The launcher
 * prints the message as one line and exits {@value #EXIT_CODE} (docs/CONFIG.md, "Exit codes").
 */
final class EnvironmentException extends Exception
{
    static final int EXIT_CODE = ExitCodes.ENVIRONMENT;

    private static final long serialVersionUID = 1L;

    EnvironmentException(final String message)
    {
        super(message, null, false, false);
    }
}
