package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import io.flashgate.journal.Journal;
import io.flashgate.journal.JournalConfig;
import io.flashgate.journal.TailSetAside;
import io.flashgate.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Journals of a hot-standby pair hold NEW_EPOCH records (docs/ARCHITECTURE.md, "Hot standby and failover"): the tool
 * shows them, diff finds where an old primary's unreleased tail parts from the new primary's epoch, and once that tail
 * is set aside ({@link TailSetAside}) the old primary's journal is a prefix of the new one's.
 */
@Timeout(60)
class EpochRecordsTest
{
    private static final long OLD_EPOCH = (1L << 16) | 11;
    private static final long NEW_EPOCH = (2L << 16) | 22;

    @TempDir
    Path temp;

    @Test
    void diffFindsTheOldEpochsTailAndAfterItIsSetAsideTheJournalIsAPrefix() throws IOException
    {
        final Path newPrimary = temp.resolve("b");
        final Path oldPrimary = temp.resolve("a");
        // Shared history: a new epoch, a sale, 40 purchases. Then the two part at sequence 43.
        write(newPrimary, 40, List.of("b-"), NEW_EPOCH);
        write(oldPrimary, 40, List.of("a-"), -1);

        final Fixture.Result dump = Fixture.tool("dump", "--data-dir", newPrimary.toString(), "--from-seq", "43", "--to-seq", "43");
        assertEquals(0, dump.exit(), dump.describe());
        assertTrue(dump.out().contains("\"type\":\"NEW_EPOCH\"") && dump.out().contains("\"epoch\":" + NEW_EPOCH),
            dump.describe());

        final Fixture.Result parted = Fixture.tool("diff", oldPrimary.toString(), newPrimary.toString());
        assertEquals(ExitCodes.FAILED, parted.exit(), parted.describe());
        final List<String> lines = parted.lines();
        final int at = lines.indexOf("first divergence at sequence 43:");
        assertTrue(at > 0, parted.describe());
        assertTrue(lines.get(at + 2).contains("\"type\":\"NEW_EPOCH\""), parted.describe());

        final List<String> moved = TailSetAside.after(oldPrimary.resolve("journal"), 42);
        assertFalse(moved.isEmpty());
        final Fixture.Result prefix = Fixture.tool("diff", oldPrimary.toString(), newPrimary.toString());
        assertEquals(0, prefix.exit(), prefix.describe());
        assertTrue(prefix.out().contains("A is a prefix of B"), prefix.describe());
        final Fixture.Result rebuild = Fixture.tool("rebuild", "--data-dir", newPrimary.toString());
        assertEquals(0, rebuild.exit(), rebuild.describe());
    }

    /**
     * A journal of: a sale, {@code purchases} purchases, then (if {@code epoch} > 0) a NEW_EPOCH record, then 10
     * purchases of users named with {@code tail}.
     */
    private static void write(final Path folder, final int purchases, final List<String> tail, final long epoch)
        throws IOException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
        long sequence = 0;
        final long t0 = 1_700_000_000_000L;
        try (Journal journal = Journal.open(JournalConfig.defaults(folder.resolve("journal"))))
        {
            sequence = append(journal, buffer, encoder.wrap(buffer, 0).newEpoch(OLD_EPOCH), sequence, t0);
            sequence = append(journal, buffer, encoder.wrap(buffer, 0).createSale(1, 1, "s", 1_000, 2, t0, t0 + 3_600_000,
                600), sequence, t0);
            for (int i = 0; i < purchases; i++)
            {
                sequence = append(journal, buffer, encoder.wrap(buffer, 0).purchase(1, 2 + i, "s", "u" + i, "k" + i, 1),
                    sequence, t0 + i);
            }
            if (epoch > 0)
            {
                sequence = append(journal, buffer, encoder.wrap(buffer, 0).newEpoch(epoch), sequence, t0 + purchases);
            }
            for (int i = 0; i < 10; i++)
            {
                sequence = append(journal, buffer, encoder.wrap(buffer, 0).purchase(1, 100 + i, "s",
                    tail.get(0) + i, "k" + i, 1), sequence, t0 + purchases + i);
            }
            journal.flush();
        }
    }

    private static long append(final Journal journal, final UnsafeBuffer buffer, final int length, final long last,
        final long time)
    {
        final long sequence = last + 1;
        CommandEncoder.stamp(buffer, 0, sequence, time);
        journal.append(sequence, buffer, 0, length);
        return sequence;
    }
}
