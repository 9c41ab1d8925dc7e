package io.flashgate.client;

import io.flashgate.protocol.BatchWriter;
import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.EventEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.OrderStatus;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.WireFormat;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shared encoding and correlation: what both the in-process client and the Aeron gateway do with a command
 * and its reply. The channel here keeps the encoded commands, and the test plays the engine's answers back.
 */
class CommandSenderTest
{
    private static final int SOURCE = 7;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final OverloadedException FULL = new OverloadedException("full");

    @Test
    void aReplyCompletesTheCommandWithItsCorrelationIdAndOnlyThatOne() throws Exception
    {
        final Client client = new Client();
        final CompletableFuture<Reply> first = client.purchase("flash", "alice", "k1", 1);
        final CompletableFuture<Reply> second = client.querySale("flash");
        assertEquals(2, client.pendingCount());
        assertEquals(MessageTypes.PURCHASE, client.sent(0).type());
        assertEquals(SOURCE, client.sent(0).sourceId());

        client.reject(SOURCE + 1, client.sent(1).correlationId(), Reason.UNKNOWN_SALE); // another client's reply
        assertFalse(second.isDone());
        client.reject(SOURCE, client.sent(1).correlationId(), Reason.UNKNOWN_SALE);
        assertEquals(new Reply.Rejected(Reason.UNKNOWN_SALE), second.getNow(null));
        assertFalse(first.isDone());
        assertEquals(1, client.replyCount());
    }

    @Test
    void newOrdersOfEveryClientReachTheOrderListenerAndBroadcastsTheBroadcastListener()
    {
        final Client client = new Client();
        final List<Reply.Order> orders = new ArrayList<>();
        final List<Reply> broadcasts = new ArrayList<>();
        client.onOrderAccepted(orders::add);
        client.onBroadcast(broadcasts::add);
        final CompletableFuture<Reply> mine = client.purchase("flash", "alice", "k1", 1);

        client.order(MessageTypes.ORDER_ACCEPTED, SOURCE + 1, 99, 11); // another edge's buyer
        client.order(MessageTypes.ORDER_ACCEPTED, SOURCE, client.sent(0).correlationId(), 12);
        client.order(MessageTypes.ORDER_EXPIRED, 0, 0, 11);

        assertEquals(List.of(11L, 12L), orders.stream().map(Reply.Order::orderId).toList());
        assertEquals(12L, ((Reply.Order)mine.getNow(null)).orderId());
        assertEquals(1, broadcasts.size());
        assertEquals(MessageTypes.ORDER_EXPIRED, ((Reply.Order)broadcasts.get(0)).type());
    }

    @Test
    void aRefusedOfferFailsAtOnceWithOverloadedAndLeavesNothingWaiting()
    {
        final Client client = new Client();
        client.channel.refuse = true;
        final CompletableFuture<Reply> refused = client.queryEngine();
        assertSame(FULL, failureOf(refused));
        assertEquals(0, client.pendingCount());
        assertEquals(1, client.overloadedCount());
    }

    @Test
    void noReplyWithinTheTimeoutIsResultUnknownAndSoIsClosing()
    {
        final Client client = new Client();
        final CompletableFuture<Reply> late = client.confirm(5);
        final long sentAt = System.nanoTime();
        assertEquals(0, client.pending().expire(sentAt));
        assertFalse(late.isDone());
        assertEquals(1, client.pending().expire(sentAt + TIMEOUT.toNanos() + 1));
        assertInstanceOf(ResultUnknownException.class, failureOf(late));
        assertEquals(1, client.timedOutCount());

        final CompletableFuture<Reply> cut = client.cancel(5, "alice");
        client.close();
        assertInstanceOf(ResultUnknownException.class, failureOf(cut));
        assertEquals(0, client.pendingCount());
    }

    @Test
    void everyCommandFitsTheProtocolsMaximumLengthWhateverItsIds()
    {
        final Client client = new Client();
        final String huge = "x".repeat(300);
        client.createSale(huge, 1, 1, 0, 1, 1);
        client.adjustStock(huge, 1);
        client.pause(huge);
        client.resume(huge);
        client.end(huge);
        client.querySale(huge);
        client.purchase(huge, huge, huge, 1);
        client.cancel(1, huge);
        client.confirm(1);
        client.queryOrder(1, huge);
        client.queryEngine();
        client.querySaleAt(Integer.MAX_VALUE);
        assertEquals(12, client.commands.size());
        for (final byte[] command : client.commands)
        {
            assertTrue(command.length <= WireFormat.MAX_COMMAND_LENGTH, "length " + command.length);
            final Reason why = new CommandDecoder().wrapAndValidate(new UnsafeBuffer(command), 0, command.length);
            assertTrue(why == null || why == Reason.MALFORMED, String.valueOf(why)); // never silently cut to valid
        }
        assertEquals(MessageTypes.QUERY_ENGINE, client.sent(10).type());
        assertEquals(WireFormat.HEADER_LENGTH, client.commands.get(10).length);
        assertEquals(MessageTypes.QUERY_SALE_AT, client.sent(11).type());
    }

