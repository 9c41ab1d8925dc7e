package io.flashgate.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The standard workload, written once per test run by a real engine into a temporary folder (small segments, so
 * the journal spans several), and copied into each test's own folder before the test damages it.
 */
final class Journals
{
    private static Path pristine;
    private static Fixture.Workload workload;

    private Journals()
    {
    }

    /** The workload as the live engine answered it. */
    static synchronized Fixture.Workload workload()
    {
        if (workload == null)
        {
            try
            {
                pristine = Files.createTempDirectory("flashgate-replay-pristine");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(pristine)));
                workload = Fixture.Workload.write(pristine, Fixture.SMALL_SEGMENTS);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        return workload;
    }

    /** A fresh copy of the workload's data folder at {@code target} (created), which the test may change. */
    static Path copyTo(final Path target) throws IOException
    {
        workload();
        final Path dataDir = target.resolve("data");
        Fixture.copyTree(pristine, dataDir);
        return dataDir;
    }

    private static void deleteTree(final Path root)
    {
        try (Stream<Path> walk = Files.walk(root))
        {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ignored)
        {
            // A temporary folder; the OS cleans it eventually.
        }
    }
}
