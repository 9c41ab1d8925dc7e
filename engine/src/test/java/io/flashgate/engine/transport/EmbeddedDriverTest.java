package io.flashgate.engine.transport;

import io.aeron.CncFileDescriptor;
import org.agrona.IoUtil;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class EmbeddedDriverTest
{
    private static final long TWO_MINUTES_MS = 120_000;

    @Test
    void aDeadDriversFolderIsRemovedAndALiveOneKept() throws Exception
    {
        final File dead = new File(EmbeddedDriver.uniqueDirectory());
        final File beating = new File(EmbeddedDriver.uniqueDirectory());
        final File young = new File(EmbeddedDriver.uniqueDirectory());
        final File empty = new File(EmbeddedDriver.uniqueDirectory());
        try (EmbeddedDriver live = EmbeddedDriver.start())
        {
            final File liveFolder = new File(live.aeronDirectory());
            final long twoMinutesAgo = System.currentTimeMillis() - TWO_MINUTES_MS;
            assertTrue(dead.mkdirs() && beating.mkdirs() && young.mkdirs() && empty.mkdirs());

            // What kill -9 leaves: a real CnC file whose driver heartbeat stopped two minutes ago.
            copyCnc(liveFolder, dead);
            setDriverHeartbeat(new File(dead, CncFileDescriptor.CNC_FILE), twoMinutesAgo);
            // A copy whose heartbeat is fresh: as far as the CnC file tells, a driver still runs there.
            copyCnc(liveFolder, beating);
            setDriverHeartbeat(new File(beating, CncFileDescriptor.CNC_FILE), System.currentTimeMillis());
            for (final File folder : new File[] {liveFolder, dead, beating, empty})
            {
                assertTrue(folder.setLastModified(twoMinutesAgo));
            }

            assertTrue(EmbeddedDriver.removeStaleDirectories() >= 2, "the dead folder and the empty one at least");
            assertFalse(dead.exists(), "a folder whose driver heartbeat stopped over a minute ago is removed");
            assertFalse(empty.exists(), "a folder without a driver, older than a minute, is removed");
            assertTrue(liveFolder.exists(), "a running driver's folder is kept");
            assertTrue(beating.exists(), "a heartbeat within the window counts as live");
            assertTrue(young.exists(), "a folder younger than a minute may be a driver starting: kept");
        }
        finally
        {
            for (final File folder : new File[] {dead, beating, young, empty})
            {
                IoUtil.delete(folder, true);
            }
        }
    }

    private static void copyCnc(final File from, final File to) throws Exception
    {
        Files.copy(new File(from, CncFileDescriptor.CNC_FILE).toPath(), new File(to, CncFileDescriptor.CNC_FILE).toPath());
    }

    /** Writes the driver's heartbeat (the to-driver ring buffer's consumer heartbeat), which liveness checks read. */
    private static void setDriverHeartbeat(final File cncFile, final long epochMs)
    {
        final MappedByteBuffer cnc = IoUtil.mapExistingFile(cncFile, "cnc");
        try
        {
            new ManyToOneRingBuffer(CncFileDescriptor.createToDriverBuffer(cnc,
                CncFileDescriptor.createMetaDataBuffer(cnc))).consumerHeartbeatTime(epochMs);
        }
        finally
        {
            IoUtil.unmap(cnc);
        }
    }
}
