package io.flashgate.engine.logic;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class IdStoreTest
{
    private static UnsafeBuffer ascii(final String id)
    {
        return new UnsafeBuffer(id.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aUsersKeyBitsStayBesideItsIdAndSurviveTheTablesGrowth()
    {
        final IdStore users = IdStore.withKeyBits(2);
        final UnsafeBuffer alice = ascii("alice");
        final int a = users.intern(0, alice, 0, alice.capacity());
        assertEquals(0L, users.lastFoundKeyBits(), "a new user has used no key");
        users.addKeyBit(a, IdStore.keyBit(7 << 26));
        users.addKeyBit(a, IdStore.keyBit(63 << 26));
        for (int i = 0; i < 1000; i++)
        {
            final UnsafeBuffer other = ascii("user-" + i);
            users.intern(0, other, 0, other.capacity()); // rehashes and grows the arena many times
        }
        assertEquals(a, users.find(0, alice, 0, alice.capacity()));
        assertEquals((1L << 7) | (1L << 63), users.lastFoundKeyBits());
        assertEquals("alice", users.idString(a));
    }

    @Test
    void aHashComputedOnceFindsWhatItInterned()
    {
        final IdStore keys = new IdStore(true, 16);
        final UnsafeBuffer key = ascii("an-idempotency-key-longer-than-8");
        final int hash = keys.hash(42, key, 0, key.capacity());
        final int index = keys.intern(hash, 42, key, 0, key.capacity());
        assertEquals(42, keys.prefix(index));
        assertEquals(index, keys.find(42, key, 0, key.capacity()), "a lookup that hashes the key itself finds it");
        assertEquals(index, keys.find(hash, 42, key, 0, key.capacity()));
        assertNotEquals(hash, keys.hash(43, key, 0, key.capacity()), "the prefix is hashed too");
        assertEquals(-1, keys.find(43, key, 0, key.capacity()));
    }

    @Test
    void eachHashSetsOneOfSixtyFourBitsFromItsTopBits()
    {
        assertEquals(1L, IdStore.keyBit(0x03FF_FFFF));
        assertEquals(1L << 63, IdStore.keyBit(0xFC00_0000));
        assertEquals(1L << 32, IdStore.keyBit(0x8000_0000));
    }
}
