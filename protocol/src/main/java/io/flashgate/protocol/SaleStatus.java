package io.flashgate.protocol;

/** What a shopper sees of a sale; derived from the time inside commands, flags and remaining stock. */
public enum SaleStatus
{
    SCHEDULED,
    OPEN,
    PAUSED,
    SOLD_OUT,
    ENDED;

    private static final SaleStatus[] VALUES = values();

    public byte code()
    {
        return (byte)ordinal();
    }

    public static SaleStatus fromCode(final int code)
    {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }
}
