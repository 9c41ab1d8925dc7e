package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

/** dump answers "what happened to order X?": the commands that touched it, and what the engine said to each. */
@Timeout(60)
class DumpTest
{
    private static final Pattern SEQUENCE = Pattern.compile("^\\{\"type\":\"([A-Z_]+)\",\"sequence\":(\\d+),");

    @TempDir
    Path temp;

    @Test
    void everyCommandIsOneJsonLineInSequenceOrder() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);

        final Fixture.Result r = Fixture.tool("dump", "--data-dir", data.toString());

        assertEquals(0, r.exit(), r.describe());
        assertEquals(LongStream.rangeClosed(1, w.lastSequence()).boxed().toList(), sequences(r), r.describe());
        assertTrue(r.lines().get(2).contains("\"saleId\":\"flash\",\"userId\":\"alice\",\"idempotencyKey\":\"a-1\""),
            r.describe());
        assertTrue(r.err().contains("replay-tool: dump: " + w.lastSequence() + " command(s) matched"), r.describe());
        assertTrue(r.err().contains(" records/s)"), r.describe());
    }

    @Test
    void eventsAreTheOnesTheLiveEngineReleasedByteForByte() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);

        final Fixture.Result r = Fixture.tool("dump", "--events", "--from-zero", "--data-dir", data.toString());

        assertEquals(0, r.exit(), r.describe());
        final List<String> events = r.lines().stream().filter(l -> l.startsWith("  ")).map(String::strip).toList();
        assertEquals(w.events(), events);
    }

    @Test
    void anOrderShowsItsPurchaseRetryCancelAndEverythingNamingIt()
        throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);

        final Fixture.Result alice = Fixture.tool("dump", "--data-dir", data.toString(), "--order",
            String.valueOf(w.aliceOrder()));
        final Fixture.Result bob = Fixture.tool("dump", "--data-dir", data.toString(), "--order",
            String.valueOf(w.bobOrder()));
        final Fixture.Result carol = Fixture.tool("dump", "--data-dir", data.toString(), "--order",
            String.valueOf(w.carolOrder()), "--events");

        // alice: purchase, its retry (same Idempotency-Key), her cancel, the final query
        assertEquals(List.of("PURCHASE 3", "PURCHASE 6", "CANCEL_ORDER 8",
            "QUERY_ORDER " + finalQuery(w, w.aliceOrder())), typed(alice), alice.describe());
        // bob: purchase, confirm, mallory's refused attempt to cancel it, the final query
        assertEquals(List.of("PURCHASE 4", "CONFIRM_ORDER 7", "CANCEL_ORDER 9",
            "QUERY_ORDER " + finalQuery(w, w.bobOrder())), typed(bob), bob.describe());
        // carol: purchase, the tick that expired it, the operator's queries
        assertEquals(List.of("PURCHASE 10", "EXPIRE_RESERVATIONS " + w.tickSequence(), "QUERY_ORDER 14",
            "QUERY_ORDER " + finalQuery(w, w.carolOrder())), typed(carol), carol.describe());
        assertTrue(carol.out().contains("  {\"type\":\"ORDER_EXPIRED\",\"sequence\":" + w.tickSequence()
            + ",\"time\":\"" + Instant.ofEpochMilli(w.midTime() + 61_000) + "\",\"source\":1,\"correlation\":"
            + w.tickSequence() + ",\"orderId\":" + w.carolOrder() + ",\"saleId\":\"flash\",\"userId\":\"carol\""),
            carol.describe());
    }

    @Test
    void userSaleTypeSequenceAndTimeFiltersCombine() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);
        final String dir = data.toString();

        final Fixture.Result carol = Fixture.tool("dump", "--data-dir", dir, "--user", "carol");
        final Fixture.Result flash = Fixture.tool("dump", "--data-dir", dir, "--sale", "flash", "--to-seq", "14");
        final Fixture.Result cancels = Fixture.tool("dump", "--data-dir", dir, "--type", "cancel_order,CONFIRM_ORDER");
        final Fixture.Result range = Fixture.tool("dump", "--data-dir", dir, "--from-seq", "100", "--to-seq", "104");
        final Fixture.Result early = Fixture.tool("dump", "--data-dir", dir, "--to-time",
            Instant.ofEpochMilli(Fixture.T0).toString());
        final Fixture.Result late = Fixture.tool("dump", "--data-dir", dir, "--from-time",
            Instant.ofEpochMilli(w.midTime() + 1).toString(), "--type", "EXPIRE_RESERVATIONS");

        assertEquals(List.of(10L, w.tickSequence(), 14L, finalQuery(w, w.carolOrder())), sequences(carol),
            carol.describe());
        assertEquals(List.of(1L, 3L, 4L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L), sequences(flash), flash.describe());
        assertEquals(List.of("CONFIRM_ORDER 7", "CANCEL_ORDER 8", "CANCEL_ORDER 9"), typed(cancels),
            cancels.describe());
        assertEquals(List.of(100L, 101L, 102L, 103L, 104L), sequences(range), range.describe());
        assertEquals(LongStream.rangeClosed(1, 9).boxed().toList(), sequences(early), early.describe());
        assertEquals(List.of("EXPIRE_RESERVATIONS " + w.tickSequence()), typed(late), late.describe());
    }

    @Test
    void aDamagedJournalIsDumpedUpToTheDamageAndSaysSo() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Damage.Hit flipped = Damage.flipBitInMiddle(data);

        final Fixture.Result all = Fixture.tool("dump", "--data-dir", data.toString());
        final Fixture.Result before = Fixture.tool("dump", "--data-dir", data.toString(), "--to-seq",
            String.valueOf(flipped.sequence() - 1));

        assertEquals(ExitCodes.FAILED, all.exit(), all.describe());
        assertEquals(LongStream.range(1, flipped.sequence()).boxed().toList(), sequences(all), all.describe());
        assertTrue(all.err().contains("replay-tool: note: corruption in " + flipped.segment() + " at offset "
            + flipped.offset()), all.describe());
        assertEquals(0, before.exit(), before.describe());
    }

    @Test
    void aLoneQuarantinedSegmentCanBeReadButNotJudgedWithoutItsHistory() throws IOException
    {
        final Path data = Journals.copyTo(temp);
        final Path segment = Fixture.segments(data).get(2);
        final long first = Fixture.firstSequenceInName(segment);
        final Path lone = java.nio.file.Files.createDirectories(temp.resolve("lone"));
        java.nio.file.Files.copy(segment, lone.resolve(segment.getFileName()));

        final Fixture.Result plain = Fixture.tool("dump", "--data-dir", lone.toString(), "--to-seq",
            String.valueOf(first + 1));
        final Fixture.Result judged = Fixture.tool("dump", "--data-dir", lone.toString(), "--user", "alice");

        assertEquals(0, plain.exit(), plain.describe());
        assertEquals(List.of(first, first + 1), sequences(plain), plain.describe());
        assertEquals(ExitCodes.ENVIRONMENT, judged.exit(), judged.describe());
        assertTrue(judged.err().contains("the journal starts at sequence " + first + " and no usable snapshot covers 1.."
            + (first - 1) + ": cannot rebuild from zero"), judged.describe());
    }

    @Test
    void wrongFiltersAreUsageErrors() throws IOException
    {
        final Path data = Journals.copyTo(temp);

        final Fixture.Result type = Fixture.tool("dump", "--data-dir", data.toString(), "--type", "BUY");
        final Fixture.Result range = Fixture.tool("dump", "--data-dir", data.toString(), "--from-seq", "9",
            "--to-seq", "3");
        final Fixture.Result time = Fixture.tool("dump", "--data-dir", data.toString(), "--from-time", "yesterday");
        final Fixture.Result option = Fixture.tool("dump", "--data-dir", data.toString(), "--orderid", "3");

        assertEquals(ExitCodes.USAGE, type.exit(), type.describe());
        assertTrue(type.err().contains("unknown --type 'BUY' (command types: CREATE_SALE, "), type.describe());
        assertEquals(ExitCodes.USAGE, range.exit(), range.describe());
        assertTrue(range.err().contains("--from-seq 9 is after --to-seq 3"), range.describe());
        assertEquals(ExitCodes.USAGE, time.exit(), time.describe());
        assertTrue(time.err().contains("--from-time expects an ISO-8601 time"), time.describe());
        assertEquals(ExitCodes.USAGE, option.exit(), option.describe());
        assertTrue(option.err().contains("unknown option --orderid for 'dump'"), option.describe());
    }

    /** The workload ends by querying every order, in order-id order, then the two sales. */
    static long finalQuery(final Fixture.Workload w, final long orderId)
    {
        final int index = List.copyOf(w.keys().keySet()).indexOf(orderId);
        assertTrue(index >= 0);
        return w.lastSequence() - 2 - w.keys().size() + 1 + index;
    }

    /** The sequence of each command line (event lines, indented, are skipped). */
    static List<Long> sequences(final Fixture.Result result)
    {
        return result.lines().stream().filter(l -> l.startsWith("{")).map(l ->
        {
            final Matcher m = SEQUENCE.matcher(l);
            assertTrue(m.find(), l);
            return Long.parseLong(m.group(2));
        }).toList();
    }

    /** "TYPE sequence" of each command line. */
    static List<String> typed(final Fixture.Result result)
    {
        return result.lines().stream().filter(l -> l.startsWith("{")).map(l ->
        {
            final Matcher m = SEQUENCE.matcher(l);
            assertTrue(m.find(), l);
            return m.group(1) + " " + m.group(2);
        }).toList();
    }
}
