package io.flashgate.client;

/**
 * The channel to the engine refused the command (a full ring, back-pressure, not connected): it was not sent,
 * so answering "retry later" (HTTP 503 OVERLOADED) is safe. Stack-less: instances are shared constants.
 */
public final class OverloadedException extends RuntimeException
{
    public OverloadedException(final String why)
    {
        super(why, null, false, false);
    }
}
