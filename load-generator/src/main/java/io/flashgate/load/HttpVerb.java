package io.flashgate.load;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;

import java.io.PrintStream;
import java.util.List;

/** {@code bench http}: Flashgate's HTTP edge against a bare Javalin endpoint ({@link HttpBench}). */
record HttpVerb() implements BenchVerb
{
    static final HttpVerb HTTP = new HttpVerb();

    @Override
    public String name()
    {
        return "http";
    }

    @Override
    public String summary()
    {
        return "Flashgate's HTTP edge vs a bare Javalin endpoint, in a server JVM of their own";
    }

    @Override
    public String synopsis()
    {
        return "http [options]";
    }

    @Override
    public String description()
    {
        return String.join("\n",
            "Bare GET, edge GET status, edge POST on a sold-out sale, bare POST and edge POST purchase at saturation",
            "over --connections keep-alive connections, in interleaved rounds; then bare POST and edge POST purchase",
            "open loop at --rate. Writes .hgrm per phase, percentiles-http.png, report-http.html, summary-http.txt",
            "and the server JVM's log (server-http.log) to --out. Exit code 0 only if every check passed.",
            "--standby adds edge POST purchase on the primary of a pair with synchronous replication (a second",
            "server JVM; log server-http-standby.log), interleaved with the journal-only leg at saturation and open",
            "loop, and prints its throughput and p99 against journal-only (targets >= 70 %, p99 <= 2x).");
    }

    @Override
    public List<Option> options()
    {
        return HttpOptions.OPTIONS;
    }

    @Override
    public int run(final Args args, final PrintStream out) throws Exception
    {
        return HttpBench.run(HttpOptions.from(args), out);
    }
}
