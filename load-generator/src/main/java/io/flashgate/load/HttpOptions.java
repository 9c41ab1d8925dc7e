package io.flashgate.load;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.config.WaitChoice;
import io.flashgate.client.aeron.IdleChoice;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What {@code bench http} reads from its command line, every default here.
 *
 * @param rate        the open-loop rate of bare POST and edge POST purchase; empty: half the edge's purchase
 *                    capacity; 0: no open loop.
 * @param openSeconds how long the open loop runs; 0: none.
 * @param out         the report folder; null: {@code bench-results/<timestamp>}.
 * @param serverJfr   a JFR recording of the server JVM; null: none.
 * @param pipelineWait the server engine's pipeline wait strategy; null: the default.
 * @param idle        the server's transport pollers' idle strategy; null: the default.
 * @param standby     also measure edge POST purchase on an engine with synchronous replication to a standby, in a
 *                    second server JVM, against the journal-only one.
 */
record HttpOptions(int connections, int buyers, int limit, double duplicates, double seconds, double warmupSeconds,
    int rounds, OptionalDouble rate, double openSeconds, Path out, Path serverJfr, WaitChoice pipelineWait,
    IdleChoice idle, boolean standby)
{
    static final List<Option> OPTIONS = List.of(
        Option.valued("connections", "N", "keep-alive connections, one request in flight each (default 64)"),
        Option.valued("seconds", "S", "length of each saturation phase (default 6)"),
        Option.valued("warmup", "S", "warm-up per phase, discarded (default 4)"),
        Option.valued("rounds", "N", "phases split in N interleaved rounds (default 2)"),
        Option.valued("rate", "N", "open-loop rate of bare POST and edge POST purchase (default: half the edge's " +
            "purchase capacity; 0 skips the open loop)"),
        Option.valued("open-seconds", "S", "open-loop length (default: --seconds; 0 skips it)"),
        Option.valued("buyers", "N", "distinct buyers (default 50000)"),
        Option.valued("limit", "L", "per-buyer limit (default 2)"),
        Option.valued("duplicates", "F", "share of requests re-sending the buyer's previous Idempotency-Key " +
            "(default 0.05)"),
        Option.valued("out", "DIR", "output folder (default bench-results/<timestamp>)"),
        Option.valued("server-jfr", "FILE", "record the server JVM with JFR (settings=profile) to FILE"),
        Option.valued("wait", "W", "the server engine's pipeline wait strategy: " +
            "parking|spin_then_park|disruptor_blocking|lite_blocking|sleeping|yielding|busy_spin (default: parking)"),
        Option.valued("idle", "I", "the server's transport pollers' idle strategy: " +
            "backoff|timed_backoff|sleeping|yielding|busy_spin (default: backoff)"),
        Option.flag("standby", "also run edge POST purchase on the primary of a pair in sync with its standby " +
            "(synchronous replication), in a second server JVM, interleaved with the journal-only leg"));

    static HttpOptions from(final Args args) throws UsageException
    {
        final double seconds = args.decimal("seconds", 0).orElse(6.0);
        final Double rate = args.decimal("rate", 0).orElse(null);
        return new HttpOptions(
            args.number("connections", 1).orElse(64L).intValue(),
            args.number("buyers", 1).orElse(50_000L).intValue(),
            args.number("limit", 1).orElse(2L).intValue(),
            CompareOptions.duplicates(args),
            seconds,
            args.decimal("warmup", 0).orElse(4.0),
            args.number("rounds", 1).orElse(2L).intValue(),
            rate == null ? OptionalDouble.empty() : OptionalDouble.of(rate),
            args.decimal("open-seconds", 0).orElse(seconds),
            args.value("out").map(Path::of).orElse(null),
            args.value("server-jfr").map(Path::of).orElse(null),
            args.choice("wait", WaitChoice.class).orElse(null),
            args.choice("idle", IdleChoice.class).orElse(null),
            args.flag("standby"));
    }
}
