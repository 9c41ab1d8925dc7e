package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.append;
import static io.flashgate.journal.JournalTestSupport.assertRecords;
import static io.flashgate.journal.JournalTestSupport.replay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.flashgate.processes.ChildJvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One writer per journal folder: in this JVM and across processes. */
@Timeout(120)
class JournalLockTest
{
    @TempDir
    Path dir;

    @Test
    void secondOpenInTheSameJvmIsRefusedWithAClearMessage() throws IOException
    {
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            append(journal, 1, 10);
            final JournalLockedException ex = assertThrows(JournalLockedException.class,
                () -> Journal.open(JournalConfig.defaults(dir)));
            assertEquals("journal " + dir + " is locked by another process (a running engine?)", ex.getMessage());
            assertEquals(dir, ex.directory());
            // The refused open changed nothing and the first journal still works.
            append(journal, 11, 20);
            journal.flush();
            assertRecords(replay(journal, 0), 1, 20);
        }
    }

    @Test
    void closingReleasesTheLock() throws IOException
    {
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            append(journal, 1, 5);
        }
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            assertEquals(5, journal.lastSequence());
        }
        try (JournalLock lock = JournalLock.acquire(dir))
        {
            assertTrue(Files.exists(dir.resolve(JournalLock.FILE_NAME)));
        }
    }

    @Test
    void aFailedOpenReleasesTheLock() throws IOException
    {
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            append(journal, 1, 5);
        }
        final Path segment = JournalTestSupport.onlySegment(dir);
        JournalTestSupport.overwrite(segment, 0, new byte[] {'X'});
        assertThrows(JournalCorruptedException.class, () -> Journal.open(JournalConfig.defaults(dir)));
        try (JournalLock lock = JournalLock.acquire(dir))
        {
            assertTrue(lock != null, "lock free again after the refused open");
        }
    }

    @Test
    void aJournalHeldHereIsLockedForAnotherProcessEvenAfterARefusedSecondOpen() throws Exception
    {
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            append(journal, 1, 5);
            // A refused second attempt in this JVM must not drop the OS lock (closing any channel on a file drops
            // the process's POSIX locks on it).
            assertThrows(JournalLockedException.class, () -> JournalLock.acquire(dir));
            assertEquals(LockProbe.LOCKED, probeFromAnotherProcess());
        }
        assertEquals(LockProbe.ACQUIRED, probeFromAnotherProcess());
    }

    private int probeFromAnotherProcess() throws Exception
    {
        final Path log = Files.createTempFile("lock-probe", ".log");
        try (ChildJvm child = ChildJvm.of(LockProbe.class, dir.toString()).start(log))
        {
            final int status = child.awaitExit(Duration.ofSeconds(60));
            assertTrue(status == LockProbe.LOCKED || status == LockProbe.ACQUIRED,
                "probe status " + status + ": " + child.output());
            return status;
        }
        finally
        {
            Files.deleteIfExists(log);
        }
    }

    /** Child process: tries the lock once and says by its exit status whether it got it. */
    static final class LockProbe
    {
        static final int ACQUIRED = 20;
        static final int LOCKED = 21;

        public static void main(final String[] args) throws IOException
        {
            try (JournalLock lock = JournalLock.acquire(Path.of(args[0])))
            {
                System.exit(ACQUIRED);
            }
            catch (final JournalLockedException ex)
            {
                System.out.println(ex.getMessage());
                System.exit(LOCKED);
            }
        }
    }
}
