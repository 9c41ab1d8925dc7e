package io.flashgate.journal;

import static io.flashgate.journal.JournalTestSupport.append;
import static io.flashgate.journal.JournalTestSupport.config;
import static io.flashgate.journal.JournalTestSupport.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytes a journal grew by, from file sizes alone, across rolls, and with old segments deleted meanwhile. */
class JournalGrowthTest
{
    @TempDir
    Path dir;

    @Test
    void countsTheBytesAppendedSinceTheLastLookAcrossRollsButNotDeletedSegments() throws IOException
    {
        final JournalGrowth growth = new JournalGrowth(dir);
        assertEquals(0, growth.sinceLastLook(), "no segment yet");
        try (Journal journal = Journal.open(config(dir, 4096, FlushPolicy.PAGE_CACHE)))
        {
            append(journal, 1, 10);
            journal.flush();
            assertEquals(0, growth.sinceLastLook(), "the first look takes the measure");
            final long before = totalBytes();
            append(journal, 11, 400);
            journal.flush();
            assertTrue(segments(dir).size() > 2, "rolled: " + segments(dir));
            assertEquals(totalBytes() - before, growth.sinceLastLook(), "grown across rolls");
            assertEquals(0, growth.sinceLastLook(), "nothing new");

            final Path oldest = segments(dir).get(0);
            final long remaining = totalBytes() - Files.size(oldest);
            Files.delete(oldest);
            append(journal, 401, 420);
            journal.flush();
            assertEquals(totalBytes() - remaining, growth.sinceLastLook(), "a deleted old segment does not count");
        }
    }

    private long totalBytes() throws IOException
    {
        long total = 0;
        for (final Path segment : segments(dir))
        {
            total += Files.size(segment);
        }
        return total;
    }
}
