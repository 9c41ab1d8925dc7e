package io.flashgate.engine.logic;

import io.flashgate.protocol.SaleStatus;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes and reads the whole business-logic state in a canonical form: ids and orders in index
 * order, never a hash table's layout, so the same history always gives the same bytes. That makes
 * {@link #stateHash} a determinism check: replay from zero and replay from a snapshot must agree.
 * Derived tables (live units per user, the lookup tables) are rebuilt on load, not stored.
 *
 * <p>One file on purpose, although long: the writer and the reader of one format sit side by side, so that a field
 * added to one is added to the other in the same place and in the same order.
 */
public final class StateSnapshot
{
    private static final int MAGIC = 0x534E4746; // "FGNS"
    /**
     * 3 added each sale's mode, cap of accounts per address and draw (entries, draw order), and the address store;
     * 2 added the epoch history after the clock; 1 (no epochs: an engine never in a pair) and 2 are still read.
     */
    private static final int FORMAT_VERSION = 3;

    private StateSnapshot()
    {
    }

    /** @return the number of bytes written to {@code out} from offset 0. */
    public static int write(final BusinessLogic logic, final ExpandableDirectByteBuffer out)
    {
        final Writer w = new Writer(out);
        w.putInt(MAGIC).putInt(FORMAT_VERSION).putLong(logic.now);
        final EpochHistory epochs = logic.epochs;
        final int epochCount = epochs.size();
        w.putInt(epochCount);
        for (int i = 0; i < epochCount; i++)
        {
            w.putLong(epochs.epochAt(i)).putLong(epochs.startAt(i));
        }

        final int saleCount = logic.saleIds.size();
        w.putInt(saleCount);
        for (int i = 0; i < saleCount; i++)
        {
            final Sale s = logic.sales[i];
            w.putId(logic.saleIds, i)
                .putInt(s.stock).putInt(s.reserved).putInt(s.confirmed).putInt(s.limitPerUser)
                .putLong(s.startsAt).putLong(s.endsAt).putInt(s.ttlSeconds)
                .putByte(s.paused ? 1 : 0).putByte(s.ended ? 1 : 0)
                .putInt(s.buyers).putInt(s.queueHead).putInt(s.queueTail)
                .putByte(s.announcedStatus == null ? -1 : s.announcedStatus.code()).putInt(s.announcedRemaining);
            writeDrawPart(w, s);
        }

        final int userCount = logic.userIds.size();
        w.putInt(userCount);
        for (int i = 0; i < userCount; i++)
        {
            w.putId(logic.userIds, i);
        }

        final OrderTable orders = logic.orders;
        w.putInt(orders.size);
        for (int i = 0; i < orders.size; i++)
        {
            w.putInt(orders.saleIndex[i]).putInt(orders.userIndex[i]).putInt(orders.quantity[i])
                .putByte(orders.status[i]).putLong(orders.expiresAt[i]).putInt(orders.nextInQueue[i])
                .putId(logic.idempotencyKeys, i);
        }

        final IdStore addresses = logic.addresses;
        w.putInt(addresses.size());
        for (int i = 0; i < addresses.size(); i++)
        {
            w.putInt(addresses.prefix(i)).putId(addresses, i);
        }
        // The buyers counted against an address, in key order: a hash map's order would make the bytes depend on it.
        final long[] keys = new long[logic.accountedBuyers.size()];
        final org.agrona.collections.Long2LongHashMap.KeyIterator it = logic.accountedBuyers.keySet().iterator();
        for (int i = 0; it.hasNext(); i++)
        {
            keys[i] = it.nextValue();
        }
        java.util.Arrays.sort(keys);
        w.putInt(keys.length);
        for (final long key : keys)
        {
            w.putLong(key).putLong(logic.accountedBuyers.get(key));
        }
        return w.position;
    }

    private static void writeDrawPart(final Writer w, final Sale s)
    {
        w.putByte(s.mode.code()).putInt(s.accountsPerAddress).putInt(s.announcedEntries)
            .putByte(s.announcedDrawn ? 1 : 0).putByte(s.announcedWaitingClosed ? 1 : 0);
        final DrawBook book = s.draw;
        if (book == null)
        {
            return;
        }
        w.putBytes(book.seedHash).putInt(book.rows);
        for (int row = 0; row < book.rows; row++)
        {
            w.putInt(book.user[row]).putInt(book.quantity[row]).putByte(book.state[row]).putInt(book.address[row]);
        }
        w.putByte(book.drawn ? 1 : 0);
        if (!book.drawn)
        {
            return;
        }
        w.putByte(book.seed.length).putBytes(book.seed).putBytes(book.entriesHash).putInt(book.drawnCount);
        for (int i = 0; i < book.drawnCount; i++)
        {
            w.putInt(book.drawOrder[i]);
        }
        for (int row = 0; row < book.rows; row++)
        {
            w.putInt(book.orderOf[row]);
        }
        w.putInt(book.served).putInt(book.winnersAtDraw).putByte(book.waitingClosed ? 1 : 0);
    }

    private static void readDrawPart(final Reader r, final Sale s)
    {
        s.mode = io.flashgate.protocol.SaleMode.fromCode(r.getByte());
        if (s.mode == null)
        {
            throw new IllegalArgumentException("engine snapshot has a sale of an unknown mode");
        }
        s.accountsPerAddress = r.getInt();
        s.announcedEntries = r.getInt();
        s.announcedDrawn = r.getByte() != 0;
        s.announcedWaitingClosed = r.getByte() != 0;
        if (s.mode != io.flashgate.protocol.SaleMode.DRAW)
        {
            return;
        }
        final byte[] seedHash = r.getBytes(DrawAlgorithm.HASH_LENGTH);
        final int rows = r.getCount();
        final DrawBook book = new DrawBook(rows);
        System.arraycopy(seedHash, 0, book.seedHash, 0, seedHash.length);
        for (int row = 0; row < rows; row++)
        {
            final int user = r.getInt();
            final int quantity = r.getInt();
            final byte state = r.getByte();
            final int address = r.getInt();
            book.add(user, quantity, address);
            if (state == DrawBook.WITHDRAWN)
            {
                book.withdraw(row);
            }
        }
        s.draw = book;
        if (r.getByte() == 0)
        {
            return;
        }
        book.seed = r.getBytes(r.getByte() & 0xFF);
        System.arraycopy(r.getBytes(DrawAlgorithm.HASH_LENGTH), 0, book.entriesHash, 0, DrawAlgorithm.HASH_LENGTH);
        final int n = r.getCount();
        book.drawOrder = new int[n];
        for (int i = 0; i < n; i++)
        {
            book.drawOrder[i] = r.getInt();
        }
        book.placeDrawOrder(n);
        for (int row = 0; row < rows; row++)
        {
            book.orderOf[row] = r.getInt();
        }
        book.served = r.getInt();
        book.winnersAtDraw = r.getInt();
        book.waitingClosed = r.getByte() != 0;
    }

    /** Rebuilds a business logic from {@link #write}'s bytes; throws IllegalArgumentException if they are not one. */
    public static BusinessLogic read(final DirectBuffer in, final int offset, final int length)
    {
        final Reader r = new Reader(in, offset, length);
        if (r.getInt() != MAGIC)
        {
            throw new IllegalArgumentException("not a Flashgate engine snapshot");
        }
        final int version = r.getInt();
        if (version < 1 || version > FORMAT_VERSION)
        {
            throw new IllegalArgumentException("unsupported engine snapshot version " + version);
        }
        final long now = r.getLong();
        final int epochCount = version == 1 ? 0 : r.getInt();
        if (epochCount < 0 || epochCount > 1_000_000)
        {
            throw new IllegalArgumentException("engine snapshot lists " + epochCount + " epochs");
        }
        final long[] epochValues = new long[epochCount];
        final long[] epochStarts = new long[epochCount];
        for (int i = 0; i < epochCount; i++)
        {
            epochValues[i] = r.getLong();
            epochStarts[i] = r.getLong();
        }
        final int saleCount = r.getInt();
        final Sale[] sales = new Sale[Math.max(8, saleCount)];
        final IdStore saleIds = new IdStore(false, 16);
        final java.util.List<Sale> loaded = new java.util.ArrayList<>();
        for (int i = 0; i < saleCount; i++)
        {
            r.internId(saleIds, 0);
            final Sale s = new Sale(i);
            s.stock = r.getInt();
            s.reserved = r.getInt();
            s.confirmed = r.getInt();
            s.limitPerUser = r.getInt();
            s.startsAt = r.getLong();
            s.endsAt = r.getLong();
            s.ttlSeconds = r.getInt();
            s.paused = r.getByte() != 0;
            s.ended = r.getByte() != 0;
            s.buyers = r.getInt();
            s.queueHead = r.getInt();
            s.queueTail = r.getInt();
            final byte announced = r.getByte();
            s.announcedStatus = announced < 0 ? null : SaleStatus.fromCode(announced);
            s.announcedRemaining = r.getInt();
            if (version >= 3)
            {
                readDrawPart(r, s);
            }
            sales[i] = s;
            loaded.add(s);
        }
        final int userCount = r.getInt();
        final int orderCount = r.getInt(r.position + skipIds(in, r.position, userCount));
        final BusinessLogic logic = new BusinessLogic(Math.max(userCount, orderCount));
        logic.now = now;
        for (int i = 0; i < epochCount; i++)
        {
            logic.epochs.begin(epochValues[i], epochStarts[i]);
        }
        logic.sales = sales;
        for (int i = 0; i < saleCount; i++)
        {
            logic.saleIds.intern(0, saleIds.bytes(), saleIds.idOffset(i), saleIds.idLength(i));
        }
        for (int i = 0; i < userCount; i++)
        {
            r.internId(logic.userIds, 0);
        }
        r.getInt(); // order count, read ahead above
        final OrderTable orders = logic.orders;
        for (int i = 0; i < orderCount; i++)
        {
            final int sale = r.getInt();
            final int user = r.getInt();
            final int quantity = r.getInt();
            final byte status = r.getByte();
            final long expiresAt = r.getLong();
            final int next = r.getInt();
            orders.add(sale, user, quantity, expiresAt);
            orders.status[i] = status;
            orders.nextInQueue[i] = next;
            r.internOrderKey(logic, user);
            if (orders.status(i).isLive())
            {
                final long key = ((long)sale << 32) | (user & 0xFFFF_FFFFL);
                logic.liveUnits.put(key, logic.liveUnits.get(key) + quantity);
            }
        }
        if (version >= 3)
        {
            final int addressCount = r.getCount();
            for (int i = 0; i < addressCount; i++)
            {
                r.internId(logic.addresses, r.getInt());
            }
            final int accounted = r.getCount();
            for (int i = 0; i < accounted; i++)
            {
                final long key = r.getLong();
                final long address = r.getLong();
                logic.accountedBuyers.put(key, address);
                logic.addresses.addToCounter((int)(address - 1), 1);
            }
            for (int i = 0; i < saleCount; i++)
            {
                final DrawBook book = sales[i].draw;
                for (int row = 0; book != null && row < book.rows; row++)
                {
                    if (book.state[row] == DrawBook.ACTIVE && book.address[row] >= 0)
                    {
                        logic.addresses.addToCounter(book.address[row], 1);
                    }
                }
            }
        }
        if (r.position != offset + length)
        {
            throw new IllegalArgumentException("engine snapshot has " + (offset + length - r.position) + " trailing bytes");
        }
        return logic;
    }

    /** A 64-bit hash of the canonical state: equal states, equal hashes. */
    public static long stateHash(final BusinessLogic logic)
    {
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(1 << 16);
        final int length = write(logic, buffer);
        return hash(buffer, 0, length);
    }

    public static long hash(final DirectBuffer buffer, final int offset, final int length)
    {
        long h = 0x9E3779B97F4A7C15L ^ length;
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            h = mix(h ^ buffer.getLong(offset + i));
        }
        for (; i < length; i++)
        {
            h = mix(h ^ buffer.getByte(offset + i));
        }
        return h;
    }

    private static long mix(final long value)
    {
        long z = value * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int skipIds(final DirectBuffer in, final int at, final int count)
    {
        int position = at;
        for (int i = 0; i < count; i++)
        {
            position += 1 + (in.getByte(position) & 0xFF);
        }
        return position - at;
    }

    private static final class Writer
    {
        private final MutableDirectBuffer out;
        private int position;

        Writer(final MutableDirectBuffer out)
        {
            this.out = out;
        }

        Writer putInt(final int value)
        {
            out.putInt(position, value);
            position += 4;
            return this;
        }

        Writer putLong(final long value)
        {
            out.putLong(position, value);
            position += 8;
            return this;
        }

        Writer putByte(final int value)
        {
            out.putByte(position, (byte)value);
            position += 1;
            return this;
        }

        Writer putBytes(final byte[] bytes)
        {
            out.putBytes(position, bytes);
            position += bytes.length;
            return this;
        }

        Writer putId(final IdStore ids, final int index)
        {
            final int length = ids.idLength(index);
            out.putByte(position, (byte)length);
            out.putBytes(position + 1, ids.bytes(), ids.idOffset(index), length);
            position += 1 + length;
            return this;
        }
    }

    private static final class Reader
    {
        private final DirectBuffer in;
        private final int limit;
        private int position;

        Reader(final DirectBuffer in, final int offset, final int length)
        {
            this.in = in;
            this.position = offset;
            this.limit = offset + length;
        }

        private void need(final int bytes)
        {
            if (position + bytes > limit)
            {
                throw new IllegalArgumentException("engine snapshot truncated at byte " + position);
            }
        }

        int getInt()
        {
            need(4);
            final int value = in.getInt(position);
            position += 4;
            return value;
        }

        int getInt(final int at)
        {
            if (at + 4 > limit)
            {
                throw new IllegalArgumentException("engine snapshot truncated at byte " + at);
            }
            return in.getInt(at);
        }

        long getLong()
        {
            need(8);
            final long value = in.getLong(position);
            position += 8;
            return value;
        }

        byte[] getBytes(final int count)
        {
            need(count);
            final byte[] bytes = new byte[count];
            in.getBytes(position, bytes);
            position += count;
            return bytes;
        }

        /** A count of things that follow, each at least a byte: bounded by what is left. */
        int getCount()
        {
            final int count = getInt();
            if (count < 0 || count > limit - position)
            {
                throw new IllegalArgumentException("engine snapshot has a count of " + count + " at byte " + position);
            }
            return count;
        }

        byte getByte()
        {
            need(1);
            return in.getByte(position++);
        }

        void internId(final IdStore ids, final int prefix)
        {
            final int length = getByte() & 0xFF;
            need(length);
            ids.intern(prefix, in, position, length);
            position += length;
        }

        /** The next id as the user's next order's key, with its bit, as the live logic interns it. */
        void internOrderKey(final BusinessLogic logic, final int user)
        {
            final int length = getByte() & 0xFF;
            need(length);
            logic.internOrderKey(user, in, position, length);
            position += length;
        }
    }
}
