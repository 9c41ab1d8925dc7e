package io.flashgate.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.flashgate.protocol.CommandLayout.*;

/**
 * Writes commands into a buffer in Flashgate's one binary encoding (the same bytes go over Aeron,
 * through the ring and into the journal). Garbage-free: ids are written char by char as ASCII.
 * Sequence and timestamp are left zero; the engine's receiver stamps them.
 *
 * <p>Every method returns the encoded length. Ids are not validated here (the decoder does that at
 * the engine); callers that take ids from the outside should check {@link Ids#isValid(CharSequence)}.
 */
public final class CommandEncoder
{
    private static final int MAX_WRITTEN_ID = Ids.MAX_LENGTH + 1;

    private MutableDirectBuffer buffer;
    private int offset;

    public CommandEncoder wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int createSale(
        final int sourceId, final long correlationId, final CharSequence saleId, final int stock,
        final int limitPerUser, final long startsAtMs, final long endsAtMs, final int reservationTtlSeconds)
    {
        header(MessageTypes.CREATE_SALE, sourceId, correlationId);
        buffer.putInt(offset + CREATE_STOCK, stock);
        buffer.putInt(offset + CREATE_LIMIT, limitPerUser);
        buffer.putLong(offset + CREATE_STARTS_AT, startsAtMs);
        buffer.putLong(offset + CREATE_ENDS_AT, endsAtMs);
        buffer.putInt(offset + CREATE_TTL, reservationTtlSeconds);
        return putId(CREATE_FIXED, saleId);
    }

    /**
     * CREATE_SALE_V2: a sale with a mode, a cap of accounts per client address (0: none) and, for a draw, the
     * SHA-256 of the operator's seed (32 bytes; ignored for a first-come sale).
     */
    public int createSale(
        final int sourceId, final long correlationId, final CharSequence saleId, final int stock,
        final int limitPerUser, final long startsAtMs, final long endsAtMs, final int reservationTtlSeconds,
        final SaleMode mode, final int accountsPerAddress, final byte[] seedHash)
    {
        header(MessageTypes.CREATE_SALE_V2, sourceId, correlationId);
        buffer.putInt(offset + CREATE_STOCK, stock);
        buffer.putInt(offset + CREATE_LIMIT, limitPerUser);
        buffer.putLong(offset + CREATE_STARTS_AT, startsAtMs);
        buffer.putLong(offset + CREATE_ENDS_AT, endsAtMs);
        buffer.putInt(offset + CREATE_TTL, reservationTtlSeconds);
        buffer.putInt(offset + CREATE2_MODE, mode.code() & 0xFF);
        buffer.putInt(offset + CREATE2_ACCOUNTS_PER_ADDRESS, accountsPerAddress);
        for (int i = 0; i < SEED_HASH_LENGTH; i++)
        {
            buffer.putByte(offset + CREATE2_SEED_HASH + i, seedHash == null ? 0 : seedHash[i]);
        }
        return putId(CREATE2_FIXED, saleId);
    }

    /** ENTER_DRAW; {@code address}: 16 bytes (see {@link ClientAddress}), or null when unknown. */
    public int enterDraw(
        final int sourceId, final long correlationId, final CharSequence saleId, final CharSequence userId,
        final long quantity, final byte[] address)
    {
        header(MessageTypes.ENTER_DRAW, sourceId, correlationId);
        buffer.putLong(offset + ENTER_QUANTITY, quantity);
        putAddress(ENTER_ADDRESS, address);
        final int end = putId(ENTER_FIXED, saleId);
        return putId(end, userId);
    }

    /** WITHDRAW_ENTRY or QUERY_ENTRY: a sale id and a user id. */
    public int entryCommand(final short type, final int sourceId, final long correlationId, final CharSequence saleId,
        final CharSequence userId)
    {
        header(type, sourceId, correlationId);
        final int end = putId(HEADER_LENGTH, saleId);
        return putId(end, userId);
    }

    /** RUN_DRAW: the operator reveals the seed. */
    public int runDraw(final int sourceId, final long correlationId, final CharSequence saleId, final CharSequence seed)
    {
        header(MessageTypes.RUN_DRAW, sourceId, correlationId);
        final int end = putId(HEADER_LENGTH, saleId);
        return putId(end, seed);
    }

    public int queryDrawWinners(final int sourceId, final long correlationId, final CharSequence saleId, final int from)
    {
        header(MessageTypes.QUERY_DRAW_WINNERS, sourceId, correlationId);
        buffer.putInt(offset + WINNERS_FROM, from);
        buffer.putInt(offset + WINNERS_FROM + 4, 0);
        return putId(WINNERS_FIXED, saleId);
    }

    /** A purchase that carries the client's address (16 bytes, see {@link ClientAddress}) after its ids. */
    public int purchase(
        final int sourceId, final long correlationId, final CharSequence saleId, final CharSequence userId,
        final CharSequence idempotencyKey, final long quantity, final byte[] address)
    {
        final int end = purchase(sourceId, correlationId, saleId, userId, idempotencyKey, quantity);
        if (address == null)
        {
            return end;
        }
        putAddress(end, address);
        return end + ADDRESS_LENGTH;
    }

