package io.flashgate.load;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code bench compare} (the default), {@code bench aeron} and {@code bench redis}: the contested sale driven
 * against Flashgate engine-direct over Aeron UDP and the Redis Lua peer, or one side only ({@link CompareRun}).
 */
record CompareVerb(String name, String summary, boolean withAeron, boolean withRedis) implements BenchVerb
{
    static final CompareVerb COMPARE = new CompareVerb("compare",
        "Flashgate over Aeron UDP vs Redis Lua, with and without pipelining (the default)", true, true);
    static final CompareVerb AERON = new CompareVerb("aeron", "Flashgate over Aeron UDP only", true, false);
    static final CompareVerb REDIS = new CompareVerb("redis", "the Redis Lua peer only", false, true);

    @Override
    public String synopsis()
    {
        return name + " [options]";
    }

    @Override
    public String description()
    {
        return String.join("\n",
            "Each system warmed up, then driven at capacity (every system drains the same requests), then all at one",
            "common open-loop rate, in interleaved rounds; latency from the intended send time. Prints a line per",
            "phase, the ratios and every correctness check, and ends with a one-line SUMMARY. Writes .hgrm per phase,",
            "percentiles.png, report.html and summary.txt to --out. Exit code 0 only if every check passed.");
    }

    @Override
    public List<Option> options()
    {
        return CompareOptions.OPTIONS;
    }

    @Override
    public int run(final Args args, final PrintStream out) throws Exception
    {
        return new CompareRun(this, CompareOptions.from(args), out).run();
    }
}
