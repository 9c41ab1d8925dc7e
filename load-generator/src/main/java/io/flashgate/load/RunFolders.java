package io.flashgate.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where a run writes its reports, and removing the temp folders it made. */
final class RunFolders
{
    private RunFolders()
    {
    }

    /** {@code out}, or {@code bench-results/<timestamp>} when null; created. */
    static Path output(final Path out) throws IOException
    {
        final Path dir = out != null ? out : Path.of("bench-results",
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        return dir;
    }

    static void deleteTree(final Path dir)
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            // best effort: a temp folder
        }
    }
}
