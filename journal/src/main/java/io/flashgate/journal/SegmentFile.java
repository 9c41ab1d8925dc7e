package io.flashgate.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A segment file and the sequence its name promises for its first record ({@code journal-%020d.seg}).
 */
record SegmentFile(Path path, long firstSequence)
{
    private static final Pattern NAME = Pattern.compile("journal-(\\d{20})\\.seg");

    static String fileName(final long firstSequence)
    {
        return String.format("journal-%020d.seg", firstSequence);
    }

    static SegmentFile in(final Path directory, final long firstSequence)
    {
        return new SegmentFile(directory.resolve(fileName(firstSequence)), firstSequence);
    }

    /** Every segment file in the folder, by first sequence; other files are ignored. */
    static List<SegmentFile> listIn(final Path directory) throws IOException
    {
        final List<SegmentFile> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory))
        {
            for (final Path path : files.toList())
            {
                final Matcher matcher = NAME.matcher(path.getFileName().toString());
                if (matcher.matches() && Files.isRegularFile(path))
                {
                    segments.add(new SegmentFile(path, parseSequence(path, matcher.group(1))));
                }
            }
        }
        segments.sort(Comparator.comparingLong(SegmentFile::firstSequence));
        return segments;
    }

    private static long parseSequence(final Path path, final String digits) throws IOException
    {
        try
        {
            return Long.parseLong(digits);
        }
        catch (final NumberFormatException ex)
        {
            throw new IOException(path + ": sequence in the file name is too large", ex);
        }
    }
}
