package io.flashgate.client;

/**
 * No reply within the timeout (or the client closed first): the command may or may not have been applied
 * (HTTP 504). Stack-less: instances are shared constants.
 */
public final class ResultUnknownException extends RuntimeException
{
    public ResultUnknownException(final String why)
    {
        super(why, null, false, false);
    }
}
