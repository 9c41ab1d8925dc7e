package io.flashgate.edge.http;

import java.util.Arrays;

/**
 * A hand-written writer for the flat JSON objects the edge answers most ({@code docs/HTTP-API.md}: an order, an
 * error), straight into a per-thread byte buffer: no tree, no map, no generator per answer. Output is pure ASCII
 * (anything else is written as {@code \}{@code uXXXX}), so it is valid UTF-8 whatever the input.
 *
 * <p>One writer per thread, reused: {@link #object()} resets it. The bytes are valid until that thread's next
 * {@link #object()}, so the caller writes them out before building another answer on the same thread.
 */
final class JsonWriter
{
    private static final ThreadLocal<JsonWriter> PER_THREAD = ThreadLocal.withInitial(JsonWriter::new);
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] buffer = new byte[256];
    private int length;
    private boolean firstField;

    private JsonWriter()
    {
    }

    /** This thread's writer, emptied, with an object opened. */
    static JsonWriter object()
    {
        final JsonWriter writer = PER_THREAD.get();
        writer.length = 0;
        writer.firstField = true;
        writer.put((byte)'{');
        return writer;
    }

    /** {@code "name":"value"}, or {@code "name":null} when value is null. */
    JsonWriter string(final String name, final String value)
    {
        name(name);
        if (value == null)
        {
            ascii("null");
        }
        else
        {
            quoted(value);
        }
        return this;
    }

    /** {@code "name":true}. */
    JsonWriter bool(final String name, final boolean value)
    {
        name(name);
        ascii(value ? "true" : "false");
        return this;
    }

    /** {@code "name":123}. */
    JsonWriter number(final String name, final long value)
    {
        name(name);
        if (value == Long.MIN_VALUE)
        {
            ascii("-9223372036854775808");
            return this;
        }
        long v = value;
        if (v < 0)
        {
            put((byte)'-');
            v = -v;
        }
        final int digits = digits(v);
        ensure(digits);
        for (int i = length + digits - 1; i >= length; i--)
        {
            buffer[i] = (byte)('0' + (int)(v % 10));
            v /= 10;
        }
        length += digits;
        return this;
    }

    /** Closes the object; {@link #buffer()} and {@link #length()} then hold the whole text. */
    JsonWriter end()
    {
        put((byte)'}');
        return this;
    }

    byte[] buffer()
    {
        return buffer;
    }

    int length()
    {
        return length;
    }

    /** A copy of the text, for callers that keep it. */
    byte[] toBytes()
    {
        return Arrays.copyOf(buffer, length);
    }

    private void name(final String name)
    {
        if (!firstField)
        {
            put((byte)',');
        }
        firstField = false;
        quoted(name);
        put((byte)':');
    }

    private void quoted(final String text)
    {
        ensure(text.length() + 2);
        put((byte)'"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                put((byte)'\\');
                put((byte)c);
            }
            else if (c >= 0x20 && c < 0x7f)
            {
                put((byte)c);
            }
            else
            {
                ensure(6);
                buffer[length++] = '\\';
                buffer[length++] = 'u';
                buffer[length++] = HEX[(c >> 12) & 0xf];
                buffer[length++] = HEX[(c >> 8) & 0xf];
                buffer[length++] = HEX[(c >> 4) & 0xf];
                buffer[length++] = HEX[c & 0xf];
            }
        }
        put((byte)'"');
    }

    private void ascii(final String text)
    {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            buffer[length++] = (byte)text.charAt(i);
        }
    }

    private void put(final byte b)
    {
        ensure(1);
        buffer[length++] = b;
    }

    private void ensure(final int more)
    {
        if (length + more > buffer.length)
        {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private static int digits(final long v)
    {
        int n = 1;
        long limit = 10;
        while (n < 19 && v >= limit)
        {
            n++;
            limit *= 10;
        }
        return n;
    }
}
