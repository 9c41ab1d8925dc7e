package io.flashgate.edge.http;

import io.flashgate.client.SaleRequest;
import io.flashgate.protocol.ClientAddress;
import io.flashgate.protocol.SaleMode;
import io.flashgate.client.EngineGateway;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import io.javalin.http.Context;

/** The shopper routes of {@code docs/HTTP-API.md} ("Shopper routes"): the public sale status, purchases, orders. */
final class ShopperHandlers
{
    private final EngineGateway gateway;
    private final Admission admission;
    private final PurchasesInFlight purchasesInFlight;
    private final RefusalsAtEdge refusals;
    private final SaleStatusCache cache;
    private final EngineCalls engine;
    private final JsonResponses responses;
    private final EdgeMetrics metrics;
    private final SaleTraffic traffic;

    ShopperHandlers(final EngineGateway gateway, final Admission admission, final PurchasesInFlight purchasesInFlight,
        final RefusalsAtEdge refusals, final SaleStatusCache cache, final EngineCalls engine,
        final JsonResponses responses, final EdgeMetrics metrics, final SaleTraffic traffic)
    {
        this.traffic = traffic;
        this.gateway = gateway;
        this.admission = admission;
        this.purchasesInFlight = purchasesInFlight;
        this.refusals = refusals;
        this.cache = cache;
        this.engine = engine;
        this.responses = responses;
        this.metrics = metrics;
    }

    /** Public: no token is read (an invalid one is ignored too); the IP's blocklist and bucket still apply. */
    void getSale(final Context ctx)
    {
        final String saleId = RequestInput.saleId(ctx);
        admission.admitAnonymous(ctx);
        final Reply.Sale cached = cache.get(saleId);
        if (cached != null)
        {
            publicSale(ctx, cached);
            return;
        }
        engine.bounded(ctx, () -> gateway.querySale(saleId), (c, reply) ->
        {
            if (reply instanceof Reply.Sale sale)
            {
                final Reply.Sale latest = cache.get(saleId);
                publicSale(c, latest != null ? latest : sale);
            }
            else
            {
                throw ErrorAnswers.unexpectedOrRejected(reply);
            }
        }, null);
    }

    /** 200 with the sale at the edge's clock, or 304 when the client's copy (If-None-Match) is still right. */
    private void publicSale(final Context ctx, final Reply.Sale sale)
    {
        final PublicSale view = PublicSale.at(sale, System.currentTimeMillis());
        ctx.header("Cache-Control", "public, max-age=1");
        ctx.header("ETag", view.etag());
        if (view.matches(ctx.header("If-None-Match")))
        {
            ctx.status(304);
            return;
        }
        responses.json(ctx, 200, JsonViews.publicSale(view));
    }

    /**
     * Every answer to a purchase of a sale this edge knows is also told to {@link SaleTraffic} (the console's live
     * view): the synchronous refusals (401, 400, 403, 429, 503, 409 at the edge) as they are thrown, the engine's
     * answer or failure once it is in.
     */
    void purchase(final Context ctx)
    {
        final long start = System.nanoTime();
        try
        {
            purchase(ctx, start);
        }
        catch (final ApiError error)
        {
            traffic.record(ctx.pathParam("saleId"), error.code(), start);
            throw error;
        }
    }

    private void purchase(final Context ctx, final long start)
    {
        final Tokens.Principal principal = admission.shopper(ctx);
        final String userId = principal.userId();
        final String saleId = RequestInput.saleId(ctx);
        final String key = RequestInput.idempotencyKey(ctx);
        final long quantity = PurchaseBody.quantity(BodyLimit.body(ctx));
        final Reply.Sale known = cache.get(saleId);
        if (quantity < 1 || (known != null && quantity > known.limitPerUser()))
        {
            throw ApiError.badRequest("quantity must be between 1 and the sale's limit per user");
        }
        if (known != null && known.mode() == SaleMode.DRAW)
        {
            throw ErrorAnswers.rejected(Reason.DRAW_SALE);
        }
        admission.admit(ctx, principal);

        final String userKey = userId + ' ' + key;
        final Reason refusal = refusals.refusal(saleId, userId, userKey, System.currentTimeMillis());
        if (refusal != null)
        {
            metrics.purchase(refusal.name(), true);
            throw ErrorAnswers.rejected(refusal);
        }
        purchasesInFlight.acquire(userId);
        refusals.sent(userKey);
        // The client's address goes to the engine for a sale with a cap of accounts per address, and for one this edge
        // has not heard of yet (it may have one); the others' journal records stay 16 bytes shorter.
        final byte[] address = known == null || known.accountsPerAddress() > 0 ? ClientAddress.of(ctx.ip()) : null;
        engine.boundedResentOnSwitch(ctx, () -> address == null ? gateway.purchase(saleId, userId, key, quantity) :
            gateway.request(new SaleRequest.Purchase(saleId, userId, key, quantity, address)), (c, reply) ->
        {
            if (reply instanceof Reply.Order order)
            {
                final String outcome = order.isNew() ? "CREATED" : "REPLAYED";
                metrics.purchase(outcome, false);
                traffic.record(saleId, outcome, start);
                responses.json(c, order.isNew() ? 201 : 200, JsonViews.order(order));
            }
            else
            {
                if (reply instanceof Reply.Rejected r)
                {
                    metrics.purchase(r.reason().name(), false);
                }
                final ApiError error = ErrorAnswers.unexpectedOrRejected(reply);
                traffic.record(saleId, error.code(), start);
                throw error;
            }
        }, () -> purchasesInFlight.release(userId), error -> traffic.record(saleId, error.code(), start));
    }

    void getOrder(final Context ctx)
    {
        final Tokens.Principal principal = admission.shopper(ctx);
        final long orderId = RequestInput.orderId(ctx);
        admission.admit(ctx, principal);
        engine.bounded(ctx, () -> gateway.queryOrder(orderId, principal.userId()), this::orderReply, null);
    }

    void cancelOrder(final Context ctx)
    {
        final Tokens.Principal principal = admission.shopper(ctx);
        final long orderId = RequestInput.orderId(ctx);
        admission.admit(ctx, principal);
        engine.bounded(ctx, () -> gateway.cancel(orderId, principal.userId()), this::orderReply, null);
    }

    void orderReply(final Context ctx, final Reply reply)
    {
        if (reply instanceof Reply.Order order)
        {
            responses.json(ctx, 200, JsonViews.order(order));
            return;
        }
        throw ErrorAnswers.unexpectedOrRejected(reply);
    }
}
