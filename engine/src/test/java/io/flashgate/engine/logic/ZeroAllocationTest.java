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
