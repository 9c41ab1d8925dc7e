package io.flashgate.ops;

import io.flashgate.processes.ChildJvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One {@code ops/flashgate <command>} JVM: the same main class the script execs, on the test class path (the shaded
 * jar is built after the tests), with only the given {@code FLASHGATE_*} variables.
 */
final class LauncherProcess
{
    /** The line a serving command prints once it serves. */
    static final String READY = "flashgate: ready";

    private LauncherProcess()
    {
    }

    static ChildJvm start(final Path log, final Map<String, String> env, final String... args)
    {
        return builder(env, args).start(log);
    }

    /** As {@link #start}, for a caller that sets more on the child before it starts. */
    static ChildJvm.Builder builder(final Map<String, String> env, final String... args)
    {
        return ChildJvm.of(Launcher.class, args).heap("512m").env(env);
    }

    /** Waits for the n-th ready line in the log (a restart appends to the same log). */
    static ChildJvm awaitReady(final ChildJvm process, final int nth, final long timeoutSeconds)
    {
        return process.awaitLine(READY, nth, Duration.ofSeconds(timeoutSeconds));
    }
}
