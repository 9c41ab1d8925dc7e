package io.flashgate.engine.logic;

import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reason;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 6: the business logic allocates nothing per command in steady state. A mixed stream
 * (new purchases, replays, refusals, cancels, confirms, queries, expiry ticks, malformed bytes)
 * runs once to warm up and size the tables, then again with fresh keys while the thread's
 * allocation counter is watched. The events of the measured run are counted by type and reason, so the
 * commands are known to have done what they stand for (a stream of refusals would allocate nothing too).
 */
class ZeroAllocationTest
{
    private static final int USERS = 5_000;

    @Test
    void steadyStateCommandsAllocateNothing()
    {
        final BusinessLogic logic = new BusinessLogic(4 * USERS);
        final Outcomes outcomes = new Outcomes();
        final EventSink sink = outcomes;
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[256]);
        final CommandEncoder encoder = new CommandEncoder().wrap(scratch, 0);
        logic.onCommand(scratch, 0, encoder.createSale(1, 0, "flash", 3 * USERS, 2, 0, Long.MAX_VALUE / 2, 5), sink);

        final Stream warmUp = new Stream("w");
        final Stream measured = new Stream("m");
        warmUp.runThrough(logic, sink);
        outcomes.clear();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        measured.runThrough(logic, sink);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertTrue(allocated < 1024, "business logic allocated " + allocated + " bytes over " + measured.count + " commands");

