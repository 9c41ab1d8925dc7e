package io.flashgate.ops;

import io.flashgate.processes.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher's JVM flags (the root pom's {@code flashgate.jvm.flags}, which ops/flashgate and surefire read)
 * turn an OutOfMemoryError into an exit, so the supervisor restarts the process. Without them the JVM below is a
 * zombie: the thread that ran out of memory dies, the others live on, and the process never ends.
 */
class OutOfMemoryTest
{
    @TempDir
    Path logs;

    /** One worker thread allocates until the heap is full; the main thread waits forever, as a server's would. */
    public static final class Allocator
    {
        private Allocator()
        {
        }

        public static void main(final String[] args) throws InterruptedException
        {
            final Thread worker = new Thread(() ->
            {
                final List<long[]> hoard = new ArrayList<>();
                while (true)
                {
                    hoard.add(new long[128 * 1024]);
                }
            }, "allocator");
            worker.start();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    @Timeout(60)
    void anOutOfMemoryErrorEndsTheJvmWithExitCodeThree()
    {
        assertTrue(System.getProperty(ChildJvm.JVM_FLAGS_PROPERTY, "").contains("-XX:+ExitOnOutOfMemoryError"),
            "the launcher's JVM flags lack -XX:+ExitOnOutOfMemoryError");
        try (ChildJvm child = ChildJvm.of(Allocator.class).heap("32m").start(logs.resolve("oom.log")))
        {
            assertEquals(3, child.awaitExit(Duration.ofSeconds(30)), child.output());
            assertTrue(child.output().contains("Terminating due to java.lang.OutOfMemoryError"), child.output());
        }
    }
}
