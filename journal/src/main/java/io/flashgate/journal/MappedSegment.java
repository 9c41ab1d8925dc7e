package io.flashgate.journal;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A whole segment file mapped read-only. Reading straight from the mapping avoids copying and per-record
 * allocation; {@link #close()} unmaps at once rather than waiting for the garbage collector.
 */
final class MappedSegment implements AutoCloseable
{
    private final Path path;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;

    private MappedSegment(final Path path, final MappedByteBuffer mapped)
    {
        this.path = path;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
    }

    static MappedSegment map(final Path path) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final long size = channel.size();
            if (size > Integer.MAX_VALUE)
            {
                throw new IOException(path + " is " + size + " bytes, too large to be a journal segment");
            }
            return new MappedSegment(path, channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
        }
    }

    Path path()
    {
        return path;
    }

    int length()
    {
        return buffer.capacity();
    }

    /** Typed reads of the mapping. */
    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** The same bytes as a ByteBuffer, for checksums; position and limit are scratch. */
    MappedByteBuffer byteBuffer()
    {
        return mapped;
    }

    int intAt(final int offset)
    {
        return buffer.getInt(offset, JournalFormat.BYTE_ORDER);
    }

    long longAt(final int offset)
    {
        return buffer.getLong(offset, JournalFormat.BYTE_ORDER);
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
