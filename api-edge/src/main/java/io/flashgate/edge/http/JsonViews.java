package io.flashgate.edge.http;

import io.flashgate.protocol.SaleMode;
import io.flashgate.client.FollowedEngine;
import io.flashgate.protocol.Reply;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of {@code docs/HTTP-API.md} built from the engine's replies; field order as documented. The
 * shoppers' answers (order, public sale) are written by hand; the operators' views are maps Jackson writes.
 */
final class JsonViews
{
    private JsonViews()
    {
    }

    /** The shoppers' hottest answer, written by hand ({@link JsonWriter}): no map, no tree per purchase. */
    static JsonWriter order(final Reply.Order order)
    {
        return JsonWriter.object()
            .string("orderId", Long.toString(order.orderId()))
            .string("saleId", order.saleId())
            .string("userId", order.userId())
            .number("quantity", order.quantity())
            .string("status", order.status() == null ? null : order.status().name())
            .string("expiresAt", iso(order.expiresAt()))
            .end();
    }

    /** What anyone may see of a sale, as the edge's clock {@code nowMs} tells it ("Shopper routes"). */
    static JsonWriter publicSale(final PublicSale sale)
    {
        final JsonWriter json = JsonWriter.object()
            .string("saleId", sale.saleId())
            .string("status", sale.status().name())
            .number("remaining", sale.remaining())
            .number("limitPerUser", sale.limitPerUser())
            .string("startsAt", iso(sale.startsAt()))
            .string("endsAt", iso(sale.endsAt()))
            .string("serverTime", iso(sale.serverTime()))
            .string("mode", sale.mode().name());
        if (sale.mode() == SaleMode.DRAW)
        {
            json.number("entries", sale.entries()).bool("drawn", sale.drawn());
        }
        return json.end();
    }

    static Map<String, Object> adminSale(final Reply.Sale sale)
    {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("saleId", sale.saleId());
        out.put("status", sale.status() == null ? null : sale.status().name());
        out.put("stock", sale.stock());
        out.put("reserved", sale.reserved());
        out.put("confirmed", sale.confirmed());
        out.put("remaining", Math.max(0, sale.remaining()));
        out.put("buyers", sale.buyers());
        out.put("limitPerUser", sale.limitPerUser());
        out.put("startsAt", iso(sale.startsAt()));
        out.put("endsAt", iso(sale.endsAt()));
        out.put("reservationTtlSeconds", sale.reservationTtlSeconds());
        out.put("mode", sale.mode() == null ? null : sale.mode().name());
        out.put("accountsPerAddress", sale.accountsPerAddress());
        if (sale.mode() == SaleMode.DRAW)
        {
            out.put("entries", sale.entries());
            out.put("drawn", sale.drawn());
        }
        return out;
    }

    /** "Operator routes", {@code GET /admin/sales}: every sale as {@link #adminSale}, in the engine's creation order. */
    static Map<String, Object> saleList(final List<Reply.Sale> sales)
    {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("sales", sales.stream().map(JsonViews::adminSale).toList());
        return out;
    }

    /**
     * "Operator routes", {@code GET /admin/engine}: role, epoch, sequences and the standby as the engine sees it; then,
     * for an edge that follows a set of engines, each of them as the edge last heard it.
     */
    static Map<String, Object> engineStatus(final Reply.EngineStatus status, final List<FollowedEngine> engines)
    {
        final Map<String, Object> standby = new LinkedHashMap<>();
        standby.put("state", status.standby().state().name());
        standby.put("ackedSequence", status.standby().ackedSequence());
        standby.put("lagRecords", status.standby().lagRecords());
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", status.role().name());
        out.put("epoch", status.epoch());
        out.put("sequence", status.sequence());
        out.put("durableSequence", status.durableSequence());
        out.put("standby", standby);
        if (status.sink().reports())
        {
            final Map<String, Object> sink = new LinkedHashMap<>();
            sink.put("committedSequence", status.sink().committedSequence());
            sink.put("lagRecords", status.sink().lagRecords());
            out.put("sink", sink);
        }
        if (!engines.isEmpty())
        {
            out.put("engines", engines.stream().map(JsonViews::followedEngine).toList());
        }
        return out;
    }

    private static Map<String, Object> followedEngine(final FollowedEngine engine)
    {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("endpoint", engine.endpoint());
        out.put("role", engine.role() == null ? null : engine.role().name());
        out.put("epoch", engine.epoch());
        out.put("reachable", engine.reachable());
        out.put("followed", engine.followed());
        return out;
    }

    static Map<String, Object> blocklistSizes(final int users, final int ips)
    {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", users);
        out.put("ips", ips);
        return out;
    }

    static String iso(final long epochMillis)
    {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
