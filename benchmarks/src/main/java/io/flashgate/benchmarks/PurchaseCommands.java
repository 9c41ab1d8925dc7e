package io.flashgate.benchmarks;

import io.flashgate.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Pre-encoded purchase commands for N distinct buyers, so benchmarks measure the engine and not the
 * encoding. Each command's Idempotency-Key ends in four bytes that {@link #setRound} rewrites in
 * place, so every lap over the buyers is a fresh attempt rather than a replay.
 */
final class PurchaseCommands
{
    final UnsafeBuffer buffer;
    final int[] offsets;
    final int[] lengths;
    private final int[] roundOffsets;

    PurchaseCommands(final String saleId, final int buyers, final int quantity)
    {
        offsets = new int[buyers];
        lengths = new int[buyers];
        roundOffsets = new int[buyers];
        buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(buyers * 96));
        final CommandEncoder encoder = new CommandEncoder();
        int at = 0;
        for (int i = 0; i < buyers; i++)
        {
            encoder.wrap(buffer, at);
            final int length = encoder.purchase(1, i, saleId, "user-" + i, "key-0000", quantity);
            offsets[i] = at;
            lengths[i] = length;
            roundOffsets[i] = at + length - 4;
            at += length;
        }
    }

    int size()
    {
        return offsets.length;
    }

    /** Rewrites every key's last four characters to the round number (hex). */
    void setRound(final int round)
    {
        final int ascii = hex(round >>> 12) | hex(round >>> 8) << 8 | hex(round >>> 4) << 16 | hex(round) << 24;
        for (final int at : roundOffsets)
        {
            buffer.putInt(at, ascii);
        }
    }

    private static int hex(final int nibble)
    {
        return "0123456789abcdef".charAt(nibble & 0xF);
    }
}
