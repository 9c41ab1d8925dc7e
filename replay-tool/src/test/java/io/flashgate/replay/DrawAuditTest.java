package io.flashgate.replay;

import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.DrawAlgorithm;
import io.flashgate.journal.FlushPolicy;
import io.flashgate.journal.Journal;
import io.flashgate.journal.JournalConfig;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.SaleMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code draw-audit} recomputes a draw from the journal: it matches an honest journal and its published record, and
 * says MISMATCH for an entry changed in the journal (a valid record with another user), a record published with
 * another seed, and a journal whose bytes were changed without fixing the checksum.
 */
class DrawAuditTest
{
    private static final long T0 = Fixture.T0;
    private static final String SEED = "audit-seed-0123456789abcdef";
    private static final int USERS = 30;

    @TempDir
    Path dir;

    @Test
    void anHonestDrawMatchesItsJournalAndItsRecord() throws IOException
    {
        final Path data = writeDrawJournal(dir.resolve("data"));
        final Path record = writeRecord(data, dir.resolve("record.json"), SEED);
        final Result result = audit(data, record);
        assertEquals(0, result.code, result.text);
        assertTrue(result.text.contains("seed: ok") && result.text.contains("entries: ok") &&
            result.text.contains("draw order: ok") && result.text.contains("record: ok"), result.text);
        assertTrue(result.text.contains("from the waiting list since"), result.text);
        assertTrue(result.text.endsWith("draw-audit: MATCH\n"), result.text);
    }

    @Test
    void aChangedEntryInTheJournalDoesNotMatchThePublishedRecord() throws IOException
    {
        final Path data = writeDrawJournal(dir.resolve("data"));
        final Path record = writeRecord(data, dir.resolve("record.json"), SEED);
        // The 5th entry's user id loses a bit of its last character, with a valid checksum: another user entered.
        final Path segment = Fixture.segments(data).get(0);
        long entryOffset = -1;
        for (final long offset : Fixture.recordOffsets(segment))
        {
            if (Fixture.sequenceAt(segment, offset) == 6)
            {
                entryOffset = offset;
            }
        }
        Damage.rewriteRecord(segment, entryOffset);
        final Result result = audit(data, record);
        assertEquals(1, result.code, result.text);
        assertTrue(result.text.contains("record: MISMATCH"), result.text);
        assertTrue(result.text.endsWith("draw-audit: MISMATCH\n"), result.text);
    }

    @Test
    void aRecordPublishedWithAnotherSeedDoesNotMatch() throws IOException
    {
        final Path data = writeDrawJournal(dir.resolve("data"));
        final Path record = writeRecord(data, dir.resolve("record.json"), "another-seed");
        final Result result = audit(data, record);
        assertEquals(1, result.code, result.text);
        assertTrue(result.text.contains("record: MISMATCH"), result.text);
    }

    @Test
    void aTamperedJournalIsAMismatch() throws IOException
    {
        final Path data = writeDrawJournal(dir.resolve("data"));
        final Path segment = Fixture.segments(data).get(0);
        final List<Long> offsets = Fixture.recordOffsets(segment);
        Fixture.flipBit(segment, offsets.get(offsets.size() - 3) + Fixture.RECORD_HEADER + 5, 2);
        final Result result = audit(data, null);
        assertEquals(1, result.code, result.text);
        assertTrue(result.text.contains("journal: MISMATCH"), result.text);
    }

