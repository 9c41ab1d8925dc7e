package io.flashgate.ops;

/**
 * The launcher's exit codes, all in one place (docs/CONFIG.md, "Exit codes"; ops/systemd/ keeps 2 from
 * restarting). 2 is also {@code UsageException.EXIT_CODE} and {@code ConfigException.EXIT_CODE}.
 */
final class ExitCodes
{
    /** Done; a serving command stopped by SIGTERM or Ctrl-C after a clean shutdown. */
    static final int OK = 0;
    /** A part could not start or failed while running. */
    static final int FAILED = 1;
    /** Unknown command or option, unknown key, a value out of its rule: restarting cannot help. */
    static final int USAGE = 2;
    /** The machine cannot run what the settings ask (a folder that cannot be written, a port in use). */
    static final int ENVIRONMENT = 3;
    /** A journal write or fsync failed (disk full, I/O error): the engine stopped; restart once the disk is fixed. */
    static final int JOURNAL_FAULT = 4;
    /** The media driver died or timed out under a serving process: restart it (with its driver). */
    static final int DRIVER_LOST = 5;

    private ExitCodes()
    {
    }
}
