package io.flashgate.ops;

import io.flashgate.testsupport.Await;
import io.flashgate.processes.ChildJvm;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * The real {@code ops/flashgate} script, run as an operator or a supervisor runs it, on the test's classes: it is
 * copied into a folder laid out as a checkout (its {@code pom.xml} holds only the JVM flags the script reads) whose
 * {@code ops/target/flashgate.jar} is a jar of nothing but a manifest: main class the launcher, class path the test's.
 * The script finds that jar newer than every source there, so it builds nothing. Its {@code bin/chrt} (first on the
 * script's PATH) runs the command at normal priority, by exec as the real one does: what is under test is the
 * launcher's processes, and a sink under SCHED_IDLE on a machine whose cores are busy gets no CPU for minutes (it
 * takes only what is left, by design). Every process the script started
 * that still runs when the test ends is killed by {@link #close}, including ones that left its process tree.
 */
final class LauncherScript implements AutoCloseable
{
    private final Process process;
    private final Path log;
    /** Every process seen below the script, so none outlives the test even if the script's death orphans it. */
    private final List<ProcessHandle> seen = new ArrayList<>();

    private LauncherScript(final Process process, final Path log)
    {
        this.process = process;
        this.log = log;
    }

    /** Lays out a checkout in {@code root} for the script: the script itself, the JVM flags, the manifest jar. */
    static Path checkout(final Path root)
    {
        try
        {
            Files.createDirectories(root.resolve("ops/target"));
            Files.createDirectories(root.resolve("bin"));
            Files.writeString(root.resolve("bin/chrt"), "#!/bin/sh\n# chrt --idle 0 COMMAND...: COMMAND, same pid\n"
                + "shift 2\nexec \"$@\"\n");
            root.resolve("bin/chrt").toFile().setExecutable(true);
            Files.copy(Path.of("flashgate"), root.resolve("ops/flashgate"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.copy(Path.of("install-prerequisites.sh"), root.resolve("ops/install-prerequisites.sh"),
                StandardCopyOption.COPY_ATTRIBUTES);
            Files.writeString(root.resolve("pom.xml"), "<project><properties><flashgate.jvm.flags>"
                + System.getProperty(ChildJvm.JVM_FLAGS_PROPERTY, "") + "</flashgate.jvm.flags></properties></project>\n");
            final Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Launcher.class.getName());
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, List.of(System.getProperty("java.class.path")
                .split(File.pathSeparator)).stream().map(entry -> Path.of(entry).toAbsolutePath().toUri().toString())
                .collect(Collectors.joining(" ")));
            try (OutputStream out = Files.newOutputStream(root.resolve("ops/target/flashgate.jar"));
                JarOutputStream jar = new JarOutputStream(out, manifest))
            {
                jar.flush();
            }
            return root.resolve("ops/flashgate");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot lay out a checkout in " + root, ex);
        }
    }

    /** {@code <script> args...}, stdout and stderr appended to {@code log}, only the given FLASHGATE_* variables. */
    static LauncherScript start(final Path script, final Path log, final Map<String, String> env, final String... args)
    {
        final List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(key -> key.startsWith("FLASHGATE_"));
        builder.environment().putAll(env);
        // the checkout's chrt and the java the tests run on, first on the PATH the script searches
        builder.environment().put("PATH", script.getParent().resolveSibling("bin") + File.pathSeparator
            + Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
            + builder.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        try
        {
            return new LauncherScript(builder.start(), log);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not start " + script, ex);
        }
    }

    long pid()
    {
        return process.pid();
    }

    Process process()
    {
        return process;
    }

    String output()
    {
        try
        {
            return Files.exists(log) ? Files.readString(log) : "";
        }
        catch (final IOException ex)
        {
            return "(" + log + " unreadable: " + ex + ")";
        }
    }

    /** Waits for the ready line, noting every process below the script by then. */
    void awaitReady(final Duration timeout)
    {
        Await.until(() -> "'" + LauncherProcess.READY + "' from the script " + pid() + ":\n" + output(), timeout, () ->
        {
            if (!process.isAlive() && !output().contains(LauncherProcess.READY))
            {
                throw new AssertionError("the script exited with " + process.exitValue() + " before it was ready:\n"
                    + output());
            }
            return output().lines().anyMatch(line -> line.startsWith(LauncherProcess.READY));
        });
        process.descendants().forEach(seen::add);
    }

    /** The JVMs the script started (noted at {@link #awaitReady}) that still run. */
    List<ProcessHandle> survivingJvms()
    {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()), seen.stream())
            .filter(ProcessHandle::isAlive)
            .filter(handle -> handle.info().command().map(command -> command.endsWith("/java")).orElse(false))
            .toList();
    }

    /** SIGKILL of the pid the script was started as, as a supervisor does; returns once that pid is gone. */
    void killMinus9()
    {
        process.descendants().forEach(seen::add);
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(20));
    }

    /** SIGTERM of the script's pid, then its exit code. */
    int terminate(final Duration timeout)
    {
        process.destroy();
        if (!waitFor(timeout))
        {
            throw new AssertionError("no exit within " + timeout.toSeconds() + " s of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    private boolean waitFor(final Duration timeout)
    {
        try
        {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close()
    {
        process.descendants().forEach(seen::add);
        process.destroyForcibly();
        seen.forEach(ProcessHandle::destroyForcibly);
        waitFor(Duration.ofSeconds(20));
        for (final ProcessHandle left : seen)
        {
            try
            {
                left.onExit().get(20, TimeUnit.SECONDS);
            }
            catch (final Exception ignored)
            {
                // reported by the test that cared
            }
        }
    }
}
