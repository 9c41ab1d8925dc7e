package io.flashgate.sink;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flashgate.testsupport.Await;
import io.flashgate.processes.FreePorts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A private PostgreSQL whose owner died does not run forever: its watchdog stops it once the owner is gone for the
 * grace. The owner here is a {@code sleep} process the test kills with SIGKILL (a sink's JVM in production), the
 * grace 0 s instead of 30 s.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrivatePostgresWatchdogTest
{
    @Test
    void theWatchdogStopsTheServerOnceItsOwnerIsGone() throws Exception
    {
        final Path folder = Files.createTempDirectory("flashgate-pg");
        final Process owner = new ProcessBuilder("sleep", "600").start();
        Process watchdog = null;
        try (PrivatePostgres postgres = PrivatePostgres.start(folder, FreePorts.tcp(), "watched", "watched-pw"))
        {
            watchdog = postgres.startWatchdog(owner.pid(), Duration.ZERO);
            final Process watching = watchdog;
            Await.until("the watchdog watches its owner", Duration.ofSeconds(10), () -> watching.isAlive()
                && watching.info().commandLine().orElse("").contains(PrivatePostgres.WATCHDOG_NAME));
            assertTrue(postgres.running(), "running while its owner runs");

            owner.destroyForcibly();
            Await.until("the server stops once its owner is gone", Duration.ofSeconds(60), () -> !postgres.running());
            Await.until("the watchdog ends after stopping it", Duration.ofSeconds(10), () -> !watching.isAlive());
            assertTrue(Files.readString(folder.resolve("postgres.log")).contains("event=postgres.orphan_stopped"),
                "noted in postgres.log");
        }
        finally
        {
            owner.destroyForcibly();
            if (watchdog != null)
            {
                watchdog.destroyForcibly();
            }
            try (Stream<Path> files = Files.walk(folder))
            {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
