package io.flashgate.client;

import io.flashgate.protocol.BatchWriter;
import io.flashgate.protocol.EventEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.OrderStatus;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.SaleStatus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * One message of the engine's stream carries many events: each reply to this client reaches exactly the command
 * waiting for it, with its own content, whatever else the message carries and however many replies it holds.
 */
class ReplyRouterTest
{
    private static final int SOURCE = 7;
    private static final int OTHER_SOURCE = 8;
    private static final long PROBE = 1_000_000;
    private static final CommandChannel TAKES_EVERYTHING = (id, bytes, offset, length) -> null;

    private final UnsafeBuffer event = new UnsafeBuffer(new byte[EventEncoder.MAX_EVENT_LENGTH]);
    private final EventEncoder encoder = new EventEncoder();
    private final UnsafeBuffer sale = ascii("flash");
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[64 * 1024]);
    private final BatchWriter batch = new BatchWriter(message, message.capacity());
    private final PendingCommands pending = new PendingCommands(null);
    private final ReplyRouter router = new ReplyRouter(SOURCE, pending, id -> id == PROBE);
    private final List<Reply> broadcasts = new ArrayList<>();
    private final List<Reply.Order> orders = new ArrayList<>();

    @Test
    void everyReplyOfAMixedMessageReachesItsOwnCommandAndTheListenersHearTheRest()
    {
        router.onBroadcast(broadcasts::add);
        router.onOrderAccepted(orders::add);
        final CompletableFuture<Reply> soldOut = send(11);
        final CompletableFuture<Reply> bought = send(12);
        final CompletableFuture<Reply> overLimit = send(13);
        final CompletableFuture<Reply> unanswered = send(14);

        rejected(SOURCE, 11, Reason.SOLD_OUT);
        rejected(OTHER_SOURCE, 12, Reason.LIMIT_EXCEEDED); // another edge's command with the same id: not ours
        order(SOURCE, 12, 501, "alice");
        saleChanged();
        rejected(SOURCE, PROBE, Reason.UNKNOWN_SALE); // the liveness probe's own reply
        order(OTHER_SOURCE, 40, 502, "bob");
        rejected(SOURCE, 13, Reason.LIMIT_EXCEEDED);
        rejected(SOURCE, 99, Reason.SOLD_OUT); // nobody waits for it (timed out already, say)
        router.onMessage(message, 0, batch.length());

        assertEquals(Reply.Rejected.of(Reason.SOLD_OUT), soldOut.join());
        final Reply.Order order = (Reply.Order)bought.join();
        assertEquals(501, order.orderId());
        assertEquals("alice", order.userId());
        assertEquals(Reply.Rejected.of(Reason.LIMIT_EXCEEDED), overLimit.join());
        assertFalse(unanswered.isDone());
        assertEquals(List.of(501L, 502L), orders.stream().map(Reply.Order::orderId).toList(),
            "every new order is announced, this client's or not");
        assertEquals(1, broadcasts.size());
        assertEquals(3, pending.replyCount());
        assertEquals(1, pending.size());
    }

    @Test
    void aMessageOfAThousandRepliesCompletesEveryOne()
    {
        final int count = 1_000;
        final List<CompletableFuture<Reply>> waiting = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            waiting.add(send(100 + i));
            if (i % 2 == 0)
            {
                rejected(SOURCE, 100 + i, Reason.SOLD_OUT);
            }
            else
            {
                order(SOURCE, 100 + i, 10_000 + i, "u" + i);
            }
        }
        router.onMessage(message, 0, batch.length());

        for (int i = 0; i < count; i++)
        {
            final Reply reply = waiting.get(i).join();
            if (i % 2 == 0)
            {
                assertEquals(Reply.Rejected.of(Reason.SOLD_OUT), reply);
            }
            else
            {
                assertEquals(10_000 + i, ((Reply.Order)reply).orderId());
                assertEquals("u" + i, ((Reply.Order)reply).userId());
            }
        }
        assertEquals(0, pending.size());
        // and the next, small message still routes
        batch.reset();
        final CompletableFuture<Reply> next = send(5);
        rejected(SOURCE, 5, Reason.SOLD_OUT);
        router.onMessage(message, 0, batch.length());
        assertEquals(Reply.Rejected.of(Reason.SOLD_OUT), next.join());
    }

    @Test
    void aSingleEventCompletesItsCommand()
    {
        final CompletableFuture<Reply> waiting = send(3);
        final int length = encoder.wrap(event, 0).header(MessageTypes.REJECTED, SOURCE, 3, 1, 0)
            .rejected(Reason.SOLD_OUT, MessageTypes.PURCHASE);
        router.onEvent(event, 0, length);
        assertEquals(Reply.Rejected.of(Reason.SOLD_OUT), waiting.join());
        assertNull(pending.claim(3));
    }

    private CompletableFuture<Reply> send(final long correlationId)
    {
        return pending.send(correlationId, TAKES_EVERYTHING, event, 0, 0);
    }

    private void rejected(final int source, final long correlationId, final Reason reason)
    {
        append(encoder.wrap(event, 0).header(MessageTypes.REJECTED, source, correlationId, 1, 0)
            .rejected(reason, MessageTypes.PURCHASE));
    }

    private void order(final int source, final long correlationId, final long orderId, final String user)
    {
        final UnsafeBuffer userId = ascii(user);
        append(encoder.wrap(event, 0).header(MessageTypes.ORDER_ACCEPTED, source, correlationId, 1, 0)
            .order(orderId, 1, OrderStatus.RESERVED, 0, sale, 0, sale.capacity(), userId, 0, userId.capacity()));
    }

    private void saleChanged()
    {
        append(encoder.wrap(event, 0).header(MessageTypes.SALE_STATUS_CHANGED, 0, 0, 1, 0)
            .sale(10, 1, 0, 2, 1, SaleStatus.OPEN, 60, 0, Long.MAX_VALUE, sale, 0, sale.capacity()));
    }

    private void append(final int length)
    {
        if (!batch.append(event, 0, length))
        {
            throw new IllegalStateException("the test's message is full");
        }
    }

    private static UnsafeBuffer ascii(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }
}
