package io.flashgate.engine.logic;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Interns ASCII ids (optionally prefixed by an int, e.g. a user index before an Idempotency-Key)
 * into dense indexes 0, 1, 2… in order of first appearance. Garbage-free lookups straight from a
 * message buffer: the bytes live in one growing arena and an open-addressing table of ints.
 *
 * <p>Dense, ordered indexes are what make the engine's state canonical: a snapshot writes ids in
 * index order, so the same history always gives the same bytes, whatever the table's layout.
 * Single-threaded, like all business-logic state.
 */
final class IdStore
{
    /**
     * A slot packs (hash << 32 | arena offset + 1); 0 is empty. The entry in the arena starts with
     * its own index, so a hit costs two cache misses (slot, arena) and nothing else.
     */
    private static final long EMPTY = 0L;

    private final boolean prefixed;
    /**
     * Bytes before the id: length byte, 4-byte index, 4-byte counter (if any), 8-byte key bits (if any), 4-byte
     * prefix (if any).
     */
    private final int counterBytes;
    private final int keyBitsBytes;
    private final int headerBytes;
    private byte[] arena;
    private final UnsafeBuffer arenaBuffer = new UnsafeBuffer(new byte[0]);
    private int arenaUsed;
    /** index → arena offset of the entry's length byte. */
    private int[] entryOffsets;
    private int size;
    private long[] slots;
    private int mask;
    /** Arena offset of the entry the last find/intern landed on: its counter is then one read away. */
    private int lastAt;

    IdStore(final boolean prefixed, final int expectedEntries)
    {
        this(prefixed, false, expectedEntries);
    }

    /**
     * @param withCounter keep an int beside each id, in the same cache line as its bytes, so the
     *                    engine can read it for free right after a lookup (e.g. a user's order count).
     */
    IdStore(final boolean prefixed, final boolean withCounter, final int expectedEntries)
    {
        this(prefixed, withCounter ? 4 : 0, 0, expectedEntries);
    }

    /**
     * Unprefixed ids that each keep 64 bits beside them, in the same cache line as their bytes: the users, whose bits
     * say which idempotency keys they may have used ({@link #lastFoundKeyBits}).
     */
    static IdStore withKeyBits(final int expectedEntries)
    {
        return new IdStore(false, 0, 8, expectedEntries);
    }

