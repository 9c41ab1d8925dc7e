package io.flashgate.ops;

import io.flashgate.processes.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM that a program starts (a drill's engines, the HTTP benchmark's server) runs with the project's JVM flags, as
 * the launcher runs the program: an out-of-memory error ends it, its heap is in huge pages, and what survives two
 * young collections is promoted.
 */
class ChildJvmFlagsTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aProgramsChildRunsWithTheProjectsJvmFlags() throws Exception
    {
        try (ChildJvm child = ChildJvm.of(PrintJvmFlags.class).jvmFlagsOfThisJvm().start(dir.resolve("child.log")))
        {
            assertEquals(0, child.awaitExit(Duration.ofSeconds(60)), child::output);
            final String output = child.output();
            assertTrue(output.contains("-XX:+ExitOnOutOfMemoryError"), output);
            assertTrue(output.contains("-XX:+UseTransparentHugePages"), output);
            assertTrue(output.contains("-XX:MaxTenuringThreshold=2"), output);
        }
    }

    /** The child: prints the flags it was started with. */
    public static final class PrintJvmFlags
    {
        public static void main(final String[] args)
        {
            System.out.println(ManagementFactory.getRuntimeMXBean().getInputArguments());
        }
    }
}
