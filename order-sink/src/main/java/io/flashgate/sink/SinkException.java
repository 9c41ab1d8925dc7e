package io.flashgate.sink;

/**
 * Stops the sink with one line for the operator and an exit code, never a stack trace: a database it cannot reach or
 * log in to at start, a schema newer than this build, a journal that cannot give the state the database is at.
 */
public final class SinkException extends Exception
{
    /** The database or the machine is not what the settings say (unreachable, wrong password, no postgres). */
    public static final int ENVIRONMENT = io.flashgate.cli.ExitCodes.ENVIRONMENT;
    /** The data cannot be used by this build (a newer schema, a journal that does not match the database). */
    public static final int FAILED = io.flashgate.cli.ExitCodes.FAILED;

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public SinkException(final int exitCode, final String message)
    {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode()
    {
        return exitCode;
    }
}
