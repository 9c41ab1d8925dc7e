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
        return switch (type)
        {
            case MessageTypes.CREATE_SALE -> ids(CREATE_FIXED, 1, 1, 0, 0);
            case MessageTypes.ADJUST_STOCK -> ids(ADJUST_FIXED, 1, 1, 0, 0);
            case MessageTypes.PAUSE_SALE, MessageTypes.RESUME_SALE, MessageTypes.END_SALE, MessageTypes.QUERY_SALE ->
                ids(HEADER_LENGTH, 1, 1, 0, 0);
            case MessageTypes.PURCHASE -> ids(PURCHASE_FIXED, 3, 1, 1, 1);
            case MessageTypes.CANCEL_ORDER -> ids(ORDER_FIXED, 1, 1, 0, 0);
            case MessageTypes.QUERY_ORDER -> ids(ORDER_FIXED, 1, 0, 0, 0);
            case MessageTypes.CONFIRM_ORDER -> ids(ORDER_FIXED, 0, 0, 0, 0);
            case MessageTypes.NEW_EPOCH -> ids(EPOCH_FIXED, 0, 0, 0, 0);
            case MessageTypes.QUERY_SALE_AT -> ids(SALE_INDEX_FIXED, 0, 0, 0, 0);
            default -> ids(HEADER_LENGTH, 0, 0, 0, 0);
        };
    }

    /** Parses {@code count} ids after {@code fixed} bytes; each must be minN..64 valid characters. */
    private Reason ids(final int fixed, final int count, final int min0, final int min1, final int min2)
    {
        int at = fixed;
        for (int i = 0; i < count; i++)
        {
            if (at + 1 > length)
            {
                return Reason.MALFORMED;
            }
            final int idLen = buffer.getByte(offset + at) & 0xFF;
            final int min = i == 0 ? min0 : i == 1 ? min1 : min2;
            if (idLen < min || idLen > Ids.MAX_LENGTH || at + 1 + idLen > length ||
                !Ids.isValid(buffer, offset + at + 1, idLen))
            {
                return Reason.MALFORMED;
            }
            idOffset[i] = offset + at + 1;
            idLength[i] = idLen;
            at += 1 + idLen;
        }
        return at == length ? null : Reason.MALFORMED;
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

    /** Absolute offset of the user id's bytes: second id of a purchase, first of cancel / query order. */
    public int userIdOffset()
    {
        return type() == MessageTypes.PURCHASE ? idOffset[1] : idOffset[0];
    }

    public int userIdLength()
    {
        return type() == MessageTypes.PURCHASE ? idLength[1] : idLength[0];
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
