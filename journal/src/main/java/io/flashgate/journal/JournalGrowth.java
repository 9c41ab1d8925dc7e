package io.flashgate.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * How many bytes a journal folder grew by since the last look, from its segment files' sizes alone: no record is
 * read and nothing is mapped, so a reader can watch an engine's pace for the cost of a directory listing. Segments
 * older than the newest one at the last look (deleted or not) do not count. Not thread-safe: one thread.
 */
public final class JournalGrowth
{
    private final Path directory;
    private long newestFirstSequence = -1;
    private long newestSize;

    public JournalGrowth(final Path directory)
    {
        this.directory = directory;
    }

    /** @return bytes appended since the last call; 0 on the first, which only takes the measure. */
    public long sinceLastLook() throws IOException
    {
        final List<SegmentFile> segments = SegmentFile.listIn(directory);
        long grown = 0;
        long lastFirst = -1;
        long lastSize = 0;
        for (final SegmentFile segment : segments)
        {
            if (segment.firstSequence() < newestFirstSequence)
            {
                continue;
            }
            final long size = sizeOf(segment.path());
            grown += segment.firstSequence() == newestFirstSequence ? Math.max(0, size - newestSize) : size;
            lastFirst = segment.firstSequence();
            lastSize = size;
        }
        if (lastFirst < 0)
        {
            return 0;
        }
        final boolean first = newestFirstSequence < 0;
        newestFirstSequence = lastFirst;
        newestSize = lastSize;
        return first ? 0 : grown;
    }

    private static long sizeOf(final Path segment) throws IOException
    {
        try
        {
            return Files.size(segment);
        }
        catch (final NoSuchFileException gone)
        {
            return 0; // an engine's recovery deletes a last segment it finds without records
        }
    }
}
