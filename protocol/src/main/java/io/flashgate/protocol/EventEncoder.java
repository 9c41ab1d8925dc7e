package io.flashgate.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.flashgate.protocol.EventLayout.*;

/**
 * Writes events in place, garbage-free. Each method writes the header (copied from the command that
 * caused the event: source, correlation, sequence, timestamp) and returns the encoded length.
 */
public final class EventEncoder
{
    /** Room one event may need at most. */
    public static final int MAX_EVENT_LENGTH = EventLayout.MAX_EVENT_LENGTH;

    private MutableDirectBuffer buffer;
    private int offset;

    public EventEncoder wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public EventEncoder header(
        final short type, final int sourceId, final long correlationId, final long sequence, final long timestamp)
    {
        MessageHeader.write(buffer, offset, type, sourceId, correlationId, sequence, timestamp);
        return this;
    }

    /** Body of ORDER_* events; ids are copied from the engine's id stores. */
    public int order(
        final long orderId, final int quantity, final OrderStatus status, final long expiresAt,
        final DirectBuffer saleIds, final int saleOffset, final int saleLength,
        final DirectBuffer userIds, final int userOffset, final int userLength)
    {
        buffer.putLong(offset + ORDER_ID, orderId);
        buffer.putInt(offset + ORDER_QUANTITY, quantity);
        buffer.putByte(offset + ORDER_STATUS, status.code());
        buffer.putByte(offset + ORDER_STATUS + 1, (byte)0);
        buffer.putShort(offset + ORDER_STATUS + 2, (short)0);
        buffer.putLong(offset + ORDER_EXPIRES_AT, expiresAt);
        final int end = putId(ORDER_FIXED, saleIds, saleOffset, saleLength);
        return putId(end, userIds, userOffset, userLength);
    }

    public int rejected(final Reason reason, final short commandType)
    {
        buffer.putShort(offset + REJECT_REASON, reason.code());
        buffer.putShort(offset + REJECT_COMMAND_TYPE, commandType);
        return REJECT_LENGTH;
    }

    /** Body of SALE_INFO and SALE_STATUS_CHANGED for a first-come sale without a cap of accounts per address. */
    public int sale(
        final int stock, final int reserved, final int confirmed, final int limitPerUser, final int buyers,
        final SaleStatus status, final int ttlSeconds, final long startsAt, final long endsAt,
        final DirectBuffer ids, final int saleOffset, final int saleLength)
    {
        return sale(stock, reserved, confirmed, limitPerUser, buyers, status, ttlSeconds, startsAt, endsAt,
            SaleMode.FIRST_COME, false, false, 0, 0, ids, saleOffset, saleLength);
    }

    /** Body of SALE_INFO and SALE_STATUS_CHANGED. */
    public int sale(
        final int stock, final int reserved, final int confirmed, final int limitPerUser, final int buyers,
        final SaleStatus status, final int ttlSeconds, final long startsAt, final long endsAt,
        final SaleMode mode, final boolean drawn, final boolean waitingClosed, final int entries,
        final int accountsPerAddress, final DirectBuffer ids, final int saleOffset, final int saleLength)
    {
        buffer.putInt(offset + SALE_ENTRIES, entries);
        buffer.putInt(offset + SALE_ACCOUNTS_PER_ADDRESS, accountsPerAddress);
        buffer.putInt(offset + SALE_STOCK, stock);
        buffer.putInt(offset + SALE_RESERVED, reserved);
        buffer.putInt(offset + SALE_CONFIRMED, confirmed);
        buffer.putInt(offset + SALE_LIMIT, limitPerUser);
        buffer.putInt(offset + SALE_BUYERS, buyers);
        buffer.putInt(offset + SALE_STATUS, status.code() & 0xFF);
        buffer.putInt(offset + SALE_TTL, ttlSeconds);
        buffer.putByte(offset + SALE_MODE, mode.code());
        buffer.putByte(offset + SALE_DRAWN, (byte)(drawn ? 1 : 0));
        buffer.putByte(offset + SALE_WAITING_CLOSED, (byte)(waitingClosed ? 1 : 0));
        buffer.putByte(offset + SALE_WAITING_CLOSED + 1, (byte)0);
        buffer.putLong(offset + SALE_STARTS_AT, startsAt);
        buffer.putLong(offset + SALE_ENDS_AT, endsAt);
        return putId(SALE_FIXED, ids, saleOffset, saleLength);
    }

