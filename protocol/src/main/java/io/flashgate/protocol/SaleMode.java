package io.flashgate.protocol;

/** How a sale allocates its stock: to the first buyers, or by a seeded draw among the entries of a window. */
public enum SaleMode
{
    FIRST_COME,
    DRAW;

    private static final SaleMode[] VALUES = values();

    public byte code()
    {
        return (byte)ordinal();
    }

    /** @return the mode for a wire code, or null for an unknown code. */
    public static SaleMode fromCode(final int code)
    {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }
}