    private void putAddress(final int at, final byte[] address)
    {
        for (int i = 0; i < ADDRESS_LENGTH; i++)
        {
            buffer.putByte(offset + at + i, address == null ? 0 : address[i]);
        }
    }

    public int adjustStock(final int sourceId, final long correlationId, final CharSequence saleId, final long delta)
    {
        header(MessageTypes.ADJUST_STOCK, sourceId, correlationId);
        buffer.putLong(offset + ADJUST_DELTA, delta);
        return putId(ADJUST_FIXED, saleId);
    }

    /** PAUSE_SALE, RESUME_SALE, END_SALE, QUERY_SALE or QUERY_DRAW: a command with a sale id only. */
    public int saleCommand(final short type, final int sourceId, final long correlationId, final CharSequence saleId)
    {
        header(type, sourceId, correlationId);
        return putId(HEADER_LENGTH, saleId);
    }

    /** QUERY_SALE_AT: the sale at {@code index} in creation order (0 the first created). */
    public int querySaleAt(final int sourceId, final long correlationId, final int index)
    {
        header(MessageTypes.QUERY_SALE_AT, sourceId, correlationId);
        buffer.putInt(offset + SALE_INDEX, index);
        return SALE_INDEX_FIXED;
    }

    public int purchase(
        final int sourceId, final long correlationId, final CharSequence saleId, final CharSequence userId,
        final CharSequence idempotencyKey, final long quantity)
    {
        header(MessageTypes.PURCHASE, sourceId, correlationId);
        buffer.putLong(offset + PURCHASE_QUANTITY, quantity);
        int end = putId(PURCHASE_FIXED, saleId);
        end = putId(end, userId);
        return putId(end, idempotencyKey);
    }

    /** The same purchase with ids taken from another buffer (an edge copying request bytes, a benchmark). */
    public int purchase(
        final int sourceId, final long correlationId,
        final DirectBuffer ids, final int saleOffset, final int saleLength,
        final int userOffset, final int userLength, final int keyOffset, final int keyLength, final long quantity)
    {
        header(MessageTypes.PURCHASE, sourceId, correlationId);
        buffer.putLong(offset + PURCHASE_QUANTITY, quantity);
        int end = putId(PURCHASE_FIXED, ids, saleOffset, saleLength);
        end = putId(end, ids, userOffset, userLength);
        return putId(end, ids, keyOffset, keyLength);
    }

    public int cancelOrder(final int sourceId, final long correlationId, final long orderId, final CharSequence userId)
    {
        header(MessageTypes.CANCEL_ORDER, sourceId, correlationId);
        buffer.putLong(offset + ORDER_ID, orderId);
        return putId(ORDER_FIXED, userId);
    }

    public int confirmOrder(final int sourceId, final long correlationId, final long orderId)
    {
        header(MessageTypes.CONFIRM_ORDER, sourceId, correlationId);
        buffer.putLong(offset + ORDER_ID, orderId);
        return ORDER_FIXED;
    }

    /** @param userId the owner asking, or an empty string for an operator (sees every order). */
    public int queryOrder(final int sourceId, final long correlationId, final long orderId, final CharSequence userId)
    {
        header(MessageTypes.QUERY_ORDER, sourceId, correlationId);
        buffer.putLong(offset + ORDER_ID, orderId);
        return putId(ORDER_FIXED, userId);
    }

    /** NEW_EPOCH: the engine that becomes primary starts {@code epoch} (written by the engine, never by clients). */
    public int newEpoch(final long epoch)
    {
        header(MessageTypes.NEW_EPOCH, 0, 0);
        buffer.putLong(offset + EPOCH_VALUE, epoch);
        return EPOCH_FIXED;
    }

    /** EXPIRE_RESERVATIONS, SNAPSHOT or QUERY_ENGINE: header only. */
    public int control(final short type, final int sourceId, final long correlationId)
    {
        header(type, sourceId, correlationId);
        return HEADER_LENGTH;
    }

    private void header(final short type, final int sourceId, final long correlationId)
    {
        MessageHeader.write(buffer, offset, type, sourceId, correlationId, 0L, 0L);
    }

    /**
     * An id longer than {@link Ids#MAX_LENGTH} is written one character too long, never cut to a valid one: the
     * engine rejects it as MALFORMED, and no command this encoder writes exceeds {@link WireFormat#MAX_COMMAND_LENGTH}.
     */
    private int putId(final int at, final CharSequence id)
    {
        final int length = Math.min(id.length(), MAX_WRITTEN_ID);
        buffer.putByte(offset + at, (byte)length);
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(offset + at + 1 + i, (byte)id.charAt(i));
        }
        return at + 1 + length;
    }

    private int putId(final int at, final DirectBuffer src, final int srcOffset, final int idLength)
    {
        final int length = Math.min(idLength, MAX_WRITTEN_ID);
        buffer.putByte(offset + at, (byte)length);
        buffer.putBytes(offset + at + 1, src, srcOffset, length);
        return at + 1 + length;
    }

    /** The receiver stamps each command once; the stamp is journaled, so replay sees the same time. */
    public static void stamp(final MutableDirectBuffer buffer, final int offset, final long sequence, final long timestampMs)
    {
        buffer.putLong(offset + MessageHeader.SEQUENCE, sequence);
        buffer.putLong(offset + MessageHeader.TIMESTAMP, timestampMs);
    }
}