    /** Body of ENTRY_*: the entry, and its order once won (orderId 0: none). */
    public int entry(
        final EntryState state, final int quantity, final int position, final int entries, final long orderId,
        final int orderQuantity, final OrderStatus orderStatus, final long orderExpiresAt,
        final DirectBuffer saleIds, final int saleOffset, final int saleLength,
        final DirectBuffer userIds, final int userOffset, final int userLength)
    {
        buffer.putInt(offset + ENTRY_STATE, state.code() & 0xFF);
        buffer.putInt(offset + ENTRY_QUANTITY, quantity);
        buffer.putInt(offset + ENTRY_POSITION, position);
        buffer.putInt(offset + ENTRY_ENTRIES, entries);
        buffer.putLong(offset + ENTRY_ORDER_ID, orderId);
        buffer.putInt(offset + ENTRY_ORDER_QUANTITY, orderQuantity);
        buffer.putInt(offset + ENTRY_ORDER_STATUS, orderStatus == null ? 0 : orderStatus.code() & 0xFF);
        buffer.putLong(offset + ENTRY_ORDER_EXPIRES_AT, orderExpiresAt);
        final int end = putId(ENTRY_FIXED, saleIds, saleOffset, saleLength);
        return putId(end, userIds, userOffset, userLength);
    }

    /**
     * Body of DRAW_COMPLETED and DRAW_INFO: the hashes (32 bytes each, read from {@code hashes} at the two offsets),
     * the counts, the algorithm's version, the sale id and the revealed seed.
     */
    public int draw(
        final DirectBuffer hashes, final int seedHashOffset, final int entriesHashOffset, final int entries,
        final int winnersAtDraw, final int winners, final int waiting, final int algorithmVersion,
        final boolean waitingClosed, final DirectBuffer saleIds, final int saleOffset, final int saleLength,
        final DirectBuffer seeds, final int seedOffset, final int seedLength)
    {
        buffer.putBytes(offset + DRAW_SEED_HASH, hashes, seedHashOffset, HASH_LENGTH);
        buffer.putBytes(offset + DRAW_ENTRIES_HASH, hashes, entriesHashOffset, HASH_LENGTH);
        buffer.putInt(offset + DRAW_ENTRIES, entries);
        buffer.putInt(offset + DRAW_WINNERS_AT_DRAW, winnersAtDraw);
        buffer.putInt(offset + DRAW_WINNERS, winners);
        buffer.putInt(offset + DRAW_WAITING, waiting);
        buffer.putShort(offset + DRAW_ALGORITHM_VERSION, (short)algorithmVersion);
        buffer.putShort(offset + DRAW_WAITING_CLOSED, (short)(waitingClosed ? 1 : 0));
        buffer.putInt(offset + DRAW_WAITING_CLOSED + 2, 0);
        final int end = putId(DRAW_FIXED, saleIds, saleOffset, saleLength);
        return putId(end, seeds, seedOffset, seedLength);
    }

    /** The most hashed ids one DRAW_WINNERS event carries. */
    public static final int WINNERS_PER_PAGE = EventLayout.WINNERS_PER_PAGE;

    /** Starts a DRAW_WINNERS body; then {@link #winnerHash} for each of the page's winners. */
    public int winnersPage(final int from, final int total, final int count)
    {
        buffer.putInt(offset + WINNERS_FROM, from);
        buffer.putInt(offset + WINNERS_TOTAL, total);
        buffer.putInt(offset + WINNERS_COUNT, count);
        buffer.putInt(offset + WINNERS_COUNT + 4, 0);
        return WINNERS_HASHES + count * HASH_LENGTH;
    }

    /** The i-th hashed id of a DRAW_WINNERS page, 32 bytes from {@code hash}. */
    public void winnerHash(final int i, final byte[] hash)
    {
        buffer.putBytes(offset + WINNERS_HASHES + i * HASH_LENGTH, hash, 0, HASH_LENGTH);
    }

    public int ack(final long value)
    {
        buffer.putLong(offset + ACK_VALUE, value);
        return ACK_LENGTH;
    }

