package io.flashgate.protocol;

import org.agrona.DirectBuffer;

import static io.flashgate.protocol.CommandLayout.*;

/**
 * Reads a command in place (a flyweight: wrap, validate, read; nothing is copied or allocated).
 * {@link #wrapAndValidate} must succeed before any getter is trusted: it checks the type, version,
 * every length and every id character, so that a corrupt, truncated or unknown message becomes a
 * rejection with a reason instead of an exception on the engine's thread.
 */
public final class CommandDecoder extends MessageHeader
{
    private final int[] idOffset = new int[3];
    private final int[] idLength = new int[3];
    /** Absolute offset of the client address, or -1 when the command carries none. */
    private int addressOffset = -1;

    /** @return null when the command is well formed, else why not. */
    public Reason wrapAndValidate(final DirectBuffer buffer, final int offset, final int length)
    {
        wrap(buffer, offset, length);
        if (length < HEADER_LENGTH)
        {
            return Reason.MALFORMED;
        }
        if (length > WireFormat.MAX_COMMAND_LENGTH)
        {
            return Reason.TOO_LONG;
        }
        final int type = type();
        if (!MessageTypes.isCommand(type))
        {
            return Reason.UNKNOWN_TYPE;
        }
        if (version() != MessageTypes.VERSION)
        {
            return Reason.UNSUPPORTED_VERSION;
        }
        addressOffset = -1;
        return switch (type)
        {
            case MessageTypes.CREATE_SALE -> ids(CREATE_FIXED, 1, 1, 0, 0);
            case MessageTypes.ADJUST_STOCK -> ids(ADJUST_FIXED, 1, 1, 0, 0);
            case MessageTypes.PAUSE_SALE, MessageTypes.RESUME_SALE, MessageTypes.END_SALE, MessageTypes.QUERY_SALE ->
                ids(HEADER_LENGTH, 1, 1, 0, 0);
            case MessageTypes.PURCHASE -> purchaseIds();
            case MessageTypes.CANCEL_ORDER -> ids(ORDER_FIXED, 1, 1, 0, 0);
            case MessageTypes.QUERY_ORDER -> ids(ORDER_FIXED, 1, 0, 0, 0);
            case MessageTypes.CONFIRM_ORDER -> ids(ORDER_FIXED, 0, 0, 0, 0);
            case MessageTypes.NEW_EPOCH -> ids(EPOCH_FIXED, 0, 0, 0, 0);
            case MessageTypes.QUERY_SALE_AT -> ids(SALE_INDEX_FIXED, 0, 0, 0, 0);
            case MessageTypes.CREATE_SALE_V2 -> ids(CREATE2_FIXED, 1, 1, 0, 0);
            case MessageTypes.ENTER_DRAW -> enterIds();
            case MessageTypes.WITHDRAW_ENTRY, MessageTypes.QUERY_ENTRY, MessageTypes.RUN_DRAW ->
                ids(HEADER_LENGTH, 2, 1, 1, 0);
            case MessageTypes.QUERY_DRAW -> ids(HEADER_LENGTH, 1, 1, 0, 0);
            case MessageTypes.QUERY_DRAW_WINNERS -> ids(WINNERS_FIXED, 1, 1, 0, 0);
            default -> ids(HEADER_LENGTH, 0, 0, 0, 0);
        };
    }

    private Reason enterIds()
    {
        final Reason invalid = ids(ENTER_FIXED, 2, 1, 1, 0);
        addressOffset = invalid == null ? offset + ENTER_ADDRESS : -1;
        return invalid;
    }

    /** A purchase may end with the client's address (16 bytes): journals from before it have none. */
    private Reason purchaseIds()
    {
        final int end = idsEnd(PURCHASE_FIXED, 3, 1, 1, 1);
        if (end == length)
        {
            return null;
        }
        if (end > 0 && end + ADDRESS_LENGTH == length)
        {
            addressOffset = offset + end;
            return null;
        }
        return Reason.MALFORMED;
    }

    /** Parses {@code count} ids after {@code fixed} bytes; each must be minN..64 valid characters. */
    private Reason ids(final int fixed, final int count, final int min0, final int min1, final int min2)
    {
        return idsEnd(fixed, count, min0, min1, min2) == length ? null : Reason.MALFORMED;
    }

    /** @return where the ids end (relative to the command), or -1 if one is broken. */
    private int idsEnd(final int fixed, final int count, final int min0, final int min1, final int min2)
    {
        int at = fixed;
        for (int i = 0; i < count; i++)
        {
            if (at + 1 > length)
            {
                return -1;
            }
            final int idLen = buffer.getByte(offset + at) & 0xFF;
            final int min = i == 0 ? min0 : i == 1 ? min1 : min2;
            if (idLen < min || idLen > Ids.MAX_LENGTH || at + 1 + idLen > length ||
                !Ids.isValid(buffer, offset + at + 1, idLen))
            {
                return -1;
            }
            idOffset[i] = offset + at + 1;
            idLength[i] = idLen;
            at += 1 + idLen;
        }
        return at;
    }