    @Test
    void aMessageOfManyRepliesCompletesEachCommandAndATornOneSpoilsNothingAfterIt()
    {
        final Client client = new Client();
        final List<CompletableFuture<Reply>> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            sent.add(client.querySale("sale" + i));
        }
        final BatchWriter message = new BatchWriter(new UnsafeBuffer(new byte[4096]), 4096);
        final EventEncoder encoder = new EventEncoder();
        final UnsafeBuffer event = new UnsafeBuffer(new byte[WireFormat.MAX_EVENT_LENGTH]);
        // Replies in reverse order, with other clients' replies between them: each must find its own future.
        for (int i = 19; i >= 0; i--)
        {
            encoder.wrap(event, 0).header(MessageTypes.REJECTED, SOURCE + 1, client.sent(i).correlationId(), 1, 1);
            message.append(event, 0, encoder.rejected(Reason.SOLD_OUT, MessageTypes.QUERY_SALE));
            encoder.wrap(event, 0).header(MessageTypes.REJECTED, SOURCE, client.sent(i).correlationId(), 1, 1);
            message.append(event, 0, encoder.rejected(Reason.values()[i % 4], MessageTypes.QUERY_SALE));
        }
        client.router().onMessage(message.buffer(), 0, message.length());
        for (int i = 0; i < 20; i++)
        {
            assertEquals(new Reply.Rejected(Reason.values()[i % 4]), sent.get(i).getNow(null), "command " + i);
        }
        assertEquals(20, client.replyCount());

        // A message cut inside its third frame: two replies land, the rest is skipped and counted.
        message.reset();
        for (int i = 20; i < 25; i++)
        {
            encoder.wrap(event, 0).header(MessageTypes.REJECTED, SOURCE, client.sent(i).correlationId(), 1, 1);
            message.append(event, 0, encoder.rejected(Reason.SOLD_OUT, MessageTypes.QUERY_SALE));
        }
        final int frame = message.length() / 5;
        client.router().onMessage(message.buffer(), 0, 2 * frame + frame / 2);
        assertEquals(1, client.router().tornMessageCount());
        assertTrue(sent.get(20).isDone() && sent.get(21).isDone());
        assertFalse(sent.get(22).isDone() || sent.get(23).isDone() || sent.get(24).isDone());

        // The next message reads whole.
        message.reset();
        for (int i = 22; i < 40; i++)
        {
            encoder.wrap(event, 0).header(MessageTypes.REJECTED, SOURCE, client.sent(i).correlationId(), 1, 1);
            message.append(event, 0, encoder.rejected(Reason.SOLD_OUT, MessageTypes.QUERY_SALE));
        }
        client.router().onMessage(message.buffer(), 0, message.length());
        for (int i = 20; i < 40; i++)
        {
            assertEquals(new Reply.Rejected(Reason.SOLD_OUT), sent.get(i).getNow(null), "command " + i);
        }
        assertEquals(1, client.router().tornMessageCount());
        assertEquals(0, client.router().invalidCount());
        assertEquals(0, client.pendingCount());
    }

    @Test
    void aLateRefusalFailsOnlyItsOwnCommandAtOnce()
    {
        final Client client = new Client();
        final CompletableFuture<Reply> first = client.querySale("a");
        final CompletableFuture<Reply> second = client.querySale("b");
        client.pending().refuse(client.sent(0).correlationId(), FULL);
        assertSame(FULL, failureOf(first));
        assertFalse(second.isDone());
        client.pending().refuse(client.sent(0).correlationId(), FULL); // twice: ignored
        assertEquals(1, client.overloadedCount());
        assertEquals(1, client.pendingCount());
        assertEquals(0, client.pending().expire(System.nanoTime()), "a refused command leaves no deadline behind");
        assertEquals(1, client.pending().expire(System.nanoTime() + TIMEOUT.toNanos() + 1));
        assertInstanceOf(ResultUnknownException.class, failureOf(second));
    }

    private static Throwable failureOf(final CompletableFuture<Reply> future)
    {
        try
        {
            future.get();
        }
        catch (final ExecutionException ex)
        {
            return ex.getCause();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return fail("expected a failure");
    }

    /** Keeps a copy of each command it takes; refuses all while {@code refuse}. */
    private static final class Recorder implements CommandChannel
    {
        final List<byte[]> commands = new ArrayList<>();
        boolean refuse;

        @Override
        public OverloadedException offer(final long correlationId, final DirectBuffer buffer, final int offset,
            final int length)
        {
            if (refuse)
            {
                return FULL;
            }
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            commands.add(copy);
            return null;
        }
    }

    /** A client whose channel keeps each command; the test answers as the engine would. */
    private static final class Client extends CommandSender
    {
        final Recorder channel;
        final List<byte[]> commands;
        final UnsafeBuffer event = new UnsafeBuffer(new byte[WireFormat.MAX_EVENT_LENGTH]);

        Client()
        {
            this(new Recorder(), new PendingCommands(TIMEOUT));
        }

        private Client(final Recorder channel, final PendingCommands pending)
        {
            super(SOURCE, channel, pending, new ReplyRouter(SOURCE, pending, id -> false), new AtomicLong());
            this.channel = channel;
            this.commands = channel.commands;
        }

        CommandDecoder sent(final int index)
        {
            final byte[] bytes = commands.get(index);
            final CommandDecoder decoder = new CommandDecoder();
            decoder.wrapAndValidate(new UnsafeBuffer(bytes), 0, bytes.length);
            return decoder;
        }

        void reject(final int sourceId, final long correlationId, final Reason reason)
        {
            final EventEncoder encoder = new EventEncoder().wrap(event, 0);
            encoder.header(MessageTypes.REJECTED, sourceId, correlationId, 1, 1);
            router().onEvent(event, 0, encoder.rejected(reason, MessageTypes.QUERY_SALE));
        }

        void order(final short type, final int sourceId, final long correlationId, final long orderId)
        {
            final EventEncoder encoder = new EventEncoder().wrap(event, 0);
            encoder.header(type, sourceId, correlationId, 1, 1);
            final UnsafeBuffer ids = new UnsafeBuffer("flashalice".getBytes());
            router().onEvent(event, 0, encoder.order(orderId, 1, OrderStatus.RESERVED, 0, ids, 0, 5, ids, 5, 5));
        }

        @Override
        public boolean isEngineReachable()
        {
            return true;
        }

        @Override
        public void close()
        {
            pending().failAll();
        }
    }
}