        final int thirds = (USERS + 2) / 3;
        assertEquals(USERS, outcomes.events(MessageTypes.ORDER_ACCEPTED), "new purchases accepted");
        assertEquals(USERS, outcomes.events(MessageTypes.ORDER_REPLAYED), "retried purchases replayed");
        assertEquals(USERS, outcomes.events(MessageTypes.ORDER_INFO), "own orders found");
        assertEquals(USERS, outcomes.events(MessageTypes.SALE_INFO), "sale queries answered");
        assertEquals(thirds, outcomes.events(MessageTypes.ORDER_CANCELLED), "cancels applied");
        assertEquals(thirds, outcomes.events(MessageTypes.ORDER_CONFIRMED), "confirms applied");
        assertEquals(USERS / 100, outcomes.events(MessageTypes.ACK), "expiry ticks acknowledged");
        assertEquals(USERS, outcomes.rejections(Reason.INVALID_QUANTITY));
        assertEquals(USERS, outcomes.rejections(Reason.UNKNOWN_SALE));
        assertEquals(USERS / 250, outcomes.rejections(Reason.MALFORMED));
        assertEquals(2 * USERS + USERS / 250, outcomes.events(MessageTypes.REJECTED), "no other refusal");
        assertEquals(0, outcomes.invalid, "every event decodes");
    }

    /**
     * Entries are the hot path of a draw sale: entering, entering again (the first entry back), asking for one's entry,
     * withdrawing, and refusals (a purchase in the draw sale) allocate nothing once the tables have their size. The
     * warm-up enters and withdraws twice as many users as the measured run enters, so the entry rows have room.
     */
    @Test
    void steadyStateEntriesAllocateNothing()
    {
        final BusinessLogic logic = new BusinessLogic(4 * USERS);
        final Outcomes outcomes = new Outcomes();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[256]);
        final CommandEncoder e = new CommandEncoder().wrap(scratch, 0);
        logic.onCommand(scratch, 0, e.createSale(1, 0, "drop", 100, 2, 0, Long.MAX_VALUE / 2, 5,
            io.flashgate.protocol.SaleMode.DRAW, 3, new byte[32]), outcomes);
        final UnsafeBuffer warmUp = new UnsafeBuffer(ByteBuffer.allocateDirect(8 * 1024 * 1024));
        final UnsafeBuffer measured = new UnsafeBuffer(ByteBuffer.allocateDirect(8 * 1024 * 1024));
        final int[] warmUpEnds = entries(warmUp, "w", 2 * USERS, 1, null);
        final int[] measuredEnds = entries(measured, "m", USERS, 3, null);
        run(logic, warmUp, warmUpEnds, outcomes);
        outcomes.clear();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        run(logic, measured, measuredEnds, outcomes);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertTrue(allocated < 1024, "business logic allocated " + allocated + " bytes over " + measuredEnds.length +
            " entry commands");
        assertEquals(USERS, outcomes.events(MessageTypes.ENTRY_ACCEPTED), "entries accepted");
        assertEquals(USERS, outcomes.events(MessageTypes.ENTRY_REPLAYED), "second entries answered with the first");
        assertEquals(USERS, outcomes.events(MessageTypes.ENTRY_INFO), "entries found");
        assertEquals((USERS + 2) / 3, outcomes.events(MessageTypes.ENTRY_WITHDRAWN), "withdrawals");
        assertEquals(USERS, outcomes.rejections(Reason.DRAW_SALE), "purchases refused in a draw sale");
        assertEquals(USERS, outcomes.events(MessageTypes.REJECTED), "no other refusal");
    }

    /**
     * Encodes, per user: enter, enter again, query, a purchase (refused), and every {@code withdrawEvery}-th a
     * withdrawal (1: every user's, after all the entries).
     */
    private static int[] entries(final UnsafeBuffer buffer, final String tag, final int users, final int withdrawEvery,
        final byte[] address)
    {
        final CommandEncoder e = new CommandEncoder();
        final java.util.List<Integer> ends = new java.util.ArrayList<>();
        int at = 0;
        long time = tag.equals("w") ? 1_000 : 1_000_000;
        for (int i = 0; i < users; i++)
        {
            final String user = tag + "-user-" + i;
            at = add(buffer, at, e.wrap(buffer, at).enterDraw(1, i, "drop", user, 1, address), time++, ends);
            at = add(buffer, at, e.wrap(buffer, at).enterDraw(1, i, "drop", user, 2, address), time++, ends);
            at = add(buffer, at, e.wrap(buffer, at).entryCommand(MessageTypes.QUERY_ENTRY, 1, i, "drop", user), time++,
                ends);
            at = add(buffer, at, e.wrap(buffer, at).purchase(1, i, "drop", user, "k", 1), time++, ends);
            if (i % withdrawEvery == 0 && withdrawEvery > 1)
            {
                at = add(buffer, at, e.wrap(buffer, at).entryCommand(MessageTypes.WITHDRAW_ENTRY, 1, i, "drop", user),
                    time++, ends);
            }
        }
        for (int i = 0; withdrawEvery == 1 && i < users; i++)
        {
            // All at the end: the index of users to rows reaches its full size before it empties.
            at = add(buffer, at, e.wrap(buffer, at).entryCommand(MessageTypes.WITHDRAW_ENTRY, 1, i, "drop",
                tag + "-user-" + i), time++, ends);
        }
        return ends.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int add(final UnsafeBuffer buffer, final int at, final int length, final long time,
        final java.util.List<Integer> ends)
    {
        CommandEncoder.stamp(buffer, at, ends.size() + 1, time);
        ends.add(at + length);
        return at + length;
    }

    private static void run(final BusinessLogic logic, final UnsafeBuffer buffer, final int[] ends, final EventSink sink)
    {
        int at = 0;
        for (final int end : ends)
        {
            logic.onCommand(buffer, at, end - at, sink);
            at = end;
        }
    }

    /** Counts events by type and refusals by reason, without allocating. */
    private static final class Outcomes implements EventSink
    {
        private final EventDecoder decoder = new EventDecoder();
        private final long[] byType = new long[256];
        private final long[] byReason = new long[64];
        private long invalid;

        @Override
        public void onEvent(final DirectBuffer buffer, final int offset, final int length)
        {
            if (decoder.wrapAndValidate(buffer, offset, length) != null)
            {
                invalid++;
                return;
            }
            byType[decoder.type() & 0xFF]++;
            if (decoder.type() == MessageTypes.REJECTED)
            {
                byReason[decoder.reason().code()]++;
            }
        }

        long events(final short type)
        {
            return byType[type];
        }

        long rejections(final Reason reason)
        {
            return byReason[reason.code()];
        }

        void clear()
        {
            java.util.Arrays.fill(byType, 0);
            java.util.Arrays.fill(byReason, 0);
            invalid = 0;
        }
    }

    /** A pre-encoded mixed stream; its keys carry a tag so the second run buys afresh. */
    private static final class Stream
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(8 * 1024 * 1024));
        final int[] offsets = new int[100_000];
        final int[] lengths = new int[100_000];
        int count;

        Stream(final String tag)
        {
            final CommandEncoder e = new CommandEncoder();
            int at = 0;
            long time = tag.equals("w") ? 1_000 : 1_000_000;
            long order = tag.equals("w") ? 1 : USERS + 1; // each run accepts one order per user
            for (int i = 0; i < USERS; i++)
            {
                final String user = "user-" + i;
                at = add(e.wrap(buffer, at).purchase(1, i, "flash", user, tag + i, 1), at, time++);
                at = add(e.wrap(buffer, at).purchase(1, i, "flash", user, tag + i, 1), at, time++); // replay
                at = add(e.wrap(buffer, at).purchase(1, i, "flash", user, tag + "x" + i, 5), at, time++); // invalid qty
                at = add(e.wrap(buffer, at).purchase(1, i, "nope", user, tag + i, 1), at, time++); // unknown sale
                at = add(e.wrap(buffer, at).queryOrder(1, i, order + i, user), at, time++);
                at = add(e.wrap(buffer, at).saleCommand(MessageTypes.QUERY_SALE, 1, i, "flash"), at, time++);
                if (i % 3 == 0)
                {
                    at = add(e.wrap(buffer, at).cancelOrder(1, i, order + i, user), at, time++);
                }
                else if (i % 3 == 1)
                {
                    at = add(e.wrap(buffer, at).confirmOrder(1, i, order + i), at, time++);
                }
                if (i % 100 == 0)
                {
                    at = add(e.wrap(buffer, at).control(MessageTypes.EXPIRE_RESERVATIONS, 1, i), at, time += 6_000);
                }
                if (i % 250 == 0)
                {
                    buffer.putLong(at, 0xDEADBEEFL); // malformed: too short to be anything
                    offsets[count] = at;
                    lengths[count++] = 8;
                    at += 8;
                }
            }
        }

        private int add(final int length, final int at, final long time)
        {
            CommandEncoder.stamp(buffer, at, count, time);
            offsets[count] = at;
            lengths[count++] = length;
            return at + length;
        }

        void runThrough(final BusinessLogic logic, final EventSink sink)
        {
            for (int i = 0; i < count; i++)
            {
                logic.onCommand(buffer, offsets[i], lengths[i], sink);
            }
        }
    }
}
