package io.flashgate.protocol;

/** How far the standby is behind the primary: ABSENT while none exists. The code travels on the wire. */
public enum StandbyState
{
    IN_SYNC(1),
    CATCHING_UP(2),
    ABSENT(3);

    private final byte code;

    StandbyState(final int code)
    {
        this.code = (byte)code;
    }

    public byte code()
    {
        return code;
    }

    /** @return the state for a wire code, or null for an unknown code. */
    public static StandbyState fromCode(final int code)
    {
        for (final StandbyState state : values())
        {
            if (state.code == code)
            {
                return state;
            }
        }
        return null;
    }
}
