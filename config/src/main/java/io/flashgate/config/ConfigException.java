package io.flashgate.config;

/**
 * A setting that cannot be used: an unknown key, a value of the wrong type or out of its rule. The message is one
 * line naming the key, the rule, the value and where it came from; the launcher prints it and exits
 * {@value #EXIT_CODE}, never with a stack trace.
 */
public final class ConfigException extends Exception
{
    /** The same exit code as a usage error: the command cannot run as written. */
    public static final int EXIT_CODE = io.flashgate.cli.ExitCodes.USAGE;

    private static final long serialVersionUID = 1L;

    public ConfigException(final String message)
    {
        super(message, null, false, false);
    }

    /** {@code edge.httpPort: must be 1..65535, was 70000 (flag --http-port)}. */
    static ConfigException invalid(final String key, final String rule, final Object was, final String origin)
    {
        return new ConfigException(key + ": " + rule + ", was " + was + " (" + origin + ")");
    }
}
