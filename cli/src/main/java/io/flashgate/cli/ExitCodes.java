package io.flashgate.cli;

/**
 * Every exit code of {@code ops/flashgate}, whatever the verb (the launcher's, {@code replay}'s, {@code sink}'s), in
 * one table: docs/CONFIG.md, "Exit codes". The units in ops/systemd/ restart on every failure except {@link #USAGE}.
 */
public final class ExitCodes
{
    /** Done; a check found nothing wrong; a serving command stopped by SIGTERM or Ctrl-C after a clean shutdown. */
    public static final int OK = 0;
    /**
     * Failed at run time (a part could not start or failed while running), or a check found problems ({@code replay
     * verify}, {@code replay diff}, {@code sink verify}, a drill's broken promise).
     */
    public static final int FAILED = 1;
    /** Unknown command or option, unknown key, a value out of its rule: the same again cannot succeed. */
    public static final int USAGE = 2;
    /**
     * The machine cannot do what was asked: a folder missing or not writable, not a Flashgate journal, a journal
     * locked or unreadable, a port in use, a database or engine that cannot be reached.
     */
    public static final int ENVIRONMENT = 3;
    /** A journal write or fsync failed (disk full, I/O error): the engine stopped; restart once the disk is fixed. */
    public static final int JOURNAL_FAULT = 4;
    /** The media driver died or timed out under a serving process: restart it (with its driver). */
    public static final int DRIVER_LOST = 5;

    private ExitCodes()
    {
    }
}
