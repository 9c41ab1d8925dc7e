package io.flashgate.protocol;

import org.agrona.DirectBuffer;

/** Ids (sale, user, Idempotency-Key) are 1–64 characters of {@code [A-Za-z0-9_.:-]}, stored as ASCII. */
public final class Ids
{
    public static final int MAX_LENGTH = 64;
    /** One lookup per byte instead of five range checks: ids are validated on every command. */
    private static final boolean[] VALID = new boolean[256];

    static
    {
        for (int c = 0; c < 256; c++)
        {
            VALID[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == ':' || c == '-';
        }
    }

    private Ids()
    {
    }

    public static boolean isValidChar(final int c)
    {
        return c >= 0 && c < 256 && VALID[c];
    }

    public static boolean isValid(final CharSequence id)
    {
        if (id == null || id.length() < 1 || id.length() > MAX_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < id.length(); i++)
        {
            if (!isValidChar(id.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }

    static boolean isValid(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (!VALID[buffer.getByte(offset + i) & 0xFF])
            {
                return false;
            }
        }
        return true;
    }
}
