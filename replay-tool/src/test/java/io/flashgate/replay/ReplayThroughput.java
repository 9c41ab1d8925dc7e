package io.flashgate.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Throughput of the tool's long verbs on a journal of N purchase records (default 10 M, over 1 M distinct buyers, a
 * snapshot at 95 %), each run through {@link ReplayTool#run} exactly as the command line would, which prints its own
 * final rate on stderr (here: stdout). Not a test: a restart-scale figure, single shot, run twice to show the warm
 * number too. A kept folder that already holds a journal is reused as it is.
 *
 * <pre>
 * java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Xmx6g \
 *   -cp "replay-tool/target/test-classes:replay-tool/target/replay-tool.jar" \
 *   io.flashgate.replay.ReplayThroughput [purchases] [buyers] [data folder to keep]
 * </pre>
 */
public final class ReplayThroughput
{
    private ReplayThroughput()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final int purchases = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 10_000_000;
        final int buyers = args.length > 1 ? Integer.parseInt(args[1].replace("_", "")) : 1_000_000;
        final boolean keep = args.length > 2;
        final Path dataDir = keep ? Path.of(args[2]) : Files.createTempDirectory("flashgate-replay-throughput");
        try
        {
            if (Files.isDirectory(dataDir.resolve("journal")))
            {
                System.out.println("journal: reusing " + dataDir);
            }
            else
            {
                final long started = System.nanoTime();
                final long snapshot = PurchaseJournal.write(dataDir, purchases, buyers, 64L * 1024 * 1024, true);
                System.out.printf("journal: %,d records (1 sale + %,d purchases, %,d buyers), snapshot at %,d, "
                    + "written in %,d ms, in %s%n", purchases + 1L, purchases, buyers, snapshot,
                    (System.nanoTime() - started) / 1_000_000, dataDir);
            }
            final PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
            for (int round = 1; round <= 2; round++)
            {
                System.out.println("-- round " + round);
                run(quiet, "verify", "--quick", "--data-dir", dataDir.toString());
                run(quiet, "verify", "--data-dir", dataDir.toString());
                run(System.out, "rebuild", "--from-zero", "--data-dir", dataDir.toString());
                run(System.out, "rebuild", "--data-dir", dataDir.toString());
            }
        }
        finally
        {
            if (!keep)
            {
                try (Stream<Path> files = Files.walk(dataDir))
                {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void run(final PrintStream out, final String... args)
    {
        System.out.println("$ replay-tool " + String.join(" ", args));
        final int exit = ReplayTool.run(args, out, System.out);
        if (exit != 0)
        {
            throw new IllegalStateException("exit " + exit);
        }
    }
}
