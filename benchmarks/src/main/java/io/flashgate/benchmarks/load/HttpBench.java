package io.flashgate.benchmarks.load;

import java.io.PrintStream;

/** Flashgate's HTTP edge against a bare Javalin endpoint (issue 3's comparison). */
final class HttpBench
{
    private HttpBench()
    {
    }

    static int run(final LoadGenerator.Options options, final PrintStream out)
    {
        out.println("http mode: not yet");
        return 2;
    }
}
