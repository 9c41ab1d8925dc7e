package io.flashgate.engine.logic;

import io.flashgate.protocol.ClientAddress;
import io.flashgate.protocol.EntryState;
import io.flashgate.protocol.EventEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.OrderStatus;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.SaleMode;
import io.flashgate.protocol.SaleStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.security.MessageDigest;

/**
 * The rules of draw mode (docs/DRAW.md), on {@link BusinessLogic}'s state and thread: entries, withdrawals, the draw
 * and the waiting list. Kept apart from the first-come rules, which it shares the order table and events with.
 *
 * <p>An entry is on the hot path (a drop's crowd enters in the window): no allocation but the amortised growth of
 * the entry rows and their index. The draw itself runs once per sale and may allocate (the draw order, digests).
 *
 * <p>One file: entries, the draw and the waiting list share a sale's {@link DrawBook} and the event scratch, and the
 * draw's rules are reviewed best read in one place, beside docs/DRAW.md.
 */
final class DrawCommands
{
    private final BusinessLogic logic;
    private final DrawAlgorithm algorithm = new DrawAlgorithm();
    /** The Idempotency-Key of a draw order: '#' and the sale's index, never a client's key ('#' is not in ids). */
    private final UnsafeBuffer drawKey = new UnsafeBuffer(new byte[16]);
    private final byte[] hash = new byte[DrawAlgorithm.HASH_LENGTH];
    private final byte[][] page = new byte[EventEncoder.WINNERS_PER_PAGE][DrawAlgorithm.HASH_LENGTH];
    private final UnsafeBuffer hashes = new UnsafeBuffer(new byte[2 * DrawAlgorithm.HASH_LENGTH]);
    private final UnsafeBuffer seedBuffer = new UnsafeBuffer(new byte[0]);

    DrawCommands(final BusinessLogic logic)
    {
        this.logic = logic;
    }

    /** The draw sale of the command, after its expiries; null (and the rejection sent) if there is none. */
    private Sale drawSale()
    {
        final int index = logic.findSale();
        if (index < 0)
        {
            logic.reject(Reason.UNKNOWN_SALE);
            return null;
        }
        final Sale s = logic.sales[index];
        logic.expireDue(s);
        if (s.mode != SaleMode.DRAW)
        {
            logic.reject(Reason.NOT_A_DRAW);
            logic.announceIfChanged(s);
            return null;
        }
        return s;
    }

    private int findUser()
    {
        return logic.userIds.find(0, logic.command.buffer(), logic.command.userIdOffset(), logic.command.userIdLength());
    }

    void enter()
    {
        final Sale s = drawSale();
        if (s == null)
        {
            return;
        }
        final DrawBook book = s.draw;
        int user = findUser();
        final int existing = user < 0 ? -1 : book.rowOf(user);
        if (existing >= 0)
        {
            emitEntry(MessageTypes.ENTRY_REPLAYED, s, existing, null);
            logic.announceIfChanged(s);
            return;
        }
        final long quantity = logic.command.entryQuantity();
        Reason refusal = null;
        if (quantity < 1 || quantity > s.limitPerUser)
        {
            refusal = Reason.INVALID_QUANTITY;
        }
        else if (book.drawn)
        {
            refusal = Reason.SALE_ENDED;
        }
        else
        {
            refusal = BusinessLogic.refuseClosed(s.status(logic.now));
        }
        int addressIndex = -1;
        if (refusal == null && s.accountsPerAddress > 0 && hasAddress())
        {
            final int at = logic.command.addressOffset();
            final int found = logic.addresses.find(s.index, logic.command.buffer(), at, ClientAddress.LENGTH);
            if (found >= 0 && logic.addresses.lastFoundCounter() >= s.accountsPerAddress)
            {
                refusal = Reason.TOO_MANY_ACCOUNTS_FROM_ADDRESS;
            }
            else
            {
                addressIndex = logic.addresses.intern(s.index, logic.command.buffer(), at, ClientAddress.LENGTH);
                logic.addresses.addToLastFoundCounter(1);
            }
        }
        if (refusal != null)
        {
            logic.reject(refusal);
            logic.announceIfChanged(s);
            return;
        }
        user = logic.userIds.intern(0, logic.command.buffer(), logic.command.userIdOffset(),
            logic.command.userIdLength());
        final int row = book.add(user, (int)quantity, addressIndex);
        emitEntry(MessageTypes.ENTRY_ACCEPTED, s, row, null);
        logic.announceIfChanged(s);
    }

    private boolean hasAddress()
    {
        final int at = logic.command.addressOffset();
        if (at < 0)
        {
            return false;
        }
        final DirectBuffer buffer = logic.command.buffer();
        return buffer.getLong(at) != 0 || buffer.getLong(at + 8) != 0;
    }

