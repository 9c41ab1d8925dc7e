package io.flashgate.protocol;

/**
 * Why the engine refused a command. The names are the stable error codes of docs/HTTP-API.md where one
 * exists; the code is what travels on the wire and in the journal's event stream.
 */
public enum Reason
{
    UNKNOWN_SALE(1),
    SOLD_OUT(2),
    LIMIT_EXCEEDED(3),
    NOT_STARTED(4),
    SALE_ENDED(5),
    SALE_PAUSED(6),
    UNKNOWN_ORDER(7),
    ORDER_NOT_CANCELLABLE(8),
    ORDER_NOT_CONFIRMABLE(9),
    SALE_EXISTS(10),
    INSUFFICIENT_STOCK(11),
    /** Quantity ≤ 0 or above the sale's per-user limit (HTTP 400). */
    INVALID_QUANTITY(12),
    /** A field of a sale command out of range: negative stock, ends before it starts... (HTTP 400). */
    INVALID_ARGUMENT(13),
    /** Bytes that do not decode: truncated, bad lengths, bad id characters, trailing garbage. */
    MALFORMED(14),
    UNKNOWN_TYPE(15),
    UNSUPPORTED_VERSION(16),
    /** A command longer than {@code WireFormat.MAX_COMMAND_LENGTH}. */
    TOO_LONG(17),
    /**
     * Not the command's fault: the engine stopped taking commands after a journal I/O error and nothing was done
     * (HTTP 503 OVERLOADED; docs/ARCHITECTURE.md, "Faults"). Sent by the faulted engine's receiver, never journaled.
     */
    ENGINE_FAULT(18),
    /**
     * Not the command's fault: this engine does not take commands because it is not the pair's primary (a standby,
     * or an old primary fenced by a newer epoch). Nothing was done; the edge answers 503 OVERLOADED and sends to the
     * engine of the highest epoch. Sent by the engine's receiver, never journaled.
     */
    NOT_PRIMARY(19),
    /**
     * Not the command's fault: a primary in synchronous mode without a standby in sync releases nothing
     * (docs/ARCHITECTURE.md, "Hot standby"); nothing was done (HTTP 503 OVERLOADED). Never journaled.
     */
    STANDBY_ABSENT(20),
    /** An entry, withdrawal or draw for a first-come sale (HTTP 409). */
    NOT_A_DRAW(21),
    /** A purchase in a draw sale: shoppers enter instead (HTTP 409). */
    DRAW_SALE(22),
    /** The revealed seed's SHA-256 is not the sale's seed hash (HTTP 422). */
    SEED_MISMATCH(23),
    /** A draw while entries may still come: before endsAt and not ended by the operator (HTTP 409). */
    DRAW_NOT_DUE(24),
    /** The user has no entry in the sale (HTTP 404). */
    UNKNOWN_ENTRY(25),
    /** A withdrawal once the window has closed (HTTP 409). */
    ENTRY_NOT_WITHDRAWABLE(26),
    /** The sale's cap of accounts per client address is reached for this address (HTTP 429). */
    TOO_MANY_ACCOUNTS_FROM_ADDRESS(27),
    /** The draw's public record before the draw (HTTP 409). */
    NOT_DRAWN(28);

    private static final Reason[] BY_CODE = new Reason[29];

    static
    {
        for (final Reason reason : values())
        {
            BY_CODE[reason.code] = reason;
        }
    }

    private final short code;

    Reason(final int code)
    {
        this.code = (short)code;
    }

    public short code()
    {
        return code;
    }

    /** @return the reason for a wire code, or null for an unknown code. */
    public static Reason fromCode(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
