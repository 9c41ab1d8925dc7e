package io.flashgate.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A main class run in its own JVM, on the test's class path with the project's JVM flags, its output appended to a
 * log file. Tests kill it with SIGKILL ({@link #killMinus9}) to prove what survives a crash, or stop it with SIGTERM
 * ({@link #terminate}) to prove a clean shutdown. {@link #close} kills whatever is still running, so a test that
 * uses try-with-resources never leaves a process behind.
 */
public final class ChildJvm implements AutoCloseable
{
    /** The project's JVM flags, as the root pom hands them to surefire (the same the launcher script uses). */
    public static final String JVM_FLAGS_PROPERTY = "flashgate.jvm.flags";
    private static final String DEFAULT_FLAGS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /**
     * A class-data archive (JDK 17's dynamic CDS archive) for the children: when this property names one that exists,
     * each child maps the classes it holds instead of loading them from jars, and starts on about a third less CPU
     * (a test module that starts dozens of children sets it; see {@link Builder#dumpClassDataTo}). An archive serves
     * a class path that begins with the one it was made with, and holds classes from jars only, so with the property
     * set a child's class path lists the jars first and the folders (a module's test classes) after them.
     */
    public static final String CLASS_DATA_ARCHIVE_PROPERTY = "flashgate.child.classDataArchive";

    private final Process process;
    private final Path log;
    /** Where stdout goes: the log itself, or a file of its own ({@link Builder#stdoutTo}). */
    private final Path stdout;

    private ChildJvm(final Process process, final Path log, final Path stdout)
    {
        this.process = process;
        this.log = log;
        this.stdout = stdout;
    }

    /** How to start one: the main class and its arguments, plus heap, extra JVM options and environment. */
    public static Builder of(final Class<?> mainClass, final String... args)
    {
        return new Builder(mainClass.getName(), List.of(args));
    }

    public static final class Builder
    {
        private final String mainClass;
        private final List<String> args;
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> env = new HashMap<>();
        private String heap = "-Xmx256m";
        private boolean keepFlashgateEnv;
        private boolean flagsOfThisJvm;
        private Path stdout;
        private Path dumpClassDataTo;

        private Builder(final String mainClass, final List<String> args)
        {
            this.mainClass = mainClass;
            this.args = args;
        }

        public Builder heap(final String maxHeap)
        {
            this.heap = "-Xmx" + maxHeap;
            return this;
        }

        public Builder jvmOption(final String option)
        {
            jvmOptions.add(option);
            return this;
        }

        public Builder env(final String name, final String value)
        {
            env.put(name, value);
            return this;
        }

        public Builder env(final Map<String, String> variables)
        {
            env.putAll(variables);
            return this;
        }

        /** By default the child sees none of the parent's {@code FLASHGATE_*} variables, so a developer's shell
         * cannot change what a test does. */
        public Builder keepFlashgateEnv()
        {
            keepFlashgateEnv = true;
            return this;
        }

        /**
         * The project's flags ({@value #JVM_FLAGS_PROPERTY}, which ops/flashgate passes to every JVM it starts, as
         * surefire does), then the module flags ({@code --add-*}) and {@code -D} properties this JVM was started with
         * that they lack (a bench's {@code -Daeron...} settings): for a program (not a test) whose children must run
         * as the launcher runs it, with {@code -XX:+ExitOnOutOfMemoryError} and the heap in huge pages.
         */
        public Builder jvmFlagsOfThisJvm()
        {
            flagsOfThisJvm = true;
            return this;
        }

        /**
         * Sends stdout to a file of its own (stderr alone goes to the log), for a child that reports on stdout line
         * by line: its diagnostics cannot tear those lines. See {@link #completeLines()}.
         */
        public Builder stdoutTo(final Path file)
        {
            stdout = file;
            return this;
        }

        /**
         * Makes this child write the class-data archive of the classes it loaded to {@code file} when it exits cleanly
         * (its class path: the jars alone), for the children after it ({@link #CLASS_DATA_ARCHIVE_PROPERTY}).
         */
        public Builder dumpClassDataTo(final Path file)
        {
            dumpClassDataTo = file;
            return this;
        }

        /** Starts it, output (stdout and stderr, unless {@link #stdoutTo}) appended to {@code log}. */
        public ChildJvm start(final Path log)
        {
            final List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(flagsOfThisJvm ? flagsOfThisJvm() :
                Arrays.asList(System.getProperty(JVM_FLAGS_PROPERTY, DEFAULT_FLAGS).trim().split("\\s+")));
            command.add(heap);
            command.addAll(jvmOptions);
            final String archive = System.getProperty(CLASS_DATA_ARCHIVE_PROPERTY);
            if (dumpClassDataTo != null)
            {
                command.add("-XX:ArchiveClassesAtExit=" + dumpClassDataTo);
            }
            else if (archive != null && Files.isRegularFile(Path.of(archive)))
            {
                // quiet: a child whose class path the archive cannot serve runs without it, and says so on stdout
                command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            }
            command.addAll(List.of("-cp", classPath(archive != null || dumpClassDataTo != null), mainClass));
            command.addAll(args);
            final ProcessBuilder builder = new ProcessBuilder(command);
            if (stdout == null)
            {
                builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            }
            else
            {
                builder.redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            }
            if (!keepFlashgateEnv)
            {
                builder.environment().keySet().removeIf(key -> key.startsWith("FLASHGATE_"));
            }
            builder.environment().putAll(env);
            try
            {
                return new ChildJvm(builder.start(), log, stdout == null ? log : stdout);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("could not start " + mainClass, ex);
            }
        }

        /** This JVM's class path; for a class-data archive's sake, jars first (only jars when dumping one). */
        private String classPath(final boolean forClassData)
        {
            final String classPath = System.getProperty("java.class.path");
            if (!forClassData)
            {
                return classPath;
            }
            final List<String> jars = new ArrayList<>();
            final List<String> others = new ArrayList<>();
            for (final String entry : classPath.split(java.io.File.pathSeparator))
            {
                (entry.endsWith(".jar") ? jars : others).add(entry);
            }
            if (dumpClassDataTo == null)
            {
                jars.addAll(others);
            }
            return String.join(java.io.File.pathSeparator, jars);
        }

        private static List<String> flagsOfThisJvm()
        {
            final List<String> flags = new ArrayList<>();
            final String project = System.getProperty(JVM_FLAGS_PROPERTY, "").trim();
            if (!project.isEmpty())
            {
                flags.addAll(Arrays.asList(project.split("\\s+")));
            }
            ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("--add-") || arg.startsWith("-D"))
                .filter(arg -> !flags.contains(arg))
                .forEach(flags::add);
            return flags;
        }
    }

    /** Waits until stdout has {@code count} lines starting with {@code prefix}; fails if the child exits first. */
    public ChildJvm awaitLine(final String prefix, final int count, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (linesStartingWith(prefix) < count)
        {
            if (!process.isAlive() && linesStartingWith(prefix) < count)
            {
                throw new AssertionError("child exited with " + process.exitValue() + " before '" + prefix + "':\n" +
                    output());
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: '" + prefix + "' x" + count +
                    " from " + process.pid() + ":\n" + output());
            }
            try
            {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", ex);
            }
        }
        return this;
    }

    public long linesStartingWith(final String prefix)
    {
        return completeLines().stream().filter(line -> line.startsWith(prefix)).count();
    }

    /**
     * The lines the child finished printing on stdout so far. A last line without its newline (the child is still
     * writing it, or was killed in the middle) is not one: it was never fully said.
     */
    public List<String> completeLines()
    {
        final String text = read(stdout);
        final int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : text.substring(0, end).lines().toList();
    }

    /** Everything the child printed so far (stderr, then stdout when that has a file of its own). */
    public String output()
    {
        return stdout.equals(log) ? read(log) : read(log) + read(stdout);
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (final IOException ex)
        {
            return "(" + file + " unreadable: " + ex + ")";
        }
    }

    public Process process()
    {
        return process;
    }

    public long pid()
    {
        return process.pid();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    public void killMinus9()
    {
        process.destroyForcibly();
        if (!waitFor(Duration.ofSeconds(20)))
        {
            throw new IllegalStateException("process " + process.pid() + " survived kill -9");
        }
    }

    /** SIGTERM, then waits for the clean shutdown; returns the exit code. */
    public int terminate(final Duration timeout)
    {
        process.destroy();
        if (!waitFor(timeout))
        {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
            throw new IllegalStateException("no clean stop within " + timeout.toSeconds() + " s of SIGTERM:\n" +
                output());
        }
        return process.exitValue();
    }

    /** Waits for the child to exit by itself; returns its exit code, failing at the deadline. */
    public int awaitExit(final Duration timeout)
    {
        if (!waitFor(timeout))
        {
            throw new AssertionError("still running after " + timeout.toSeconds() + " s:\n" + output());
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
        if (process.isAlive())
        {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(20));
        }
    }
}
