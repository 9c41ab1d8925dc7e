package io.flashgate.edge.http;

import io.flashgate.client.SaleRequest;
import com.fasterxml.jackson.databind.JsonNode;
import io.flashgate.client.EngineGateway;
import io.flashgate.protocol.Reply;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The operator routes of {@code docs/HTTP-API.md} ("Operator routes"), all behind an admin token. Operators are
 * never held back by the shoppers' in-flight bound or token buckets.
 */
final class AdminHandlers
{
    private static final System.Logger LOG = System.getLogger("flashgate.edge");

    private final EngineGateway gateway;
    private final Admission admission;
    private final EngineCalls engine;
    private final JsonResponses responses;
    private final ShopperHandlers orders;
    private final SaleStatusCache cache;
    private final SaleTraffic traffic;
    /** The setting {@code protections.accountsPerAddress}: the cap of a new sale that names none. */
    private final int accountsPerAddress;

    AdminHandlers(final EngineGateway gateway, final Admission admission, final EngineCalls engine,
        final JsonResponses responses, final ShopperHandlers orders, final SaleStatusCache cache,
        final SaleTraffic traffic, final int accountsPerAddress)
    {
        this.accountsPerAddress = accountsPerAddress;
        this.cache = cache;
        this.traffic = traffic;
        this.gateway = gateway;
        this.admission = admission;
        this.engine = engine;
        this.responses = responses;
        this.orders = orders;
    }

    void createSale(final Context ctx)
    {
        final String by = admission.operator(ctx).userId();
        final JsonNode body = RequestInput.jsonObject(ctx);
        final String saleId = RequestInput.idField(body, "saleId");
        final int stock = RequestInput.intField(body, "stock", 0);
        final int limitPerUser = RequestInput.intField(body, "limitPerUser", 1);
        final long startsAt = RequestInput.instantField(body, "startsAt");
        final long endsAt = RequestInput.instantField(body, "endsAt");
        final int ttl = RequestInput.intField(body, "reservationTtlSeconds", 1);
        if (endsAt <= startsAt)
        {
            throw ApiError.badRequest("endsAt must be after startsAt");
        }
        final SaleModeFields mode = SaleModeFields.of(body, accountsPerAddress);
        engine.unbounded(ctx, () -> mode.isPlain() ?
            gateway.createSale(saleId, stock, limitPerUser, startsAt, endsAt, ttl) :
            gateway.request(new SaleRequest.CreateSale(saleId, stock, limitPerUser, startsAt, endsAt, ttl, mode.mode(),
                mode.accountsPerAddress(), mode.seedHash())),
            (c, reply) ->
            {
                saleReply(c, reply, 201);
                LOG.log(System.Logger.Level.INFO, "sale.created sale=" + saleId + " stock=" + stock + " limitPerUser=" +
                    limitPerUser + " startsAt=" + Instant.ofEpochMilli(startsAt) + " endsAt=" +
                    Instant.ofEpochMilli(endsAt) + " mode=" + mode.mode() + " accountsPerAddress=" +
                    mode.accountsPerAddress() + " by=" + by);
            });
    }

    /** {@code GET /admin/sales}: every sale the engine holds, in creation order ({@link SaleListing}). */
    void listSales(final Context ctx)
    {
        admission.operator(ctx);
        final SaleListing listing = new SaleListing(gateway);
        engine.unbounded(ctx, listing::fetch, (c, last) ->
        {
            if (!SaleListing.isComplete(last))
            {
                throw ErrorAnswers.unexpectedOrRejected(last);
            }
            responses.json(c, 200, JsonViews.saleList(listing.sales()));
        });
    }

    void adjustStock(final Context ctx)
    {
        admission.operator(ctx);
        final String saleId = RequestInput.saleId(ctx);
        final long delta = RequestInput.longField(RequestInput.jsonObject(ctx), "delta");
        engine.unbounded(ctx, () -> gateway.adjustStock(saleId, delta), (c, reply) -> saleReply(c, reply, 200));
    }

    /** pause, resume, end and stats: a sale id in the path, the sale in the answer. */
    void saleCommand(final Context ctx, final Function<String, CompletableFuture<Reply>> command)
    {
        admission.operator(ctx);
        final String saleId = RequestInput.saleId(ctx);
        engine.unbounded(ctx, () -> command.apply(saleId), (c, reply) -> saleReply(c, reply, 200));
    }

    void confirmOrder(final Context ctx)
    {
        admission.operator(ctx);
        final long orderId = RequestInput.orderId(ctx);
        engine.unbounded(ctx, () -> gateway.confirm(orderId), orders::orderReply);
    }

    void blocklist(final Context ctx)
    {
        admission.operator(ctx);
        final JsonNode body = RequestInput.jsonObject(ctx);
        if (body.get("users") == null && body.get("ips") == null)
        {
            throw ApiError.badRequest("give users and/or ips");
        }
        final List<String> users = RequestInput.idArray(body, "users");
        final List<String> ips = RequestInput.ipArray(body, "ips");
        admission.block(users, ips);
        responses.json(ctx, 200, JsonViews.blocklistSizes(admission.blockedUsers(), admission.blockedIps()));
    }

    /**
     * {@code GET /admin/sales/{saleId}/traffic}: this edge's answers to the sale's purchases ({@link SaleTraffic}).
     * A sale the edge has not heard of yet is asked of the engine first, so an unknown one is 404 UNKNOWN_SALE.
     */
    void traffic(final Context ctx)
    {
        admission.operator(ctx);
        final String saleId = RequestInput.saleId(ctx);
        if (cache.get(saleId) != null)
        {
            responses.json(ctx, 200, traffic.view(saleId, System.currentTimeMillis()));
            return;
        }
        engine.unbounded(ctx, () -> gateway.querySale(saleId), (c, reply) ->
        {
            if (reply instanceof Reply.Sale)
            {
                responses.json(c, 200, traffic.view(saleId, System.currentTimeMillis()));
                return;
            }
            throw ErrorAnswers.unexpectedOrRejected(reply);
        });
    }

    /**
     * {@code GET /admin/engine}: the engine this edge talks to (the one it follows, among several), as it answers
     * right now, and every engine it knows when it follows a set.
     */
    void engineStatus(final Context ctx)
    {
        admission.operator(ctx);
        engine.unbounded(ctx, gateway::queryEngine, (c, reply) ->
        {
            if (reply instanceof Reply.EngineStatus status)
            {
                responses.json(c, 200, JsonViews.engineStatus(status, gateway.engines()));
                return;
            }
            throw ErrorAnswers.unexpectedOrRejected(reply);
        });
    }

    private void saleReply(final Context ctx, final Reply reply, final int status)
    {
        if (reply instanceof Reply.Sale sale)
        {
            responses.json(ctx, status, JsonViews.adminSale(sale));
            return;
        }
        throw ErrorAnswers.unexpectedOrRejected(reply);
    }
}
