package io.flashgate.engine.logic;

import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.SaleStatus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * QUERY_SALE_AT, the engine's side of {@code GET /admin/sales}: index 0, 1, ... answer every sale in creation order
 * with the figures QUERY_SALE gives, then UNKNOWN_SALE; it changes nothing a query may not (due expiries only) and
 * allocates nothing (invariant 6).
 */
class SaleListingTest
{
    private static final long NOW = 1_000_000L;

    private final BusinessLogic logic = new BusinessLogic();
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[256]);
    private final CommandEncoder encoder = new CommandEncoder().wrap(command, 0);
    private final List<Reply> replies = new ArrayList<>();
    private final List<Reply> broadcasts = new ArrayList<>();
    private long sequence;

    @Test
    void everySaleIsAnsweredInCreationOrderThenUnknownSale()
    {
        send(NOW, encoder.createSale(1, 1, "first", 10, 2, NOW - 1, NOW + 60_000, 30));
        send(NOW, encoder.createSale(1, 2, "second", 5, 1, NOW + 30_000, NOW + 60_000, 30));
        send(NOW, encoder.createSale(1, 3, "third", 3, 3, NOW - 1, NOW + 60_000, 30));
        send(NOW, encoder.purchase(1, 4, "third", "alice", "k1", 3));
        send(NOW, encoder.saleCommand(MessageTypes.PAUSE_SALE, 1, 5, "first"));
        replies.clear();

        for (int index = -1; index <= 3; index++)
        {
            send(NOW, encoder.querySaleAt(1, 10 + index, index));
        }

        assertEquals(Reply.Rejected.of(Reason.UNKNOWN_SALE), replies.get(0), "a negative index");
        final Reply.Sale first = (Reply.Sale)replies.get(1);
        final Reply.Sale second = (Reply.Sale)replies.get(2);
        final Reply.Sale third = (Reply.Sale)replies.get(3);
        assertEquals(List.of("first", "second", "third"), List.of(first.saleId(), second.saleId(), third.saleId()));
        assertEquals(SaleStatus.PAUSED, first.status());
        assertEquals(SaleStatus.SCHEDULED, second.status());
        assertEquals(SaleStatus.SOLD_OUT, third.status());
        assertEquals(3, third.reserved());
        assertEquals(1, third.buyers());
        assertEquals(Reply.Rejected.of(Reason.UNKNOWN_SALE), replies.get(4), "past the last sale");
        assertEquals(5, replies.size(), "one reply per query");
    }

    @Test
    void aListingExpiresDueReservationsAsAQueryDoes()
    {
        send(NOW, encoder.createSale(1, 1, "flash", 1, 1, NOW - 1, NOW + 600_000, 1));
        send(NOW, encoder.purchase(1, 2, "flash", "alice", "k1", 1));
        replies.clear();
        broadcasts.clear();

        send(NOW + 1_000, encoder.querySaleAt(1, 3, 0));

        final Reply.Sale sale = (Reply.Sale)replies.get(0);
        assertEquals(0, sale.reserved(), "the reservation's TTL passed");
        assertEquals(SaleStatus.OPEN, sale.status());
        assertTrue(broadcasts.stream().anyMatch(b -> b instanceof Reply.Order o && o.orderId() == 1),
            "the expiry is broadcast: " + broadcasts);
    }

    @Test
    void listingAllocatesNothing()
    {
        for (int i = 0; i < 20; i++)
        {
            send(NOW, encoder.createSale(1, i, "sale-" + i, 10, 2, NOW - 1, NOW + 60_000, 30));
        }
        final EventSink counting = new EventSink()
        {
            private final EventDecoder decoder = new EventDecoder();
            long sales;

            @Override
            public void onEvent(final org.agrona.DirectBuffer buffer, final int offset, final int length)
            {
                if (decoder.wrapAndValidate(buffer, offset, length) == null && decoder.type() == MessageTypes.SALE_INFO)
                {
                    sales++;
                }
            }
        };
        for (int round = 0; round < 1_000; round++)
        {
            listAll(counting); // warm-up: the JIT's first compilations allocate on this thread
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        for (int round = 0; round < 1_000; round++)
        {
            listAll(counting);
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertTrue(allocated < 1024, "listing allocated " + allocated + " bytes over 1,000 listings of 20 sales");
    }

    private void listAll(final EventSink sink)
    {
        for (int index = 0; index <= 20; index++)
        {
            final int length = encoder.querySaleAt(1, index, index);
            CommandEncoder.stamp(command, 0, ++sequence, NOW);
            logic.onCommand(command, 0, length, sink);
        }
    }

    private void send(final long time, final int length)
    {
        CommandEncoder.stamp(command, 0, ++sequence, time);
        final EventDecoder decoder = new EventDecoder();
        logic.onCommand(command, 0, length, (buffer, offset, eventLength) ->
        {
            if (decoder.wrapAndValidate(buffer, offset, eventLength) != null)
            {
                throw new AssertionError("an event that does not decode");
            }
            (MessageTypes.isBroadcast(decoder.type()) ? broadcasts : replies).add(Reply.decode(decoder));
        });
    }
}
