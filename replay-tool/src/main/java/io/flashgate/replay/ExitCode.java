package io.flashgate.replay;

/** The tool's exit codes, the same for every verb. */
final class ExitCode
{
    /** Done; for verify: everything checked is clean; for diff: identical, or one is a prefix of the other. */
    static final int OK = 0;
    /** verify found a problem; diff found a divergence; dump, rebuild or export met damage in the range they needed. */
    static final int PROBLEMS = 1;
    /** Wrong command line: unknown verb or option, missing or malformed argument. */
    static final int USAGE = io.flashgate.cli.UsageException.EXIT_CODE;
    /** Could not do the job: missing folder, not a Flashgate journal, journal locked, unreadable data. */
    static final int FAILURE = 3;

    private ExitCode()
    {
    }
}
