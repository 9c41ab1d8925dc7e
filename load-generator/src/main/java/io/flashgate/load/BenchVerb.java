package io.flashgate.load;

import io.flashgate.cli.Args;
import io.flashgate.cli.Verb;

import java.io.PrintStream;

/** A sub-command of {@code ops/flashgate bench}: it declares its options once ({@link Verb}) and runs. */
sealed interface BenchVerb extends Verb permits CompareVerb, HttpVerb
{
    /** Exit code: every correctness check passed. */
    int PASSED = 0;
    /** Exit code: a correctness check failed. */
    int FAILED = 1;
    /** Exit code: something the run needs is missing (redis-server). */
    int MISSING = 3;

    /** Runs with the options parsed from the command line; returns the exit code. */
    int run(Args args, PrintStream out) throws Exception;
}
