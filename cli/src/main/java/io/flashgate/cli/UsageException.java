package io.flashgate.cli;

/**
 * A command line that cannot be run as written: an unknown verb or option, a missing or malformed value. Every
 * program built on this package prints the message as one line and exits {@value #EXIT_CODE}, never with a stack
 * trace.
 */
public final class UsageException extends Exception
{
    /** The exit code of a usage error, the same in every Flashgate program. */
    public static final int EXIT_CODE = ExitCodes.USAGE;

    private static final long serialVersionUID = 1L;

    public UsageException(final String message)
    {
        super(message, null, false, false);
    }
}
