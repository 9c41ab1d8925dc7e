package io.flashgate.ops;

import io.flashgate.processes.ChildJvm;
import io.flashgate.processes.FreePorts;
import io.flashgate.testsupport.Folders;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

/**
 * Makes the class-data archive this module's children start from ({@link ChildJvm#CLASS_DATA_ARCHIVE_PROPERTY}, set
 * by the module's pom): once per test run, beside the first test, one {@code ops/flashgate run} is started and stopped
 * with SIGTERM, and the classes it loaded are written for the next children. About 90 children start in this
 * module; each then spends about 0.9 CPU-seconds less starting (an engine and edge: 2.3–2.7 s of CPU to its ready
 * line without the archive, 1.5–1.7 s with it), on 2 cores that the suite keeps busy.
 *
 * <p>Only time depends on it: until the archive is there, and wherever it cannot be made (a build that stops at
 * {@code test}, whose modules are folders, not jars), children load their classes as before.
 */
public final class ChildClassData implements LauncherSessionListener
{
    private Thread maker;

    @Override
    public void launcherSessionOpened(final LauncherSession session)
    {
        final String property = System.getProperty(ChildJvm.CLASS_DATA_ARCHIVE_PROPERTY);
        if (property == null)
        {
            return;
        }
        // Made anew each session: an archive serves only the jars it was made from, and a build without `clean`
        // may have rewritten them (the children would then run without it, silently).
        final Path archive = Path.of(property);
        try
        {
            Files.deleteIfExists(archive);
            Files.deleteIfExists(failedMarker(archive));
        }
        catch (final IOException ex)
        {
            System.err.println("child class data: the old archive stays (" + ex + ")");
            return;
        }
        maker = new Thread(() -> make(archive), "child-class-data");
        maker.setDaemon(true);
        maker.start();
    }

    @Override
    public void launcherSessionClosed(final LauncherSession session)
    {
        if (maker != null)
        {
            maker.interrupt(); // a session shorter than the dump: its child is killed and nothing is written
            try
            {
                maker.join(Duration.ofSeconds(60).toMillis());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void make(final Path archive)
    {
        final Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        final Path log = archive.resolveSibling(archive.getFileName() + ".log");
        Path dataDir = null;
        try
        {
            Files.createDirectories(archive.getParent());
            Files.deleteIfExists(log); // its ready line must be this run's
            Files.deleteIfExists(partial);
            dataDir = Files.createTempDirectory("flashgate-class-data");
            final int exit;
            try (ChildJvm run = LauncherProcess.builder(Map.of(
                    "FLASHGATE_HTTP_PORT", Integer.toString(FreePorts.tcp()),
                    "FLASHGATE_DATA_DIR", dataDir.toString(),
                    "FLASHGATE_TOKEN_SECRET", "class-data-secret-0123456789abcdef"), "run")
                .dumpClassDataTo(partial).start(log))
            {
                LauncherProcess.awaitReady(run, 1, 120);
                exit = run.terminate(Duration.ofSeconds(120)); // the archive is written as the JVM exits
            }
            if (!Files.isRegularFile(partial) || Files.size(partial) == 0)
            {
                throw new IllegalStateException("the run exited with " + exit + " and wrote no archive");
            }
            // A damaged archive does not make a JVM fall back to its jars: it crashes it (a truncated one, tried by
            // hand: SIGABRT, exit 134). So one child must start from it before any test's child sees it.
            try (ChildJvm probe = ChildJvm.of(Launcher.class, "help").jvmOption("-XX:SharedArchiveFile=" + partial)
                .jvmOption("-Xshare:on").jvmOption("-XX:ErrorFile=" + archive.resolveSibling("hs_err_probe_%p.log"))
                .start(log))
            {
                final int probeExit = probe.awaitExit(Duration.ofSeconds(120));
                if (probeExit != 0)
                {
                    throw new IllegalStateException("a child could not start from the archive: exit " + probeExit);
                }
            }
            // whole or not at all: a child only ever sees a finished archive
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final Throwable ex)
        {
            final String why = "child class data: not made, children load their classes from jars (" + ex + "; " +
                log + ")";
            System.err.println(why);
            try
            {
                Files.writeString(failedMarker(archive), why);
            }
            catch (final IOException ignored)
            {
                // stderr has it
            }
        }
        finally
        {
            Folders.deleteQuietly(dataDir);
        }
    }

    /** Written instead of the archive when it could not be made: why. */
    static Path failedMarker(final Path archive)
    {
        return archive.resolveSibling(archive.getFileName() + ".failed");
    }
}
