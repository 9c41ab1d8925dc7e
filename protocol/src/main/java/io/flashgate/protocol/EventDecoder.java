package io.flashgate.protocol;

import org.agrona.DirectBuffer;

import static io.flashgate.protocol.EventLayout.*;

/** Reads an event in place. {@link #wrapAndValidate} guards against truncated or unknown events. */
public final class EventDecoder extends MessageHeader
{
    private int saleIdOffset;
    private int saleIdLength;
    private int userIdOffset;
    private int userIdLength;

    /** @return null when well formed, else why not. */
    public Reason wrapAndValidate(final DirectBuffer buffer, final int offset, final int length)
    {
        wrap(buffer, offset, length);
        if (length < HEADER_LENGTH)
        {
            return Reason.MALFORMED;
        }
        if (version() != MessageTypes.VERSION)
        {
            return Reason.UNSUPPORTED_VERSION;
        }
        return switch (type())
        {
            case MessageTypes.ORDER_ACCEPTED, MessageTypes.ORDER_REPLAYED, MessageTypes.ORDER_CANCELLED,
                MessageTypes.ORDER_CONFIRMED, MessageTypes.ORDER_EXPIRED, MessageTypes.ORDER_INFO,
                MessageTypes.ORDER_ALLOCATED ->
                length >= ORDER_FIXED && orderStatus() == null ? Reason.MALFORMED : idsAfter(ORDER_FIXED, 2);
            case MessageTypes.SALE_INFO, MessageTypes.SALE_STATUS_CHANGED ->
                length >= SALE_FIXED && (saleStatus() == null || saleMode() == null) ? Reason.MALFORMED :
                    idsAfter(SALE_FIXED, 1);
            case MessageTypes.ENTRY_ACCEPTED, MessageTypes.ENTRY_REPLAYED, MessageTypes.ENTRY_WITHDRAWN,
                MessageTypes.ENTRY_INFO -> length >= ENTRY_FIXED && (entryState() == null ||
                OrderStatus.fromCode(buffer.getInt(offset + ENTRY_ORDER_STATUS)) == null) ? Reason.MALFORMED :
                idsAfter(ENTRY_FIXED, 2);
            case MessageTypes.DRAW_COMPLETED, MessageTypes.DRAW_INFO -> idsAfter(DRAW_FIXED, 2);
            case MessageTypes.DRAW_WINNERS -> length >= WINNERS_HASHES && winnersCount() >= 0 &&
                winnersCount() <= WINNERS_PER_PAGE && length == WINNERS_HASHES + winnersCount() * HASH_LENGTH ?
                null : Reason.MALFORMED;
            case MessageTypes.REJECTED -> length == REJECT_LENGTH && reason() != null ? null : Reason.MALFORMED;
            case MessageTypes.ACK -> length == ACK_LENGTH ? null : Reason.MALFORMED;
            case MessageTypes.ENGINE_STATUS -> length == ENGINE_STATUS_LENGTH && engineRole() != null &&
                standbyState() != null ? null : Reason.MALFORMED;
            default -> Reason.UNKNOWN_TYPE;
        };
    }

    private Reason idsAfter(final int fixed, final int count)
    {
        userIdLength = 0;
        if (length < fixed + 1)
        {
            return Reason.MALFORMED;
        }
        saleIdOffset = offset + fixed + 1;
        saleIdLength = buffer.getByte(offset + fixed) & 0xFF;
        int end = fixed + 1 + saleIdLength;
        if (count == 2)
        {
            if (length < end + 1)
            {
                return Reason.MALFORMED;
            }
            userIdOffset = offset + end + 1;
            userIdLength = buffer.getByte(offset + end) & 0xFF;
            end += 1 + userIdLength;
        }
        if (end != length || saleIdLength > Ids.MAX_LENGTH || userIdLength > Ids.MAX_LENGTH ||
            !Ids.isValid(buffer, saleIdOffset, saleIdLength) || (count == 2 && !Ids.isValid(buffer, userIdOffset, userIdLength)))
        {
            return Reason.MALFORMED;
        }
        return null;
    }

    public long orderId()
    {
        return buffer.getLong(offset + ORDER_ID);
    }

    public int quantity()
    {
        return buffer.getInt(offset + ORDER_QUANTITY);
    }

    public OrderStatus orderStatus()
    {
        return OrderStatus.fromCode(buffer.getByte(offset + ORDER_STATUS));
    }

    public long expiresAt()
    {
        return buffer.getLong(offset + ORDER_EXPIRES_AT);
    }

    public Reason reason()
    {
        return Reason.fromCode(buffer.getShort(offset + REJECT_REASON));
    }

    public short rejectedCommandType()
    {
        return buffer.getShort(offset + REJECT_COMMAND_TYPE);
    }

    public int stock()
    {
        return buffer.getInt(offset + SALE_STOCK);
    }

    public int reserved()
    {
        return buffer.getInt(offset + SALE_RESERVED);
    }

    public int confirmed()
    {
        return buffer.getInt(offset + SALE_CONFIRMED);
    }

    public int remaining()
    {
        return stock() - reserved() - confirmed();
    }

    public int limitPerUser()
    {
        return buffer.getInt(offset + SALE_LIMIT);
    }

    public int buyers()
    {
        return buffer.getInt(offset + SALE_BUYERS);
    }

    public SaleStatus saleStatus()
    {
        return SaleStatus.fromCode(buffer.getInt(offset + SALE_STATUS));
    }

