package io.flashgate.protocol;

/**
 * A shopper's entry in a draw sale (docs/DRAW.md): ENTERED until the draw; then WON (with an order), WAITING (with
 * a place on the waiting list) or, once the operator closes the waiting list by ending the sale, NOT_SELECTED.
 * WITHDRAWN only in the reply to a withdrawal.
 */
public enum EntryState
{
    ENTERED,
    WON,
    WAITING,
    NOT_SELECTED,
    WITHDRAWN;

    private static final EntryState[] VALUES = values();

    public byte code()
    {
        return (byte)ordinal();
    }

    public static EntryState fromCode(final int code)
    {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }
}
