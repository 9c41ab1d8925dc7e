package io.flashgate.load;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code ops/flashgate bench} run in this JVM as the launcher runs it, its output kept for a test's assertions. */
final class BenchCommand
{
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** The exit code. */
    int run(final String... argv) throws Exception
    {
        return LoadGenerator.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String printed()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    String errors()
    {
        return err.toString(StandardCharsets.UTF_8);
    }
}