    /** Body of ENGINE_STATUS: the engine's figures and its standby's. */
    public int engineStatus(
        final EngineRole role, final long epoch, final long sequence, final long durableSequence,
        final StandbyState standbyState, final long standbyAckedSequence, final long standbyLagRecords)
    {
        buffer.putByte(offset + ENGINE_ROLE, role.code());
        buffer.putByte(offset + ENGINE_STANDBY_STATE, standbyState.code());
        buffer.putShort(offset + ENGINE_STANDBY_STATE + 1, (short)0);
        buffer.putByte(offset + ENGINE_STANDBY_STATE + 3, (byte)0);
        buffer.putInt(offset + ENGINE_STANDBY_STATE + 4, 0);
        buffer.putLong(offset + ENGINE_EPOCH, epoch);
        buffer.putLong(offset + ENGINE_SEQUENCE, sequence);
        buffer.putLong(offset + ENGINE_DURABLE_SEQUENCE, durableSequence);
        buffer.putLong(offset + ENGINE_STANDBY_ACKED, standbyAckedSequence);
        buffer.putLong(offset + ENGINE_STANDBY_LAG, standbyLagRecords);
        buffer.putLong(offset + ENGINE_SINK_SEQUENCE, 0);
        buffer.putLong(offset + ENGINE_SINK_LAG, 0);
        return ENGINE_STATUS_LENGTH;
    }

    /**
     * Writes the order sink's figures, as it last reported them to the engine, into an ENGINE_STATUS event (0 and 0:
     * no sink reports). @return true if the event was an ENGINE_STATUS (and was stamped).
     */
    public static boolean stampSinkFigures(final MutableDirectBuffer buffer, final int offset, final int length,
        final long committedSequence, final long lagRecords)
    {
        if (length != ENGINE_STATUS_LENGTH || MessageHeader.typeOf(buffer, offset) != MessageTypes.ENGINE_STATUS)
        {
            return false;
        }
        buffer.putLong(offset + ENGINE_SINK_SEQUENCE, committedSequence);
        buffer.putLong(offset + ENGINE_SINK_LAG, lagRecords);
        return true;
    }

    /**
     * Writes the pipeline's live figures into an ENGINE_STATUS event as it is released: business logic
     * answers with what it knows (deterministic, so replay reproduces it); how far the journal and the ring
     * have got is known only to the stage that releases the reply.
     *
     * @return true if the event was an ENGINE_STATUS (and was stamped).
     */
    public static boolean stampEngineFigures(final MutableDirectBuffer buffer, final int offset, final int length,
        final long sequence, final long durableSequence)
    {
        if (length != ENGINE_STATUS_LENGTH || MessageHeader.typeOf(buffer, offset) != MessageTypes.ENGINE_STATUS)
        {
            return false;
        }
        buffer.putLong(offset + ENGINE_SEQUENCE, sequence);
        buffer.putLong(offset + ENGINE_DURABLE_SEQUENCE, durableSequence);
        return true;
    }

    /**
     * Writes what only the pair knows into an ENGINE_STATUS event as it is released or answered: the engine's role
     * in its pair and its standby as it sees it (business logic knows the epoch, not the role).
     *
     * @return true if the event was an ENGINE_STATUS (and was stamped).
     */
    public static boolean stampPairFigures(final MutableDirectBuffer buffer, final int offset, final int length,
        final EngineRole role, final StandbyState standbyState, final long standbyAckedSequence,
        final long standbyLagRecords)
    {
        if (length != ENGINE_STATUS_LENGTH || MessageHeader.typeOf(buffer, offset) != MessageTypes.ENGINE_STATUS)
        {
            return false;
        }
        buffer.putByte(offset + ENGINE_ROLE, role.code());
        buffer.putByte(offset + ENGINE_STANDBY_STATE, standbyState.code());
        buffer.putLong(offset + ENGINE_STANDBY_ACKED, standbyAckedSequence);
        buffer.putLong(offset + ENGINE_STANDBY_LAG, standbyLagRecords);
        return true;
    }

    private int putId(final int at, final DirectBuffer src, final int srcOffset, final int length)
    {
        buffer.putByte(offset + at, (byte)length);
        buffer.putBytes(offset + at + 1, src, srcOffset, length);
        return at + 1 + length;
    }
}