    public int reservationTtlSeconds()
    {
        return buffer.getInt(offset + SALE_TTL);
    }

    public long startsAt()
    {
        return buffer.getLong(offset + SALE_STARTS_AT);
    }

    public long endsAt()
    {
        return buffer.getLong(offset + SALE_ENDS_AT);
    }

    public EngineRole engineRole()
    {
        return EngineRole.fromCode(buffer.getByte(offset + ENGINE_ROLE));
    }

    public long epoch()
    {
        return buffer.getLong(offset + ENGINE_EPOCH);
    }

    public long engineSequence()
    {
        return buffer.getLong(offset + ENGINE_SEQUENCE);
    }

    public long durableSequence()
    {
        return buffer.getLong(offset + ENGINE_DURABLE_SEQUENCE);
    }

    public StandbyState standbyState()
    {
        return StandbyState.fromCode(buffer.getByte(offset + ENGINE_STANDBY_STATE));
    }

    public long standbyAckedSequence()
    {
        return buffer.getLong(offset + ENGINE_STANDBY_ACKED);
    }

    public long standbyLagRecords()
    {
        return buffer.getLong(offset + ENGINE_STANDBY_LAG);
    }

    /** The order sink's last committed sequence as it reported it to the engine; 0 when no sink reports. */
    public long sinkCommittedSequence()
    {
        return buffer.getLong(offset + ENGINE_SINK_SEQUENCE);
    }

    public long sinkLagRecords()
    {
        return buffer.getLong(offset + ENGINE_SINK_LAG);
    }

    public SaleMode saleMode()
    {
        return SaleMode.fromCode(buffer.getByte(offset + SALE_MODE));
    }

    public boolean saleDrawn()
    {
        return buffer.getByte(offset + SALE_DRAWN) != 0;
    }

    public boolean saleWaitingClosed()
    {
        return buffer.getByte(offset + SALE_WAITING_CLOSED) != 0;
    }

    public int saleEntries()
    {
        return buffer.getInt(offset + SALE_ENTRIES);
    }

    public int saleAccountsPerAddress()
    {
        return buffer.getInt(offset + SALE_ACCOUNTS_PER_ADDRESS);
    }

    public EntryState entryState()
    {
        return EntryState.fromCode(buffer.getInt(offset + ENTRY_STATE));
    }

    public int entryQuantity()
    {
        return buffer.getInt(offset + ENTRY_QUANTITY);
    }

    public int entryPosition()
    {
        return buffer.getInt(offset + ENTRY_POSITION);
    }

    public int entryEntries()
    {
        return buffer.getInt(offset + ENTRY_ENTRIES);
    }

    public long entryOrderId()
    {
        return buffer.getLong(offset + ENTRY_ORDER_ID);
    }

    public int entryOrderQuantity()
    {
        return buffer.getInt(offset + ENTRY_ORDER_QUANTITY);
    }

    public OrderStatus entryOrderStatus()
    {
        return OrderStatus.fromCode(buffer.getInt(offset + ENTRY_ORDER_STATUS));
    }

    public long entryOrderExpiresAt()
    {
        return buffer.getLong(offset + ENTRY_ORDER_EXPIRES_AT);
    }

    /** DRAW_*: 32 bytes of the seed hash or the entries hash. */
    public byte[] drawSeedHash()
    {
        final byte[] hash = new byte[HASH_LENGTH];
        buffer.getBytes(offset + DRAW_SEED_HASH, hash);
        return hash;
    }

    public byte[] drawEntriesHash()
    {
        final byte[] hash = new byte[HASH_LENGTH];
        buffer.getBytes(offset + DRAW_ENTRIES_HASH, hash);
        return hash;
    }

    public int drawEntries()
    {
        return buffer.getInt(offset + DRAW_ENTRIES);
    }

    public int drawWinnersAtDraw()
    {
        return buffer.getInt(offset + DRAW_WINNERS_AT_DRAW);
    }

    public int drawWinners()
    {
        return buffer.getInt(offset + DRAW_WINNERS);
    }

    public int drawWaiting()
    {
        return buffer.getInt(offset + DRAW_WAITING);
    }

    public int drawAlgorithmVersion()
    {
        return buffer.getShort(offset + DRAW_ALGORITHM_VERSION);
    }

    public boolean drawWaitingClosed()
    {
        return buffer.getShort(offset + DRAW_WAITING_CLOSED) != 0;
    }

    /** DRAW_*: the revealed seed (the event's second id). */
    public String seed()
    {
        return buffer.getStringWithoutLengthAscii(userIdOffset, userIdLength);
    }

    public int winnersFrom()
    {
        return buffer.getInt(offset + WINNERS_FROM);
    }

    public int winnersTotal()
    {
        return buffer.getInt(offset + WINNERS_TOTAL);
    }

    public int winnersCount()
    {
        return buffer.getInt(offset + WINNERS_COUNT);
    }

    public byte[] winnerHash(final int i)
    {
        final byte[] hash = new byte[HASH_LENGTH];
        buffer.getBytes(offset + WINNERS_HASHES + i * HASH_LENGTH, hash);
        return hash;
    }

    public long ackValue()
    {
        return buffer.getLong(offset + ACK_VALUE);
    }

    public String saleId()
    {
        return buffer.getStringWithoutLengthAscii(saleIdOffset, saleIdLength);
    }

    public String userId()
    {
        return buffer.getStringWithoutLengthAscii(userIdOffset, userIdLength);
    }
}
