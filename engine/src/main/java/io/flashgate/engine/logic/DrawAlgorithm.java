package io.flashgate.engine.logic;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The draw of docs/DRAW.md, version 1: a SHA-256 counter stream keyed by the seed and the sale id drives a
 * Fisher–Yates shuffle of the entries in journal order. Everything a third party needs is here and in that
 * document; nothing depends on the JVM's random numbers, the clock or a hash table's layout.
 *
 * <ul>
 *   <li>block b (b = 0, 1, ...) = SHA-256(seed ‖ 0x00 ‖ saleId ‖ 0x00 ‖ b as 8 bytes big-endian);
 *       each block gives four 64-bit unsigned words, big-endian, used in order;</li>
 *   <li>uniform(m): the next word x; if x &lt; 2^64 mod m, drop it and take the next; else x mod m;</li>
 *   <li>for i = 0 .. n-2: j = i + uniform(n - i); swap(a[i], a[j]): a[0] is drawn first.</li>
 * </ul>
 *
 * <p>Hashed ids and the entries hash are what is published instead of user ids: hashedId = SHA-256(saleId ‖ 0x00 ‖
 * userId); entriesHash = SHA-256 over each entry in journal order of hashedId ‖ quantity (4 bytes big-endian).
 *
 * <p>One instance per thread (it holds a digest and the stream's position). Not on the hot path: a draw runs once.
 */
public final class DrawAlgorithm
{
    public static final String NAME = "sha256-counter-fisher-yates";
    public static final int VERSION = 1;
    public static final int HASH_LENGTH = 32;

    private final MessageDigest digest = sha256();
    private final byte[] block = new byte[HASH_LENGTH];
    private final byte[] counterBytes = new byte[8];
    private byte[] key = new byte[0];
    private int keyLength;
    private long counter;
    private int wordsLeft;
    private long blocks;

    /** Starts the stream for (seed, saleId); ASCII bytes of each. */
    public DrawAlgorithm start(final byte[] seed, final int seedLength, final byte[] saleId, final int saleIdLength)
    {
        keyLength = seedLength + 1 + saleIdLength + 1;
        if (key.length < keyLength)
        {
            key = new byte[keyLength];
        }
        System.arraycopy(seed, 0, key, 0, seedLength);
        key[seedLength] = 0;
        System.arraycopy(saleId, 0, key, seedLength + 1, saleIdLength);
        key[keyLength - 1] = 0;
        counter = 0;
        wordsLeft = 0;
        blocks = 0;
        return this;
    }

    public DrawAlgorithm start(final String seed, final String saleId)
    {
        final byte[] s = ascii(seed);
        final byte[] id = ascii(saleId);
        return start(s, s.length, id, id.length);
    }

    /** The next 64-bit word of the stream. */
    public long nextWord()
    {
        if (wordsLeft == 0)
        {
            for (int i = 0; i < 8; i++)
            {
                counterBytes[i] = (byte)(counter >>> (56 - 8 * i));
            }
            counter++;
            blocks++;
            digest.update(key, 0, keyLength);
            digest.update(counterBytes, 0, 8);
            try
            {
                digest.digest(block, 0, HASH_LENGTH);
            }
            catch (final java.security.DigestException e)
            {
                throw new IllegalStateException(e);
            }
            wordsLeft = 4;
        }
        final int at = (4 - wordsLeft) * 8;
        wordsLeft--;
        long word = 0;
        for (int i = 0; i < 8; i++)
        {
            word = (word << 8) | (block[at + i] & 0xFF);
        }
        return word;
    }

    /** A uniform integer in [0, bound), without modulo bias (rejection below 2^64 mod bound). */
    public int uniform(final int bound)
    {
        if (bound < 1)
        {
            throw new IllegalArgumentException("bound " + bound);
        }
        final long m = bound;
        // 2^64 mod m, computed in unsigned arithmetic as (2^64 - m) mod m.
        final long threshold = Long.remainderUnsigned(-m, m);
        while (true)
        {
            final long x = nextWord();
            if (Long.compareUnsigned(x, threshold) >= 0)
            {
                return (int)Long.remainderUnsigned(x, m);
            }
        }
    }

    /** Shuffles a[0..n) in place: afterwards a[0] is the first drawn. */
    public void shuffle(final int[] a, final int n)
    {
        for (int i = 0; i < n - 1; i++)
        {
            final int j = i + uniform(n - i);
            final int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** SHA-256 blocks the stream used since {@link #start}. */
    public long blocksUsed()
    {
        return blocks;
    }

    /** hashedId = SHA-256(saleId ‖ 0x00 ‖ userId), into {@code out}. */
    public void hashedId(final byte[] saleId, final int saleIdLength, final byte[] userIds, final int userOffset,
        final int userLength, final byte[] out)
    {
        digest.update(saleId, 0, saleIdLength);
        digest.update((byte)0);
        digest.update(userIds, userOffset, userLength);
        try
        {
            digest.digest(out, 0, HASH_LENGTH);
        }
        catch (final java.security.DigestException e)
        {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] hashedId(final String saleId, final String userId)
    {
        final byte[] sale = ascii(saleId);
        final byte[] user = ascii(userId);
        final byte[] out = new byte[HASH_LENGTH];
        new DrawAlgorithm().hashedId(sale, sale.length, user, 0, user.length, out);
        return out;
    }

    /** The digest object, for callers that hash a list (the entries hash). */
    MessageDigest digest()
    {
        return digest;
    }

    public static byte[] sha256(final byte[] bytes, final int offset, final int length)
    {
        final MessageDigest d = sha256();
        d.update(bytes, offset, length);
        return d.digest();
    }

    public static byte[] seedHash(final String seed)
    {
        final byte[] s = ascii(seed);
        return sha256(s, 0, s.length);
    }

    static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
