package io.flashgate.replay;

import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.EventSink;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.journal.FlushPolicy;
import io.flashgate.journal.Journal;
import io.flashgate.journal.JournalConfig;
import io.flashgate.journal.SnapshotStore;
import io.flashgate.protocol.CommandEncoder;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a large journal the way the engine does (stamped commands, batch flushes, the engine's data folder
 * layout) without running the pipeline, for the progress and throughput runs: one CREATE_SALE, then a rush of
 * PURCHASE commands over a contested sale (stock = 1/10 of the purchases, limit 1, buyers cycling with a fresh
 * Idempotency-Key each lap), and optionally a snapshot at 95 %.
 */
final class PurchaseJournal
{
    static final long T0 = Fixture.T0;
    private static final EventSink DISCARD = (buffer, offset, length) -> { };

    private PurchaseJournal()
    {
    }

    /**
     * @param purchases        purchase records (the journal holds one more: the sale).
     * @param buyers           distinct users.
     * @param segmentSizeBytes journal segment size.
     * @param snapshot         also write a snapshot after 95 % of the purchases.
     * @return the snapshot's sequence, or 0.
     */
    static long write(final Path dataDir, final int purchases, final int buyers, final long segmentSizeBytes,
        final boolean snapshot) throws IOException
    {
        final UnsafeBuffer slot = new UnsafeBuffer(new byte[256]);
        final CommandEncoder encoder = new CommandEncoder();
        final BusinessLogic logic = snapshot ? new BusinessLogic(buyers) : null;
        final long snapshotAt = snapshot ? purchases - purchases / 20 : -1;
        long snapshotSequence = 0;
        try (Journal journal = Journal.open(new JournalConfig(dataDir.resolve("journal"), segmentSizeBytes, 1 << 20,
            FlushPolicy.PAGE_CACHE)))
        {
            long sequence = 0;
            int length = encoder.wrap(slot, 0).createSale(1, 0, "flash", Math.max(1, purchases / 10), 1, T0,
                T0 + 86_400_000L, 600);
            CommandEncoder.stamp(slot, 0, ++sequence, T0);
            journal.append(sequence, slot, 0, length);
            apply(logic, slot, length);
            for (int i = 0; i < purchases; i++)
            {
                final int buyer = i % buyers;
                length = encoder.wrap(slot, 0).purchase(1, i + 1, "flash", "user-" + buyer, "key-" + (i / buyers), 1);
                CommandEncoder.stamp(slot, 0, ++sequence, T0 + i / 1000);
                journal.append(sequence, slot, 0, length);
                apply(logic, slot, length);
                if ((i & 1023) == 1023)
                {
                    journal.flush();
                }
                if (i + 1 == snapshotAt)
                {
                    journal.flush();
                    final ExpandableDirectByteBuffer state = new ExpandableDirectByteBuffer(1 << 20);
                    final int size = StateSnapshot.write(logic, state);
                    new SnapshotStore(dataDir.resolve("snapshots")).write(sequence, state, 0, size);
                    snapshotSequence = sequence;
                }
            }
        }
        return snapshotSequence;
    }

    private static void apply(final BusinessLogic logic, final UnsafeBuffer slot, final int length)
    {
        if (logic != null)
        {
            logic.onCommand(slot, 0, length, DISCARD);
        }
    }
}
