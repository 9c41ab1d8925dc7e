package io.flashgate.protocol;

/** What an engine is in a pair: SOLO while no standby is configured. The code travels on the wire. */
public enum EngineRole
{
    PRIMARY(1),
    STANDBY(2),
    SOLO(3);

    private final byte code;

    EngineRole(final int code)
    {
        this.code = (byte)code;
    }

    public byte code()
    {
        return code;
    }

    /** @return the role for a wire code, or null for an unknown code. */
    public static EngineRole fromCode(final int code)
    {
        for (final EngineRole role : values())
        {
            if (role.code == code)
            {
                return role;
            }
        }
        return null;
    }
}
