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
    private static final int EMPTY = -1;

    private final boolean prefixed;
    private byte[] arena;
    private final UnsafeBuffer arenaBuffer = new UnsafeBuffer(new byte[0]);
    private int arenaUsed;
    /** index → arena offset of the entry's length byte. */
    private int[] entryOffsets;
    private int size;
    /** slot → index, or EMPTY. */
    private int[] slots;
    /** slot → hash of the entry there, to skip most byte comparisons. */
    private int[] slotHashes;
    private int mask;

    IdStore(final boolean prefixed, final int expectedEntries)
    {
        this.prefixed = prefixed;
        final int capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(16, expectedEntries * 2));
        slots = new int[capacity];
        slotHashes = new int[capacity];
        Arrays.fill(slots, EMPTY);
        mask = capacity - 1;
        entryOffsets = new int[Math.max(16, expectedEntries)];
        arena = new byte[Math.max(256, expectedEntries * 16)];
        arenaBuffer.wrap(arena);
    }

    int size()
    {
        return size;
    }

    /** @return the index of the id, or -1 when it was never interned. */
    int find(final int prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        final int hash = hash(prefix, buffer, offset, length);
        int slot = hash & mask;
        while (true)
        {
            final int index = slots[slot];
            if (index == EMPTY)
            {
                return -1;
            }
            if (slotHashes[slot] == hash && matches(index, prefix, buffer, offset, length))
            {
                return index;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** @return the existing index of the id, or a new one (== previous size). */
    int intern(final int prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        final int hash = hash(prefix, buffer, offset, length);
        int slot = hash & mask;
        while (true)
        {
            final int index = slots[slot];
            if (index == EMPTY)
            {
                break;
            }
            if (slotHashes[slot] == hash && matches(index, prefix, buffer, offset, length))
            {
                return index;
            }
            slot = (slot + 1) & mask;
        }
        final int index = append(prefix, buffer, offset, length);
        slots[slot] = index;
        slotHashes[slot] = hash;
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
        return entryOffsets[index] + 1 + (prefixed ? 4 : 0);
    }

    int idLength(final int index)
    {
        return arena[entryOffsets[index]] & 0xFF;
    }

    int prefix(final int index)
    {
        return arenaBuffer.getInt(entryOffsets[index] + 1);
    }

    String idString(final int index)
    {
        return arenaBuffer.getStringWithoutLengthAscii(idOffset(index), idLength(index));
    }

    private int append(final int prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        final int entryLength = 1 + (prefixed ? 4 : 0) + length;
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
        int idAt = at + 1;
        if (prefixed)
        {
            arenaBuffer.putInt(idAt, prefix);
            idAt += 4;
        }
        buffer.getBytes(offset, arena, idAt, length);
        arenaUsed += entryLength;
        entryOffsets[size] = at;
        return size++;
    }

    private boolean matches(final int index, final int prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        final int at = entryOffsets[index];
        if ((arena[at] & 0xFF) != length)
        {
            return false;
        }
        int idAt = at + 1;
        if (prefixed)
        {
            if (arenaBuffer.getInt(idAt) != prefix)
            {
                return false;
            }
            idAt += 4;
        }
        for (int i = 0; i < length; i++)
        {
            if (arena[idAt + i] != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    private int hash(final int prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        int h = prefixed ? prefix * 0x9E3779B9 : 0x811C9DC5;
        for (int i = 0; i < length; i++)
        {
            h = (h ^ buffer.getByte(offset + i)) * 0x01000193;
        }
        // final avalanche (murmur3 fmix32) so that linear probing sees well-spread slots
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    private void rehash(final int capacity)
    {
        final int[] oldSlots = slots;
        final int[] oldHashes = slotHashes;
        slots = new int[capacity];
        slotHashes = new int[capacity];
        Arrays.fill(slots, EMPTY);
        mask = capacity - 1;
        for (int i = 0; i < oldSlots.length; i++)
        {
            if (oldSlots[i] != EMPTY)
            {
                int slot = oldHashes[i] & mask;
                while (slots[slot] != EMPTY)
                {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = oldSlots[i];
                slotHashes[slot] = oldHashes[i];
            }
        }
    }

    /** Bytes held, for the memory-per-buyer figure. */
    long footprintBytes()
    {
        return arena.length + 4L * entryOffsets.length + 8L * slots.length;
    }
}
