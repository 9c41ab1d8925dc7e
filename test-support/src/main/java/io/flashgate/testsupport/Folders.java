package io.flashgate.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folders a test made outside JUnit's {@code @TempDir} (a browser's profile, a child's data), removed after it. */
public final class Folders
{
    private Folders()
    {
    }

    /** Removes {@code dir} and everything in it; a folder that cannot be removed is left behind (null: nothing). */
    public static void deleteQuietly(final Path dir)
    {
        if (dir == null || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ex)
        {
            // a temporary folder left behind is harmless; the OS cleans it eventually
        }
    }
}
