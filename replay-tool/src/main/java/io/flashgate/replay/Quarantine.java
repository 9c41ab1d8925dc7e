package io.flashgate.replay;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Moves damaged data aside, never deleting a byte: to {@code <file>.quarantine-<n>} beside it (n = 1, 2, ... the
 * first free one). Names that no longer match {@code journal-*.seg} or {@code snapshot-*.snap} are ignored by the
 * engine. Each step is forced to disk before the next, so a crash mid-way loses nothing.
 */
sealed interface Quarantine permits Quarantine.Tail, Quarantine.Whole
{
    /** The file to act on. */
    Path file();

    /** Why, for the report. */
    String why();

    /** What it will do, for the plan. */
    String plan();

    /** Does it; @return what was done. */
    String execute() throws IOException;

    /**
     * The bytes of {@code segment} from {@code from} to its end: copied to the quarantine file (forced), then cut
     * from the segment (forced).
     */
    record Tail(Path file, long from, long length, String why) implements Quarantine
    {
        @Override
        public String plan()
        {
            return "move bytes " + from + ".." + (from + length) + " (" + length + " bytes) of " + file.getFileName()
                + " to a quarantine file: " + why;
        }

        @Override
        public String execute() throws IOException
        {
            final Path target = freeName(file);
            try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileChannel copy = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
            {
                final long end = source.size();
                long position = from;
                while (position < end)
                {
                    position += source.transferTo(position, end - position, copy);
                }
                copy.force(true);
                source.truncate(from);
                source.force(true);
            }
            syncFolder(file);
            return "moved bytes " + from + ".." + (from + length) + " (" + length + " bytes) of " + file.getFileName()
                + " to " + target.getFileName();
        }
    }

    /** A whole file, renamed. */
    record Whole(Path file, String why) implements Quarantine
    {
        @Override
        public String plan()
        {
            return "move " + file.getFileName() + " to a quarantine file: " + why;
        }

        @Override
        public String execute() throws IOException
        {
            final Path target = freeName(file);
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            syncFolder(file);
            return "moved " + file.getFileName() + " to " + target.getFileName();
        }
    }

    private static Path freeName(final Path file)
    {
        for (int n = 1; ; n++)
        {
            final Path candidate = file.resolveSibling(file.getFileName() + ".quarantine-" + n);
            if (!Files.exists(candidate))
            {
                return candidate;
            }
        }
    }

    /** Forces the folder's entries, so the new name survives a power loss. */
    private static void syncFolder(final Path file) throws IOException
    {
        try (FileChannel folder = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ))
        {
            folder.force(true);
        }
    }
}
