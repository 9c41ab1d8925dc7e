package io.flashgate.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets aside the records after a sequence (docs/ARCHITECTURE.md, "Hot standby and failover": an old primary's tail
 * that was journaled but never released, because the pair went on under a newer epoch without it). Never deletes a
 * byte: the records after {@code keepUpTo} in their segment are copied to {@code <segment>.set-aside-<n>} (forced)
 * and cut from it (forced); every later segment is renamed likewise. The journal is then its prefix up to
 * {@code keepUpTo}. Call it with the journal closed (it takes the folder's lock).
 */
public final class TailSetAside
{
    private TailSetAside()
    {
    }

    /** @return one line per file changed, for the log; empty if the journal ends at or before {@code keepUpTo}. */
    public static List<String> after(final Path directory, final long keepUpTo) throws IOException
    {
        final List<String> done = new ArrayList<>();
        try (JournalLock ignored = JournalLock.acquire(directory))
        {
            final ScanResult scan = JournalScanner.scan(directory);
            for (final SegmentScan segment : scan.segments())
            {
                if (segment.records() == 0 || segment.lastSequence() <= keepUpTo)
                {
                    continue;
                }
                if (segment.firstSequence() > keepUpTo)
                {
                    final Path target = freeName(segment.path());
                    Files.move(segment.path(), target, StandardCopyOption.ATOMIC_MOVE);
                    done.add("moved " + segment.path().getFileName() + " (records " + segment.firstSequence() + ".." +
                        segment.lastSequence() + ") to " + target.getFileName());
                    continue;
                }
                final long cut = offsetOf(segment.path(), keepUpTo + 1);
                final Path target = freeName(segment.path());
                try (FileChannel source = FileChannel.open(segment.path(), StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
                    FileChannel copy = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
                {
                    final long end = source.size();
                    long position = cut;
                    while (position < end)
                    {
                        position += source.transferTo(position, end - position, copy);
                    }
                    copy.force(true);
                    source.truncate(cut);
                    source.force(true);
                }
                done.add("moved records " + (keepUpTo + 1) + ".." + segment.lastSequence() + " of " +
                    segment.path().getFileName() + " (bytes from " + cut + ") to " + target.getFileName());
            }
            DirectorySync.force(directory);
        }
        return done;
    }

    /** The byte offset of the record {@code sequence} in a segment whose records precede and reach it. */
    private static long offsetOf(final Path segment, final long sequence) throws IOException
    {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ))
        {
            final ByteBuffer header = ByteBuffer.allocate(JournalFormat.RECORD_HEADER_LENGTH)
                .order(JournalFormat.BYTE_ORDER);
            long position = JournalFormat.SEGMENT_HEADER_LENGTH;
            final long size = channel.size();
            while (position + JournalFormat.RECORD_HEADER_LENGTH <= size)
            {
                header.clear();
                channel.read(header, position);
                final int length = header.getInt(JournalFormat.RECORD_LENGTH_OFFSET);
                final long at = header.getLong(JournalFormat.RECORD_SEQUENCE_OFFSET);
                if (at == sequence)
                {
                    return position;
                }
                position += JournalFormat.recordLength(length);
            }
        }
        throw new IOException("record " + sequence + " not found in " + segment);
    }

    private static Path freeName(final Path file)
    {
        for (int n = 1; ; n++)
        {
            final Path candidate = file.resolveSibling(file.getFileName() + ".set-aside-" + n);
            if (!Files.exists(candidate))
            {
                return candidate;
            }
        }
    }
}
