package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.append;
import static io.flashgate.journal.JournalTestSupport.assertRecords;
import static io.flashgate.journal.JournalTestSupport.replay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceDisciplineTest
{
    @TempDir
    Path dir;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[Journal.MAX_PAYLOAD + 1]);

    @Test
    void nonContiguousSequencesAreRejectedAndLeaveTheJournalAsItWas() throws IOException
    {
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            append(journal, 1, 10);
            assertThrows(IllegalArgumentException.class, () -> journal.append(12, payload, 0, 8), "gap");
            assertThrows(IllegalArgumentException.class, () -> journal.append(10, payload, 0, 8), "repeat");
            assertThrows(IllegalArgumentException.class, () -> journal.append(9, payload, 0, 8), "going back");
            assertEquals(10, journal.lastSequence());
            append(journal, 11, 12);
        }
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            assertRecords(replay(journal, 0), 1, 12);
            assertThrows(IllegalArgumentException.class, () -> journal.append(14, payload, 0, 8),
                "gap after reopen");
        }
    }

    @Test
    void firstSequenceBelowOneIsRejected() throws IOException
    {
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            assertThrows(IllegalArgumentException.class, () -> journal.append(0, payload, 0, 8));
            assertThrows(IllegalArgumentException.class, () -> journal.append(-5, payload, 0, 8));
            assertEquals(0, journal.lastSequence());
        }
    }

    @Test
    void payloadOverMaxIsRejectedAndMaxIsAccepted() throws IOException
    {
        try (Journal journal = Journal.open(JournalConfig.defaults(dir)))
        {
            assertThrows(IllegalArgumentException.class,
                () -> journal.append(1, payload, 0, Journal.MAX_PAYLOAD + 1));
            assertThrows(IllegalArgumentException.class, () -> journal.append(1, payload, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> journal.append(1, payload, 10, Journal.MAX_PAYLOAD),
                "range past the end of the buffer");
            assertEquals(0, journal.lastSequence());
            journal.append(1, payload, 0, Journal.MAX_PAYLOAD);
            assertEquals(1, journal.lastSequence());
        }
    }

    @Test
    void closedJournalRefusesAppendAndFlush() throws IOException
    {
        final Journal journal = Journal.open(JournalConfig.defaults(dir));
        journal.close();
        assertThrows(IllegalStateException.class, () -> journal.append(1, payload, 0, 8));
        assertThrows(IllegalStateException.class, journal::flush);
        journal.close();
    }

    @Test
    void configRejectsABatchBufferThatCannotHoldAMaximumRecord()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new JournalConfig(dir, 1 << 20, Journal.MAX_PAYLOAD, FlushPolicy.PAGE_CACHE));
        assertThrows(IllegalArgumentException.class,
            () -> new JournalConfig(dir, 8, 1 << 20, FlushPolicy.PAGE_CACHE));
    }
}
