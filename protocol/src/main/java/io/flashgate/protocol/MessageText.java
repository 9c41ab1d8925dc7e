package io.flashgate.protocol;

import org.agrona.DirectBuffer;

import java.time.Instant;

/**
 * The human rendering of the binary encoding: one JSON object per command or event, for dumps,
 * logs and tools (not the hot path; it allocates). A message that does not decode is rendered with
 * its reason instead of throwing, so a dump of a damaged journal still reads to the end.
 */
public final class MessageText
{
    private MessageText()
    {
    }

    /** Renders a command or an event, telling them apart by type id. */
    public static String toJson(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < 2)
        {
            return "{\"error\":\"MALFORMED\",\"length\":" + length + "}";
        }
        final short type = buffer.getShort(offset);
        return MessageTypes.isCommand(type) ? commandToJson(buffer, offset, length) : eventToJson(buffer, offset, length);
    }

    public static String commandToJson(final DirectBuffer buffer, final int offset, final int length)
    {
        final CommandDecoder c = new CommandDecoder();
        final Reason invalid = c.wrapAndValidate(buffer, offset, length);
        if (invalid != null)
        {
            return invalid(buffer, offset, length, invalid);
        }
        final Json json = header(c.type(), c.sequence(), c.timestamp(), c.sourceId(), c.correlationId());
        switch (c.type())
        {
            case MessageTypes.CREATE_SALE -> json.str("saleId", c.saleId()).num("stock", c.stock())
                .num("limitPerUser", c.limitPerUser()).time("startsAt", c.startsAt()).time("endsAt", c.endsAt())
                .num("reservationTtlSeconds", c.reservationTtlSeconds());
            case MessageTypes.ADJUST_STOCK -> json.str("saleId", c.saleId()).num("delta", c.delta());
            case MessageTypes.PAUSE_SALE, MessageTypes.RESUME_SALE, MessageTypes.END_SALE, MessageTypes.QUERY_SALE ->
                json.str("saleId", c.saleId());
            case MessageTypes.PURCHASE -> json.str("saleId", c.saleId()).str("userId", c.userId())
                .str("idempotencyKey", c.idempotencyKey()).num("quantity", c.quantity());
            case MessageTypes.CANCEL_ORDER, MessageTypes.QUERY_ORDER -> json.num("orderId", c.orderId())
                .str("userId", c.userId());
            case MessageTypes.CONFIRM_ORDER -> json.num("orderId", c.orderId());
            case MessageTypes.NEW_EPOCH -> json.num("epoch", c.epoch());
            case MessageTypes.QUERY_SALE_AT -> json.num("index", c.saleIndex());
            case MessageTypes.CREATE_SALE_V2 -> json.str("saleId", c.saleId()).num("stock", c.stock())
                .num("limitPerUser", c.limitPerUser()).time("startsAt", c.startsAt()).time("endsAt", c.endsAt())
                .num("reservationTtlSeconds", c.reservationTtlSeconds()).num("mode", c.modeCode())
                .num("accountsPerAddress", c.accountsPerAddress())
                .str("seedHash", hex(c.buffer(), c.seedHashOffset(), CommandLayout.SEED_HASH_LENGTH));
            case MessageTypes.ENTER_DRAW -> json.str("saleId", c.saleId()).str("userId", c.userId())
                .num("quantity", c.entryQuantity())
                .str("address", hex(c.buffer(), c.addressOffset(), CommandLayout.ADDRESS_LENGTH));
            case MessageTypes.WITHDRAW_ENTRY, MessageTypes.QUERY_ENTRY -> json.str("saleId", c.saleId())
                .str("userId", c.userId());
            case MessageTypes.RUN_DRAW -> json.str("saleId", c.saleId()).str("seed", c.seed());
            case MessageTypes.QUERY_DRAW -> json.str("saleId", c.saleId());
            case MessageTypes.QUERY_DRAW_WINNERS -> json.str("saleId", c.saleId()).num("from", c.winnersFrom());
            default ->
            {
                // EXPIRE_RESERVATIONS, SNAPSHOT: the header says it all
            }
        }
        return json.end();
    }

    public static String eventToJson(final DirectBuffer buffer, final int offset, final int length)
    {
        final EventDecoder e = new EventDecoder();
        final Reason invalid = e.wrapAndValidate(buffer, offset, length);
        if (invalid != null)
        {
            return invalid(buffer, offset, length, invalid);
        }
        final Json json = header(e.type(), e.sequence(), e.timestamp(), e.sourceId(), e.correlationId());
        switch (e.type())
        {
            case MessageTypes.REJECTED -> json.str("reason", e.reason().name())
                .str("command", MessageTypes.name(e.rejectedCommandType()));
            case MessageTypes.ACK -> json.num("value", e.ackValue());
            case MessageTypes.ENGINE_STATUS -> json.str("role", e.engineRole().name()).num("epoch", e.epoch())
                .num("engineSequence", e.engineSequence()).num("durableSequence", e.durableSequence())
                .str("standby", e.standbyState().name()).num("standbyAckedSequence", e.standbyAckedSequence())
                .num("standbyLagRecords", e.standbyLagRecords());
            case MessageTypes.SALE_INFO, MessageTypes.SALE_STATUS_CHANGED -> json.str("saleId", e.saleId())
                .str("status", e.saleStatus().name()).num("stock", e.stock()).num("reserved", e.reserved())
                .num("confirmed", e.confirmed()).num("remaining", e.remaining()).num("buyers", e.buyers())
                .num("limitPerUser", e.limitPerUser()).time("startsAt", e.startsAt()).time("endsAt", e.endsAt())
                .num("reservationTtlSeconds", e.reservationTtlSeconds()).str("mode", e.saleMode().name())
                .num("entries", e.saleEntries());
            case MessageTypes.ENTRY_ACCEPTED, MessageTypes.ENTRY_REPLAYED, MessageTypes.ENTRY_WITHDRAWN,
                MessageTypes.ENTRY_INFO -> json.str("saleId", e.saleId()).str("userId", e.userId())
                .str("state", e.entryState().name()).num("quantity", e.entryQuantity())
                .num("position", e.entryPosition()).num("entries", e.entryEntries()).num("orderId", e.entryOrderId());
            case MessageTypes.DRAW_COMPLETED, MessageTypes.DRAW_INFO -> json.str("saleId", e.saleId())
                .str("seed", e.seed()).num("entries", e.drawEntries()).num("winnersAtDraw", e.drawWinnersAtDraw())
                .num("winners", e.drawWinners()).num("waiting", e.drawWaiting())
                .str("entriesHash", java.util.HexFormat.of().formatHex(e.drawEntriesHash()));
            case MessageTypes.DRAW_WINNERS -> json.num("from", e.winnersFrom()).num("total", e.winnersTotal())
                .num("count", e.winnersCount());
            default -> json.num("orderId", e.orderId()).str("saleId", e.saleId()).str("userId", e.userId())
                .num("quantity", e.quantity()).str("status", e.orderStatus().name()).time("expiresAt", e.expiresAt());
        }
        return json.end();
    }

    private static String hex(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static String invalid(final DirectBuffer buffer, final int offset, final int length, final Reason reason)
    {
        return "{\"type\":\"" + MessageTypes.name(buffer.getShort(offset)) + "\",\"error\":\"" + reason.name() +
            "\",\"length\":" + length + "}";
    }

    private static Json header(final short type, final long sequence, final long timestamp, final int source,
        final long correlation)
    {
        return new Json().str("type", MessageTypes.name(type)).num("sequence", sequence).time("time", timestamp)
            .num("source", source).num("correlation", correlation);
    }

    /** Ids are restricted to [A-Za-z0-9_.:-], so no string here ever needs escaping. */
    private static final class Json
    {
        private final StringBuilder out = new StringBuilder(160).append('{');

        Json str(final String name, final String value)
        {
            field(name).append('"').append(value).append('"');
            return this;
        }

        Json num(final String name, final long value)
        {
            field(name).append(value);
            return this;
        }

        Json time(final String name, final long epochMillis)
        {
            return str(name, Instant.ofEpochMilli(epochMillis).toString());
        }

        private StringBuilder field(final String name)
        {
            if (out.length() > 1)
            {
                out.append(',');
            }
            return out.append('"').append(name).append("\":");
        }

        String end()
        {
            return out.append('}').toString();
        }
    }
}
