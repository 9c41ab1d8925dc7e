package io.flashgate.ops;

import io.flashgate.processes.ChildJvm;
import io.flashgate.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * This module's children start from the class data {@link ChildClassData} makes at the start of each test run: without it the
 * module still passes, only slower, so this is where a change that quietly stops it (a folder in the archived part
 * of the class path, a JVM flag the archive refuses) shows.
 */
class ChildClassDataTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void aChildMapsTheLaunchersClassesFromTheArchiveAndSaysNothingAboutIt() throws Exception
    {
        assumeTrue(Launcher.class.getProtectionDomain().getCodeSource().getLocation().getPath().endsWith(".jar"),
            "the launcher's classes are a folder here (a build that stops at test): nothing to archive");
        final Path archive = Path.of(System.getProperty(ChildJvm.CLASS_DATA_ARCHIVE_PROPERTY));
        final Path failed = ChildClassData.failedMarker(archive);
        Await.until(() -> "the archive " + archive + " or word of its failure", Duration.ofSeconds(180),
            () -> Files.isRegularFile(archive) || Files.exists(failed));
        assertTrue(Files.isRegularFile(archive), () -> failed + ": " + read(failed));

        try (ChildJvm help = ChildJvm.of(Launcher.class, "help").jvmOption("-Xlog:class+load=info").start(
            dir.resolve("help.log")))
        {
            assertEquals(0, help.awaitExit(Duration.ofSeconds(60)), help::output);
            final String output = help.output();
            assertTrue(output.contains("io.flashgate.ops.Launcher source: shared objects file (top)"), output);
            assertTrue(output.contains("usage: ops/flashgate"), output);
            assertTrue(output.lines().noneMatch(line -> line.contains("[cds")), "no word from CDS: " + output);
        }
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final java.io.IOException ex)
        {
            return ex.toString();
        }
    }
}
