package io.flashgate.protocol;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
    private final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
    private final CommandDecoder decoder = new CommandDecoder();

    /** Every command type, encoded by the real encoder. */
    private final List<ToIntFunction<CommandEncoder>> everyCommand = List.of(
        e -> e.createSale(3, 11, "sale-1", 100, 2, 1_000, 2_000, 30),
        e -> e.adjustStock(3, 11, "sale-1", -5),
        e -> e.saleCommand(MessageTypes.PAUSE_SALE, 3, 11, "sale-1"),
        e -> e.saleCommand(MessageTypes.RESUME_SALE, 3, 11, "sale-1"),
        e -> e.saleCommand(MessageTypes.END_SALE, 3, 11, "sale-1"),
        e -> e.saleCommand(MessageTypes.QUERY_SALE, 3, 11, "sale-1"),
        e -> e.purchase(3, 11, "sale-1", "user.a:b_c-d", "key-1", 2),
        e -> e.cancelOrder(3, 11, 42, "user-1"),
        e -> e.confirmOrder(3, 11, 42),
        e -> e.queryOrder(3, 11, 42, ""),
        e -> e.control(MessageTypes.EXPIRE_RESERVATIONS, 3, 11),
        e -> e.control(MessageTypes.SNAPSHOT, 3, 11),
        e -> e.control(MessageTypes.QUERY_ENGINE, 3, 11),
        e -> e.querySaleAt(3, 11, 7));

    @Test
    void purchaseRoundTripsEveryField()
    {
        final int length = encoder.purchase(7, 99, "flash", "alice", "idem-1", 3);
        CommandEncoder.stamp(buffer, 0, 123, 456);
        assertNull(decoder.wrapAndValidate(buffer, 0, length));
        assertEquals(MessageTypes.PURCHASE, decoder.type());
        assertEquals(7, decoder.sourceId());
        assertEquals(99, decoder.correlationId());
        assertEquals(123, decoder.sequence());
        assertEquals(456, decoder.timestamp());
        assertEquals("flash", decoder.saleId());
        assertEquals("alice", decoder.userId());
        assertEquals("idem-1", decoder.idempotencyKey());
        assertEquals(3, decoder.quantity());
    }

    @Test
    void everyCommandDecodesWholeAndIsRejectedAtEveryShorterLength()
    {
        for (final ToIntFunction<CommandEncoder> command : everyCommand)
        {
            final int length = command.applyAsInt(encoder.wrap(buffer, 0));
            assertNull(decoder.wrapAndValidate(buffer, 0, length), MessageTypes.name(decoder.type()));
            for (int cut = 0; cut < length; cut++)
            {
                assertNotNull(decoder.wrapAndValidate(buffer, 0, cut), "truncated to " + cut + " accepted");
            }
            assertEquals(Reason.MALFORMED, decoder.wrapAndValidate(buffer, 0, length + 1), "trailing byte accepted");
            assertTrue(MessageText.toJson(buffer, 0, length).startsWith("{\"type\":\""));
        }
    }

    @Test
    void badIdsUnknownTypesAndVersionsAreNamed()
    {
        int length = encoder.purchase(1, 1, "flash", "bad id", "k", 1);
        assertEquals(Reason.MALFORMED, decoder.wrapAndValidate(buffer, 0, length));
        length = encoder.purchase(1, 1, "flash", "x".repeat(65), "k", 1);
        assertEquals(Reason.MALFORMED, decoder.wrapAndValidate(buffer, 0, length));
        length = encoder.purchase(1, 1, "", "alice", "k", 1);
        assertEquals(Reason.MALFORMED, decoder.wrapAndValidate(buffer, 0, length));
        length = encoder.cancelOrder(1, 1, 5, "");
        assertEquals(Reason.MALFORMED, decoder.wrapAndValidate(buffer, 0, length), "cancel needs an owner");
        length = encoder.purchase(1, 1, "flash", "alice", "k", 1);
        buffer.putShort(0, (short)77);
        assertEquals(Reason.UNKNOWN_TYPE, decoder.wrapAndValidate(buffer, 0, length));
        encoder.purchase(1, 1, "flash", "alice", "k", 1);
        buffer.putShort(2, (short)2);
        assertEquals(Reason.UNSUPPORTED_VERSION, decoder.wrapAndValidate(buffer, 0, length));
    }

    @Test
    void randomBytesNeverThrow()
    {
        final Random random = new Random(1);
        final byte[] bytes = new byte[300];
        final EventDecoder events = new EventDecoder();
        for (int i = 0; i < 100_000; i++)
        {
            random.nextBytes(bytes);
            // make many of them look like real types so validation goes deep
            bytes[0] = (byte)(random.nextBoolean() ? random.nextInt(14) : 100 + random.nextInt(12));
            bytes[1] = 0;
            bytes[2] = 1;
            bytes[3] = 0;
            final UnsafeBuffer b = new UnsafeBuffer(bytes);
            final int length = random.nextInt(bytes.length);
            decoder.wrapAndValidate(b, 0, length);
            events.wrapAndValidate(b, 0, length);
            MessageText.toJson(b, 0, length);
        }
    }

    @Test
    void eventsRoundTripAndRenderAsJson()
    {
        final UnsafeBuffer ids = new UnsafeBuffer("flashalice".getBytes());
        final EventEncoder events = new EventEncoder().wrap(buffer, 0);
        final int length = events.header(MessageTypes.ORDER_ACCEPTED, 2, 8, 9, 1_800_000_000_000L)
            .order(5, 2, OrderStatus.RESERVED, 1_800_000_030_000L, ids, 0, 5, ids, 5, 5);
        final EventDecoder decoder = new EventDecoder();
        assertNull(decoder.wrapAndValidate(buffer, 0, length));
        assertEquals(5, decoder.orderId());
        assertEquals("flash", decoder.saleId());
        assertEquals("alice", decoder.userId());
        assertEquals(OrderStatus.RESERVED, decoder.orderStatus());
        assertEquals("{\"type\":\"ORDER_ACCEPTED\",\"sequence\":9,\"time\":\"2027-01-15T08:00:00Z\",\"source\":2," +
            "\"correlation\":8,\"orderId\":5,\"saleId\":\"flash\",\"userId\":\"alice\",\"quantity\":2," +
            "\"status\":\"RESERVED\",\"expiresAt\":\"2027-01-15T08:00:30Z\"}", MessageText.toJson(buffer, 0, length));
        for (int cut = 0; cut < length; cut++)
        {
            assertNotNull(decoder.wrapAndValidate(buffer, 0, cut));
        }
    }

    @Test
    void aCommandOverTheMaximumLengthIsRejectedTooLongAndTheLongestValidOneFits()
    {
        final String id = "x".repeat(Ids.MAX_LENGTH);
        final int longest = encoder.purchase(3, 11, id, id, id, 1, new byte[ClientAddress.LENGTH]);
        assertEquals(WireFormat.LONGEST_VALID_COMMAND, longest);
        assertTrue(longest <= WireFormat.MAX_COMMAND_LENGTH);
        assertNull(decoder.wrapAndValidate(buffer, 0, longest));
        assertEquals(Reason.TOO_LONG, decoder.wrapAndValidate(buffer, 0, WireFormat.MAX_COMMAND_LENGTH + 1));

        // Ids over the limit are written one character too long: rejected, never cut to a valid id, and the
        // command still fits a buffer of the maximum length.
        final String tooLong = "y".repeat(255);
        final UnsafeBuffer exact = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
        final int length = new CommandEncoder().wrap(exact, 0).purchase(3, 11, tooLong, tooLong, tooLong, 1);
        assertEquals(Reason.MALFORMED, decoder.wrapAndValidate(exact, 0, length));
    }

    @Test
    void engineStatusRoundTrips()
    {
        final EventEncoder events = new EventEncoder().wrap(buffer, 0);
        final int length = events.header(MessageTypes.ENGINE_STATUS, 2, 8, 9, 1_800_000_000_000L)
            .engineStatus(EngineRole.SOLO, 0, 9, 9, StandbyState.ABSENT, 0, 0);
        assertTrue(EventEncoder.stampEngineFigures(buffer, 0, length, 12, 10));
        final EventDecoder decoder = new EventDecoder();
        assertNull(decoder.wrapAndValidate(buffer, 0, length));
        assertEquals(new Reply.EngineStatus(EngineRole.SOLO, 0, 12, 10, new Reply.Standby(StandbyState.ABSENT, 0, 0), new Reply.Sink(0, 0)),
            Reply.decode(decoder));
        assertEquals(9, decoder.sequence(), "the header keeps the query's own sequence");
        assertTrue(MessageText.toJson(buffer, 0, length).contains("\"role\":\"SOLO\""));
        buffer.putByte(WireFormat.HEADER_LENGTH, (byte)99); // the role, first byte of the body
        assertEquals(Reason.MALFORMED, decoder.wrapAndValidate(buffer, 0, length), "unknown role");
    }
}