    @Test
    void aSaleThatIsNotADrawIsAFailure() throws IOException
    {
        final Path data = writeDrawJournal(dir.resolve("data"));
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = ReplayTool.run(new String[] {"draw-audit", "--data-dir", data.toString(), "--sale", "nope"},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(3, code, err.toString(StandardCharsets.UTF_8));
    }

    record Result(int code, String text)
    {
    }

    private static Result audit(final Path data, final Path record)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final String[] args = record == null ?
            new String[] {"draw-audit", "--data-dir", data.toString(), "--sale", "drop"} :
            new String[] {"draw-audit", "--data-dir", data.toString(), "--sale", "drop", "--record", record.toString()};
        final int code = ReplayTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8));
    }

    /**
     * A draw sale (stock 8, limit 2) as the engine journals it: 30 entries, one withdrawn and entered again, the
     * sale ended, the draw, a cancel and the expiry of the rest, which serve the waiting list.
     */
    static Path writeDrawJournal(final Path data) throws IOException
    {
        final UnsafeBuffer slot = new UnsafeBuffer(new byte[256]);
        final CommandEncoder e = new CommandEncoder();
        final BusinessLogic logic = new BusinessLogic(64);
        try (Journal journal = Journal.open(new JournalConfig(data.resolve("journal"), 1 << 20, 1 << 20,
            FlushPolicy.PAGE_CACHE)))
        {
            final long[] sequence = {0};
            final IntFunction<Void> append = length ->
            {
                CommandEncoder.stamp(slot, 0, ++sequence[0], T0 + sequence[0] * 10);
                journal.append(sequence[0], slot, 0, length);
                logic.onCommand(slot, 0, length, (b, o, l) -> { });
                return null;
            };
            append.apply(e.wrap(slot, 0).createSale(1, 1, "drop", 8, 2, T0, T0 + 3_600_000, 30, SaleMode.DRAW, 0,
                DrawAlgorithm.seedHash(SEED)));
            for (int u = 0; u < USERS; u++)
            {
                append.apply(e.wrap(slot, 0).enterDraw(1, 2, "drop", "user-" + u, 1 + u % 2, null));
            }
            append.apply(e.wrap(slot, 0).entryCommand(MessageTypes.WITHDRAW_ENTRY, 1, 3, "drop", "user-3"));
            append.apply(e.wrap(slot, 0).enterDraw(1, 4, "drop", "user-3", 1, null));
            append.apply(e.wrap(slot, 0).saleCommand(MessageTypes.END_SALE, 1, 5, "drop"));
            append.apply(e.wrap(slot, 0).runDraw(1, 6, "drop", SEED));
            append.apply(e.wrap(slot, 0).cancelOrder(1, 7, 1, logic.order(1).userId()));
            journal.flush();
        }
        // The reservations expire: a tick half a minute later serves the waiting list.
        try (Journal journal = Journal.open(new JournalConfig(data.resolve("journal"), 1 << 20, 1 << 20,
            FlushPolicy.PAGE_CACHE)))
        {
            final long next = journal.lastSequence() + 1;
            final int length = e.wrap(slot, 0).control(MessageTypes.EXPIRE_RESERVATIONS, 1, 8);
            CommandEncoder.stamp(slot, 0, next, T0 + 60_000);
            journal.append(next, slot, 0, length);
            journal.flush();
        }
        return data;
    }

    /** The record as the edge publishes it (GET /api/sales/drop/draw), from a replay, with {@code seed} as its seed. */
    private static Path writeRecord(final Path data, final Path file, final String seed) throws IOException
    {
        final BusinessLogic logic = new BusinessLogic(64);
        final EventDecoder event = new EventDecoder();
        final String[] hashes = new String[2];
        final int[] counts = new int[2];
        try (Journal journal = Journal.open(JournalConfig.defaults(data.resolve("journal"))))
        {
            journal.replay(0, (sequence, buffer, offset, length) -> logic.onCommand(buffer, offset, length, (b, o, l) ->
            {
                event.wrapAndValidate(b, o, l);
                if (event.type() == MessageTypes.DRAW_COMPLETED || event.type() == MessageTypes.DRAW_INFO)
                {
                    hashes[0] = HexFormat.of().formatHex(event.drawSeedHash());
                    hashes[1] = HexFormat.of().formatHex(event.drawEntriesHash());
                    counts[0] = event.drawEntries();
                }
                if (event.type() == MessageTypes.ORDER_ALLOCATED)
                {
                    counts[1]++;
                }
            }));
        }
        final String winners = logic.drawOrder("drop").subList(0, counts[1]).stream()
            .map(user -> "\"" + HexFormat.of().formatHex(DrawAlgorithm.hashedId("drop", user)) + "\"")
            .collect(Collectors.joining(","));
        Files.writeString(file, "{\"saleId\":\"drop\",\"algorithm\":{\"name\":\"" + DrawAlgorithm.NAME +
            "\",\"version\":1},\"seed\":\"" + seed + "\",\"seedHash\":\"" + hashes[0] + "\",\"entries\":" + counts[0] +
            ",\"entriesHash\":\"" + hashes[1] + "\",\"winners\":[" + winners + "]}");
        return file;
    }
}