    void withdraw()
    {
        final Sale s = drawSale();
        if (s == null)
        {
            return;
        }
        final int user = findUser();
        final int row = user < 0 ? -1 : s.draw.rowOf(user);
        if (row < 0)
        {
            logic.reject(Reason.UNKNOWN_ENTRY);
        }
        else if (s.draw.drawn || s.status(logic.now) == SaleStatus.ENDED)
        {
            logic.reject(Reason.ENTRY_NOT_WITHDRAWABLE);
        }
        else
        {
            s.draw.withdraw(row);
            if (s.draw.address[row] >= 0)
            {
                logic.addresses.addToCounter(s.draw.address[row], -1);
            }
            emitEntry(MessageTypes.ENTRY_WITHDRAWN, s, row, EntryState.WITHDRAWN);
        }
        logic.announceIfChanged(s);
    }

    void queryEntry()
    {
        final Sale s = drawSale();
        if (s == null)
        {
            return;
        }
        final int user = findUser();
        final int row = user < 0 ? -1 : s.draw.rowOf(user);
        if (row < 0)
        {
            logic.reject(Reason.UNKNOWN_ENTRY);
        }
        else
        {
            emitEntry(MessageTypes.ENTRY_INFO, s, row, null);
        }
        logic.announceIfChanged(s);
    }

    void runDraw()
    {
        final Sale s = drawSale();
        if (s == null)
        {
            return;
        }
        final DrawBook book = s.draw;
        final byte[] seed = seedBytes();
        if (!MessageDigest.isEqual(DrawAlgorithm.sha256(seed, 0, seed.length), book.seedHash))
        {
            logic.reject(Reason.SEED_MISMATCH);
        }
        else if (book.drawn)
        {
            emitDraw(MessageTypes.DRAW_INFO, s);
        }
        else if (s.status(logic.now) != SaleStatus.ENDED)
        {
            logic.reject(Reason.DRAW_NOT_DUE);
        }
        else
        {
            draw(s, seed);
            final int firstOrder = logic.orders.size;
            serve(s);
            book.winnersAtDraw = book.served;
            emitDraw(MessageTypes.DRAW_COMPLETED, s);
            emitAllocated(firstOrder);
        }
        logic.announceIfChanged(s);
    }

    /** The revealed seed's bytes, copied out of the command (a draw runs once: the copy is not on the hot path). */
    private byte[] seedBytes()
    {
        final byte[] seed = new byte[logic.command.seedLength()];
        logic.command.buffer().getBytes(logic.command.seedOffset(), seed);
        return seed;
    }

    private void draw(final Sale s, final byte[] seed)
    {
        final DrawBook book = s.draw;
        final IdStore sales = logic.saleIds;
        final byte[] saleId = new byte[sales.idLength(s.index)];
        sales.bytes().getBytes(sales.idOffset(s.index), saleId);
        book.seed = seed;
        entriesHash(book, saleId);
        algorithm.start(seed, seed.length, saleId, saleId.length);
        book.draw(algorithm);
    }

    /** SHA-256 over the active entries in journal order: hashedId ‖ quantity (4 bytes big-endian) each. */
    private void entriesHash(final DrawBook book, final byte[] saleId)
    {
        final MessageDigest list = DrawAlgorithm.sha256();
        final byte[] quantity = new byte[4];
        final IdStore users = logic.userIds;
        final byte[] userBytes = users.bytes().byteArray();
        for (int row = 0; row < book.rows; row++)
        {
            if (book.state[row] != DrawBook.ACTIVE)
            {
                continue;
            }
            final int user = book.user[row];
            algorithm.hashedId(saleId, saleId.length, userBytes, users.idOffset(user), users.idLength(user), hash);
            list.update(hash);
            final int q = book.quantity[row];
            quantity[0] = (byte)(q >>> 24);
            quantity[1] = (byte)(q >>> 16);
            quantity[2] = (byte)(q >>> 8);
            quantity[3] = (byte)q;
            list.update(quantity);
        }
        System.arraycopy(list.digest(), 0, book.entriesHash, 0, DrawAlgorithm.HASH_LENGTH);
    }

    /**
     * Gives the units the sale has free to the next entrants in draw order, each an order of its quantity (the last
     * may get fewer), until no unit is free, nobody waits, or the operator closed the waiting list. Call after units
     * came back (an expiry, a cancel, more stock) or at the draw; the caller emits {@link #emitAllocated}.
     */
    private int serve(final Sale s)
    {
        final DrawBook book = s.draw;
        int served = 0;
        while (book.hasWaiting() && s.remaining() > 0)
        {
            final int row = book.drawOrder[book.served];
            final int user = book.user[row];
            final int units = Math.min(book.quantity[row], s.remaining());
            final int order = logic.orders.add(s.index, user, units,
                logic.now + s.ttlSeconds * BusinessLogic.MILLIS_PER_SECOND);
            final int keyLength = drawKey(s.index);
            final int keyIndex = logic.internOrderKey(user, drawKey, 0, keyLength);
            assert keyIndex == order;
            s.reserved += units;
            logic.addLiveUnits(s, user, units);
            logic.enqueueForExpiry(s, order);
            book.orderOf[row] = order;
            book.served++;
            served++;
        }
        return served;
    }