    private IdStore(final boolean prefixed, final int counterBytes, final int keyBitsBytes, final int expectedEntries)
    {
        this.prefixed = prefixed;
        this.counterBytes = counterBytes;
        this.keyBitsBytes = keyBitsBytes;
        this.headerBytes = 1 + 4 + counterBytes + keyBitsBytes + (prefixed ? 4 : 0);
        final int capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(16, expectedEntries * 2));
        slots = new long[capacity];
        mask = capacity - 1;
        entryOffsets = new int[Math.max(16, expectedEntries)];
        // room for the headers and ids of 8 characters on average, so that a rush of expected size does not grow it
        arena = new byte[Math.max(256, expectedEntries * (headerBytes + 8))];
        arenaBuffer.wrap(arena);
    }

    int size()
    {
        return size;
    }

    /** @return the index of the id, or -1 when it was never interned. */
    int find(final int prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        return find(hash(prefix, buffer, offset, length), prefix, buffer, offset, length);
    }

    /** {@link #find(int, DirectBuffer, int, int)} with the id's {@link #hash} already computed. */
    int find(final int hash, final int prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        int slot = hash & mask;
        while (true)
        {
            final long entry = slots[slot];
            if (entry == EMPTY)
            {
                return -1;
            }
            final int at = (int)entry - 1;
            if ((int)(entry >>> 32) == hash && matches(at, prefix, buffer, offset, length))
            {
                lastAt = at;
                return arenaBuffer.getInt(at + 1);
            }
            slot = (slot + 1) & mask;
        }
    }

    /** @return the existing index of the id, or a new one (== previous size). */
    int intern(final int prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        return intern(hash(prefix, buffer, offset, length), prefix, buffer, offset, length);
    }

    /** {@link #intern(int, DirectBuffer, int, int)} with the id's {@link #hash} already computed. */
    int intern(final int hash, final int prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        int slot = hash & mask;
        while (true)
        {
            final long entry = slots[slot];
            if (entry == EMPTY)
            {
                break;
            }
            final int at = (int)entry - 1;
            if ((int)(entry >>> 32) == hash && matches(at, prefix, buffer, offset, length))
            {
                lastAt = at;
                return arenaBuffer.getInt(at + 1);
            }
            slot = (slot + 1) & mask;
        }
        final int index = append(prefix, buffer, offset, length);
        lastAt = entryOffsets[index];
        slots[slot] = pack(hash, lastAt);
        if (size * 2 > slots.length)
        {
            rehash(slots.length * 2);
        }
        return index;
    }

    /** The arena, for copying an id's bytes into an event. Re-read after any intern: it may grow. */
    DirectBuffer bytes()
    {
        return arenaBuffer;
    }

    /** Offset in {@link #bytes()} of the id's characters (after length byte and prefix). */
    int idOffset(final int index)
    {
        return entryOffsets[index] + headerBytes;
    }

    /**
     * The key bits of the entry the last successful find or intern returned: the OR of {@link #keyBit} of every key
     * {@link #addKeyBit} gave it. A bit not set means that no such key was given.
     */
    long lastFoundKeyBits()
    {
        return arenaBuffer.getLong(lastAt + 5 + counterBytes);
    }

    void addKeyBit(final int index, final long bit)
    {
        final int at = entryOffsets[index] + 5 + counterBytes;
        arenaBuffer.putLong(at, arenaBuffer.getLong(at) | bit);
    }

    /** One of 64 bits, from the hash's top bits (the table's slots use its low ones). */
    static long keyBit(final int hash)
    {
        return 1L << (hash >>> 26);
    }

    /** The counter of the entry the last successful find or intern returned, without another lookup. */
    int lastFoundCounter()
    {
        return arenaBuffer.getInt(lastAt + 5);
    }

    void addToLastFoundCounter(final int delta)
    {
        arenaBuffer.putInt(lastAt + 5, arenaBuffer.getInt(lastAt + 5) + delta);
    }

    void addToCounter(final int index, final int delta)
    {
        final int at = entryOffsets[index] + 5;
        arenaBuffer.putInt(at, arenaBuffer.getInt(at) + delta);
    }

    int idLength(final int index)
    {
        return arena[entryOffsets[index]] & 0xFF;
    }

    int prefix(final int index)
    {
        return arenaBuffer.getInt(entryOffsets[index] + 5 + counterBytes + keyBitsBytes);
    }

    String idString(final int index)
    {
        return arenaBuffer.getStringWithoutLengthAscii(idOffset(index), idLength(index));
    }

    private int append(final int prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        final int entryLength = headerBytes + length;
        if (arenaUsed + entryLength > arena.length)
        {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + entryLength));
            arenaBuffer.wrap(arena);
        }
        if (size == entryOffsets.length)
        {
            entryOffsets = Arrays.copyOf(entryOffsets, size * 2);
        }
        final int at = arenaUsed;
        arena[at] = (byte)length;
        arenaBuffer.putInt(at + 1, size);
        if (counterBytes > 0)
        {
            arenaBuffer.putInt(at + 5, 0);
        }
        if (keyBitsBytes > 0)
        {
            arenaBuffer.putLong(at + 5 + counterBytes, 0L);
        }
        if (prefixed)
        {
            arenaBuffer.putInt(at + 5 + counterBytes + keyBitsBytes, prefix);
        }
        buffer.getBytes(offset, arena, at + headerBytes, length);
        arenaUsed += entryLength;
        entryOffsets[size] = at;
        return size++;
    }

    /** @param at arena offset of the entry. */
    private boolean matches(final int at, final int prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        if ((arena[at] & 0xFF) != length)
        {
            return false;
        }
        if (prefixed && arenaBuffer.getInt(at + 5 + counterBytes + keyBitsBytes) != prefix)
        {
            return false;
        }
        final int idAt = at + headerBytes;
        // eight bytes at a time: ids are short, but a byte loop still costs more than the lookup
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            if (arenaBuffer.getLong(idAt + i) != buffer.getLong(offset + i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (arena[idAt + i] != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    /** The hash of an id as the table places it; a pure function of the prefix and the bytes. */
    int hash(final int prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        long h = prefixed ? prefix * 0x9E3779B97F4A7C15L : 0x811C9DC5L;
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            h = (h ^ buffer.getLong(offset + i)) * 0x100000001B3L;
            h ^= h >>> 29;
        }
        for (; i < length; i++)
        {
            h = (h ^ buffer.getByte(offset + i)) * 0x100000001B3L;
        }
        h ^= length;
        // final avalanche (murmur3 fmix64) so that linear probing sees well-spread slots
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int)h;
    }

    private static long pack(final int hash, final int arenaOffset)
    {
        return ((long)hash << 32) | ((arenaOffset + 1) & 0xFFFF_FFFFL);
    }

    private void rehash(final int capacity)
    {
        final long[] oldSlots = slots;
        slots = new long[capacity];
        mask = capacity - 1;
        for (final long entry : oldSlots)
        {
            if (entry != EMPTY)
            {
                int slot = (int)(entry >>> 32) & mask;
                while (slots[slot] != EMPTY)
                {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = entry;
            }
        }
    }

    /** Bytes held, for the memory-per-buyer figure. */
    long footprintBytes()
    {
        return arena.length + 4L * entryOffsets.length + 8L * slots.length;
    }
}