    /** The stamped time of a journaled command, validating nothing else: for readers that only follow a journal. */
    public static long timestampOf(final DirectBuffer buffer, final int offset, final int length)
    {
        return length >= HEADER_LENGTH ? buffer.getLong(offset + TIMESTAMP) : Long.MIN_VALUE;
    }

    /** NEW_EPOCH: the epoch that begins. */
    public long epoch()
    {
        return buffer.getLong(offset + EPOCH_VALUE);
    }

    /** QUERY_SALE_AT: the index asked for, in creation order. */
    public int saleIndex()
    {
        return buffer.getInt(offset + SALE_INDEX);
    }

    public int stock()
    {
        return buffer.getInt(offset + CREATE_STOCK);
    }

    public int limitPerUser()
    {
        return buffer.getInt(offset + CREATE_LIMIT);
    }

    public long startsAt()
    {
        return buffer.getLong(offset + CREATE_STARTS_AT);
    }

    public long endsAt()
    {
        return buffer.getLong(offset + CREATE_ENDS_AT);
    }

    public int reservationTtlSeconds()
    {
        return buffer.getInt(offset + CREATE_TTL);
    }

    public long delta()
    {
        return buffer.getLong(offset + ADJUST_DELTA);
    }

    public long quantity()
    {
        return buffer.getLong(offset + PURCHASE_QUANTITY);
    }

    public long orderId()
    {
        return buffer.getLong(offset + ORDER_ID);
    }

    /** Absolute offset of the sale id's bytes (sale commands, purchase). */
    public int saleIdOffset()
    {
        return idOffset[0];
    }

    public int saleIdLength()
    {
        return idLength[0];
    }

    /** Absolute offset of the user id's bytes: second id of a purchase or entry command, first of cancel / query order. */
    public int userIdOffset()
    {
        return userIsSecond(type()) ? idOffset[1] : idOffset[0];
    }

    public int userIdLength()
    {
        return userIsSecond(type()) ? idLength[1] : idLength[0];
    }

    private static boolean userIsSecond(final short type)
    {
        return type == MessageTypes.PURCHASE || type == MessageTypes.ENTER_DRAW ||
            type == MessageTypes.WITHDRAW_ENTRY || type == MessageTypes.QUERY_ENTRY;
    }

    /** RUN_DRAW: absolute offset of the revealed seed's bytes (the second id). */
    public int seedOffset()
    {
        return idOffset[1];
    }

    public int seedLength()
    {
        return idLength[1];
    }

    /** CREATE_SALE_V2's mode code (validated by business logic); FIRST_COME for CREATE_SALE. */
    public int modeCode()
    {
        return type() == MessageTypes.CREATE_SALE_V2 ? buffer.getByte(offset + CREATE2_MODE) : 0;
    }

    /** CREATE_SALE_V2's cap of accounts per client address (0: none); 0 for CREATE_SALE. */
    public int accountsPerAddress()
    {
        return type() == MessageTypes.CREATE_SALE_V2 ? buffer.getInt(offset + CREATE2_ACCOUNTS_PER_ADDRESS) : 0;
    }

    /** CREATE_SALE_V2: absolute offset of the 32-byte seed hash. */
    public int seedHashOffset()
    {
        return offset + CREATE2_SEED_HASH;
    }

    /** ENTER_DRAW's quantity (a long, like a purchase's). */
    public long entryQuantity()
    {
        return buffer.getLong(offset + ENTER_QUANTITY);
    }

    /** QUERY_DRAW_WINNERS: the index of the first winner wanted. */
    public int winnersFrom()
    {
        return buffer.getInt(offset + WINNERS_FROM);
    }

    /** Absolute offset of the 16-byte client address, or -1 when the command carries none. */
    public int addressOffset()
    {
        return addressOffset;
    }

    public String seed()
    {
        return buffer.getStringWithoutLengthAscii(seedOffset(), seedLength());
    }

    public int idempotencyKeyOffset()
    {
        return idOffset[2];
    }

    public int idempotencyKeyLength()
    {
        return idLength[2];
    }

    /** Allocating accessors, for tools and tests, not the hot path. */
    public String saleId()
    {
        return buffer.getStringWithoutLengthAscii(saleIdOffset(), saleIdLength());
    }

    public String userId()
    {
        return buffer.getStringWithoutLengthAscii(userIdOffset(), userIdLength());
    }

    public String idempotencyKey()
    {
        return buffer.getStringWithoutLengthAscii(idempotencyKeyOffset(), idempotencyKeyLength());
    }

    /** NEW_EPOCH's epoch, without validating the command. */
    public static long epochOf(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + EPOCH_VALUE);
    }
}
