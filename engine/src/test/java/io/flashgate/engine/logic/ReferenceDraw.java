package io.flashgate.engine.logic;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * docs/DRAW.md's algorithm written again from the text alone, the plain way (BigInteger words, lists), as a third
 * party would: it shares no code with {@link DrawAlgorithm}, so agreement checks the document as much as the engine.
 */
final class ReferenceDraw
{
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private final byte[] key;
    private long counter;
    private final List<BigInteger> words = new ArrayList<>();

    ReferenceDraw(final String seed, final String saleId)
    {
        final ByteArrayOutputStream k = new ByteArrayOutputStream();
        k.writeBytes(seed.getBytes(StandardCharsets.US_ASCII));
        k.write(0);
        k.writeBytes(saleId.getBytes(StandardCharsets.US_ASCII));
        k.write(0);
        key = k.toByteArray();
    }

    BigInteger nextWord()
    {
        if (words.isEmpty())
        {
            final ByteArrayOutputStream input = new ByteArrayOutputStream();
            input.writeBytes(key);
            input.write(BigInteger.valueOf(counter++).add(TWO_TO_64).toByteArray(), 1, 8); // 8 bytes big-endian
            final byte[] block = sha256(input.toByteArray());
            for (int w = 0; w < 4; w++)
            {
                final byte[] word = new byte[8];
                System.arraycopy(block, w * 8, word, 0, 8);
                words.add(new BigInteger(1, word));
            }
        }
        return words.remove(0);
    }

    int uniform(final int m)
    {
        final BigInteger bound = BigInteger.valueOf(m);
        final BigInteger threshold = TWO_TO_64.mod(bound);
        while (true)
        {
            final BigInteger x = nextWord();
            if (x.compareTo(threshold) >= 0)
            {
                return x.mod(bound).intValue();
            }
        }
    }

    /** The entries (any objects, in journal order) in draw order. */
    <T> List<T> drawOrder(final List<T> entries)
    {
        final List<T> a = new ArrayList<>(entries);
        for (int i = 0; i < a.size() - 1; i++)
        {
            final int j = i + uniform(a.size() - i);
            final T t = a.get(i);
            a.set(i, a.get(j));
            a.set(j, t);
        }
        return a;
    }

    static byte[] hashedId(final String saleId, final String userId)
    {
        return sha256((saleId + "\0" + userId).getBytes(StandardCharsets.US_ASCII));
    }

    /** Entries as (user id, quantity) in journal order. */
    static byte[] entriesHash(final String saleId, final List<String> users, final List<Integer> quantities)
    {
        final ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (int i = 0; i < users.size(); i++)
        {
            list.writeBytes(hashedId(saleId, users.get(i)));
            final int q = quantities.get(i);
            list.writeBytes(new byte[] {(byte)(q >>> 24), (byte)(q >>> 16), (byte)(q >>> 8), (byte)q});
        }
        return sha256(list.toByteArray());
    }

    static byte[] sha256(final byte[] bytes)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException(e);
        }
    }
}
