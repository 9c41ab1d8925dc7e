package io.flashgate.engine.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class EmbeddedDriverTest
{
    @Test
    void aDeadDriversFolderIsRemovedAndALiveOneKept() throws Exception
    {
        // What kill -9 leaves: a driver folder with a CnC file whose heartbeat has stopped. Copy a real one.
        final File dead = new File(EmbeddedDriver.uniqueDirectory());
        final File young = new File(EmbeddedDriver.uniqueDirectory());
        try (EmbeddedDriver live = EmbeddedDriver.launch())
        {
            final File liveFolder = new File(live.aeronDirectory());
            assertTrue(dead.mkdirs() && young.mkdirs());
            Files.copy(new File(liveFolder, "cnc.dat").toPath(), new File(dead, "cnc.dat").toPath());
            final long twoMinutesAgo = System.currentTimeMillis() - 120_000;
            assertTrue(dead.setLastModified(twoMinutesAgo) && liveFolder.setLastModified(twoMinutesAgo));

            // The copied heartbeat is fresh now; once it is older than the liveness window, the copy is dead.
            // Rather than wait a minute, an empty folder stands for a driver that never wrote its CnC file.
            final File empty = new File(EmbeddedDriver.uniqueDirectory());
            assertTrue(empty.mkdirs() && empty.setLastModified(twoMinutesAgo));

            EmbeddedDriver.removeStaleDirectories();
            assertFalse(empty.exists(), "a folder without a driver, older than a minute, is removed");
            assertTrue(liveFolder.exists(), "a running driver's folder is kept");
            assertTrue(young.exists(), "a folder younger than a minute may be a driver starting: kept");
            assertTrue(dead.exists(), "a heartbeat within the window counts as live");
        }
        finally
        {
            org.agrona.IoUtil.delete(dead, true);
            org.agrona.IoUtil.delete(young, true);
        }
    }
}