    /** After units came back to a sale: serves its waiting list (a draw sale) and broadcasts the new orders. */
    void serveWaitingList(final Sale s)
    {
        if (s.draw != null && s.draw.hasWaiting())
        {
            final int firstOrder = logic.orders.size;
            serve(s);
            emitAllocated(firstOrder);
        }
    }

    private void emitAllocated(final int firstOrder)
    {
        for (int order = firstOrder; order < logic.orders.size; order++)
        {
            logic.emitOrder(MessageTypes.ORDER_ALLOCATED, order);
        }
    }

    private int drawKey(final int saleIndex)
    {
        drawKey.putByte(0, (byte)'#');
        return 1 + drawKey.putIntAscii(1, saleIndex);
    }

    void queryDraw()
    {
        final Sale s = drawSale();
        if (s == null)
        {
            return;
        }
        if (!s.draw.drawn)
        {
            logic.reject(Reason.NOT_DRAWN);
        }
        else
        {
            emitDraw(MessageTypes.DRAW_INFO, s);
        }
        logic.announceIfChanged(s);
    }

    /** A page of the winners so far, in draw order, as hashed ids (computed here: a query, not the hot path). */
    void queryWinners()
    {
        final Sale s = drawSale();
        if (s == null)
        {
            return;
        }
        final DrawBook book = s.draw;
        final int from = logic.command.winnersFrom();
        if (!book.drawn)
        {
            logic.reject(Reason.NOT_DRAWN);
        }
        else if (from < 0)
        {
            logic.reject(Reason.INVALID_ARGUMENT);
        }
        else
        {
            final int count = Math.max(0, Math.min(EventEncoder.WINNERS_PER_PAGE, book.served - from));
            final IdStore sales = logic.saleIds;
            final byte[] saleId = new byte[sales.idLength(s.index)];
            sales.bytes().getBytes(sales.idOffset(s.index), saleId);
            final IdStore users = logic.userIds;
            for (int i = 0; i < count; i++)
            {
                final int user = book.user[book.drawOrder[from + i]];
                algorithm.hashedId(saleId, saleId.length, users.bytes().byteArray(), users.idOffset(user),
                    users.idLength(user), page[i]);
            }
            logic.header(MessageTypes.DRAW_WINNERS);
            final int length = logic.event.winnersPage(from, book.served, count);
            for (int i = 0; i < count; i++)
            {
                logic.event.winnerHash(i, page[i]);
            }
            logic.sink.onEvent(logic.scratch, 0, length);
        }
        logic.announceIfChanged(s);
    }

    private void emitDraw(final short type, final Sale s)
    {
        final DrawBook book = s.draw;
        hashes.putBytes(0, book.seedHash);
        hashes.putBytes(DrawAlgorithm.HASH_LENGTH, book.entriesHash);
        seedBuffer.wrap(book.seed);
        logic.header(type);
        final IdStore sales = logic.saleIds;
        final int length = logic.event.draw(hashes, 0, DrawAlgorithm.HASH_LENGTH, book.drawnCount,
            book.winnersAtDraw, book.served, book.waiting(), DrawAlgorithm.VERSION, book.waitingClosed,
            sales.bytes(), sales.idOffset(s.index), sales.idLength(s.index), seedBuffer, 0, book.seed.length);
        logic.sink.onEvent(logic.scratch, 0, length);
    }

    /** An entry event; {@code forced} overrides the state (WITHDRAWN for a withdrawal's reply). */
    private void emitEntry(final short type, final Sale s, final int row, final EntryState forced)
    {
        final DrawBook book = s.draw;
        final EntryState state = forced != null ? forced : book.stateOf(row);
        final int order = state == EntryState.WON ? book.orderOf[row] : -1;
        final OrderTable orders = logic.orders;
        final int user = book.user[row];
        final IdStore sales = logic.saleIds;
        final IdStore users = logic.userIds;
        logic.header(type);
        final int length = logic.event.entry(state, book.quantity[row],
            forced != null ? 0 : book.waitingPosition(row), s.entries(),
            order < 0 ? 0 : order + 1L, order < 0 ? 0 : orders.quantity[order],
            order < 0 ? OrderStatus.RESERVED : orders.status(order), order < 0 ? 0 : orders.expiresAt[order],
            sales.bytes(), sales.idOffset(s.index), sales.idLength(s.index),
            users.bytes(), users.idOffset(user), users.idLength(user));
        logic.sink.onEvent(logic.scratch, 0, length);
    }
}
