package io.flashgate.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The client address a command carries for the per-sale cap of accounts per address: 16 bytes, an IPv6 address or
 * an IPv4 one mapped into IPv6 ({@code ::ffff:a.b.c.d}), so that both count the same way. All zero: unknown (not
 * counted). Off the hot path of the engine (the edge converts once per request).
 */
public final class ClientAddress
{
    public static final int LENGTH = CommandLayout.ADDRESS_LENGTH;

    private ClientAddress()
    {
    }

    /** @return the 16 bytes of a literal address ("10.0.0.1", "::1"), or null when it is not one. */
    public static byte[] of(final String literal)
    {
        if (literal == null || literal.isEmpty() || !literal.matches("[0-9A-Fa-f:.\\[\\]%a-zA-Z0-9]+"))
        {
            return null;
        }
        try
        {
            final String bare = literal.startsWith("[") && literal.endsWith("]") ?
                literal.substring(1, literal.length() - 1) : literal;
            // Literal only: a name would make InetAddress ask DNS, which an edge must never do per request.
            if (!bare.contains(":") && !bare.matches("[0-9.]+"))
            {
                return null;
            }
            return of(InetAddress.getByName(bare));
        }
        catch (final UnknownHostException e)
        {
            return null;
        }
    }

    public static byte[] of(final InetAddress address)
    {
        final byte[] raw = address.getAddress();
        if (raw.length == LENGTH)
        {
            return raw;
        }
        final byte[] mapped = new byte[LENGTH];
        mapped[10] = (byte)0xFF;
        mapped[11] = (byte)0xFF;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }
}
