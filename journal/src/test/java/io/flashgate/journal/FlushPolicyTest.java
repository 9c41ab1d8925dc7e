package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.append;
import static io.flashgate.journal.JournalTestSupport.assertRecords;
import static io.flashgate.journal.JournalTestSupport.onlySegment;
import static io.flashgate.journal.JournalTestSupport.replay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.flashgate.processes.ChildJvm;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FlushPolicyTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(FlushPolicy.class)
    void durableSequenceAdvancesOnlyOnFlush(final FlushPolicy policy) throws IOException
    {
        try (Journal journal = Journal.open(JournalTestSupport.config(dir, 1 << 20, policy)))
        {
            append(journal, 1, 10);
            assertEquals(0, journal.durableSequence());
            assertEquals(0, replay(journal, 0).size(), "replay reads only flushed records");

            journal.flush();
            assertEquals(10, journal.durableSequence());

            append(journal, 11, 15);
            assertEquals(10, journal.durableSequence());
            assertRecords(replay(journal, 0), 1, 10);

            journal.flush();
            assertEquals(15, journal.durableSequence());
            assertRecords(replay(journal, 0), 1, 15);
        }
        try (Journal journal = Journal.open(JournalTestSupport.config(dir, 1 << 20, policy)))
        {
            assertEquals(15, journal.durableSequence());
            assertRecords(replay(journal, 0), 1, 15);
        }
    }

    @ParameterizedTest
    @EnumSource(FlushPolicy.class)
    void flushedRecordsAreInTheFileBeforeClose(final FlushPolicy policy) throws IOException
    {
        try (Journal journal = Journal.open(JournalTestSupport.config(dir, 1 << 20, policy)))
        {
            append(journal, 1, 100);
            final long before = Files.size(onlySegment(dir));
            journal.flush();
            assertEquals(JournalTestSupport.recordOffset(101), Files.size(onlySegment(dir)),
                "flush writes every record (file had " + before + " bytes before)");
        }
    }

    @ParameterizedTest
    @EnumSource(FlushPolicy.class)
    void fullBatchBufferIsWrittenOutWithoutAdvancingDurableSequence(final FlushPolicy policy) throws IOException
    {
        final JournalConfig config = new JournalConfig(dir, 1 << 24, Journal.MAX_PAYLOAD + 16, policy);
        try (Journal journal = Journal.open(config))
        {
            append(journal, 1, 5_000); // about 230 KB, several times the buffer
            assertTrue(Files.size(onlySegment(dir)) > Journal.MAX_PAYLOAD, "batch written out when full");
            assertEquals(0, journal.durableSequence());
            journal.flush();
            assertEquals(5_000, journal.durableSequence());
            assertRecords(replay(journal, 0), 1, 5_000);
        }
    }

    /** kill -9 (Runtime.halt) right after flush: flushed records survive, unflushed ones are simply absent. */
    @ParameterizedTest
    @EnumSource(FlushPolicy.class)
    void flushedRecordsSurviveAProcessKilledWithoutClosing(final FlushPolicy policy) throws Exception
    {
        try (ChildJvm child = ChildJvm.of(CrashingWriter.class, dir.toString(), policy.name(), "700", "50")
            .start(dir.resolve("child.log")))
        {
            assertEquals(CrashingWriter.HALT_STATUS, child.awaitExit(Duration.ofSeconds(60)), child.output());
        }
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            assertEquals(700, journal.lastSequence(), journal.recoveryReport().describe());
            assertRecords(replay(journal, 0), 1, 700);
        }
    }

    /** Child process for the kill test: appends, flushes, appends more, then halts without closing. */
    static final class CrashingWriter
    {
        static final int HALT_STATUS = 37;

        public static void main(final String[] args) throws IOException
        {
            final Path directory = Path.of(args[0]);
            final FlushPolicy policy = FlushPolicy.valueOf(args[1]);
            final int flushed = Integer.parseInt(args[2]);
            final int unflushed = Integer.parseInt(args[3]);
            final Journal journal = Journal.open(JournalTestSupport.config(directory, 1 << 20, policy));
            append(journal, 1, flushed);
            journal.flush();
            append(journal, flushed + 1, flushed + unflushed);
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
