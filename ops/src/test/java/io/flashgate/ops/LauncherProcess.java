package io.flashgate.ops;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code ops/flashgate <command>} JVM: the same main class the script execs, on the test class path (the
 * shaded jar is built after the tests). Output goes to a log file; {@link #awaitReady} waits for the ready line.
 */
final class LauncherProcess implements AutoCloseable
{
    private final Process process;
    private final Path log;

    private LauncherProcess(final Process process, final Path log)
    {
        this.process = process;
        this.log = log;
    }

    static LauncherProcess start(final Path log, final Map<String, String> env, final String... args)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(System.getProperty("flashgate.jvm.flags",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED").trim().split("\\s+")));
        command.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), Launcher.class.getName()));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("FLASHGATE_"));
        builder.environment().putAll(env);
        return new LauncherProcess(builder.start(), log);
    }

    /** Waits for the n-th "flashgate: ready" line in the log (a restart appends to the same log). */
    LauncherProcess awaitReady(final int nth, final long timeoutSeconds) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (countReady() < nth)
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("launcher exited with " + process.exitValue() + ":\n" + output());
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("launcher not ready after " + timeoutSeconds + " s:\n" + output());
            }
            Thread.sleep(20);
        }
        return this;
    }

    private long countReady() throws IOException
    {
        return output().lines().filter(line -> line.startsWith("flashgate: ready")).count();
    }

    String output() throws IOException
    {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    Process process()
    {
        return process;
    }

    /** kill -9: no shutdown hook runs, nothing is flushed or closed. */
    void killMinus9() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("process survived kill -9");
        }
    }

    /** SIGTERM and wait for the clean shutdown; returns the exit code. */
    int terminate() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("no clean stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    static int freeTcpPort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    static int freeUdpPort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
