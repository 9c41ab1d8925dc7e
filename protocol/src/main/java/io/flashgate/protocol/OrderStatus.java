package io.flashgate.protocol;

/** Life of an order: RESERVED, then CONFIRMED (paid), CANCELLED (by its owner) or EXPIRED (TTL). */
public enum OrderStatus
{
    RESERVED,
    CONFIRMED,
    CANCELLED,
    EXPIRED;

    private static final OrderStatus[] VALUES = values();

    public byte code()
    {
        return (byte)ordinal();
    }

    public static OrderStatus fromCode(final int code)
    {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }

    /** Live orders hold stock and count against the per-user limit. */
    public boolean isLive()
    {
        return this == RESERVED || this == CONFIRMED;
    }
}
