package io.flashgate.protocol;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An id read from a command: refused for one character outside [A-Za-z0-9_.:-], wherever it stands, at any length. */
class IdsTest
{
    @Test
    void anIdOfAnyLengthIsRefusedForOneBadCharacterAnywhere()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[3 + Ids.MAX_LENGTH]);
        for (int length = 1; length <= Ids.MAX_LENGTH; length++)
        {
            for (int i = 0; i < length; i++)
            {
                buffer.putByte(3 + i, (byte)"aZ9_.:-".charAt(i % 7));
            }
            assertTrue(Ids.isValid(buffer, 3, length), "length " + length);
            for (int bad = 0; bad < length; bad++)
            {
                final byte kept = buffer.getByte(3 + bad);
                for (final char c : new char[] {'/', ' ', '@', '[', '`', '{', ',', ';', (char)0xC3})
                {
                    buffer.putByte(3 + bad, (byte)c);
                    assertFalse(Ids.isValid(buffer, 3, length), "'" + c + "' at " + bad + " of " + length);
                }
                buffer.putByte(3 + bad, kept);
            }
        }
    }
}
