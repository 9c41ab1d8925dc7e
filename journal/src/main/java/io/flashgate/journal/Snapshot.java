package io.flashgate.journal;

import java.nio.file.Path;

import org.agrona.DirectBuffer;

/**
 * A snapshot read back and verified.
 *
 * @param sequence the journal sequence the state includes: replay continues after it.
 * @param file     the snapshot file.
 * @param state    the whole payload, starting at offset 0.
 * @param length   payload length in bytes.
 */
public record Snapshot(long sequence, Path file, DirectBuffer state, int length)
{
}
