package io.flashgate.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.flashgate.client.EngineGateway;
import io.flashgate.client.SaleRequest;
import io.flashgate.protocol.ClientAddress;
import io.flashgate.protocol.Ids;
import io.flashgate.protocol.Reply;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The routes of draw mode ({@code docs/HTTP-API.md}, "Draw mode"; the rules are docs/DRAW.md): a shopper's entry,
 * the operator's draw, and the draw's public record. The record's winners come from the engine in pages of hashed
 * ids; a drawn order never changes, so this edge keeps the pages it has and asks only for winners it lacks.
 */
final class DrawHandlers
{
    private static final System.Logger LOG = System.getLogger("flashgate.edge");
    /** The algorithm of version 1 (engine's {@code DrawAlgorithm}); named here, the engine only tells the version. */
    private static final String ALGORITHM = "sha256-counter-fisher-yates";

    private final EngineGateway gateway;
    private final Admission admission;
    private final SaleStatusCache cache;
    private final EngineCalls engine;
    private final JsonResponses responses;
    /** saleId → winners' hashed ids (hex) in draw order, as far as this edge has read them. */
    private final Map<String, List<String>> winners = new ConcurrentHashMap<>();

    DrawHandlers(final EngineGateway gateway, final Admission admission, final SaleStatusCache cache,
        final EngineCalls engine, final JsonResponses responses)
    {
        this.gateway = gateway;
        this.admission = admission;
        this.cache = cache;
        this.engine = engine;
        this.responses = responses;
    }

    /** {@code POST /api/sales/{saleId}/entries}: 201 a new entry, 200 the user's entry already in. */
    void enter(final Context ctx)
    {
        final Tokens.Principal principal = admission.shopper(ctx);
        final String saleId = RequestInput.saleId(ctx);
        RequestInput.idempotencyKey(ctx);
        final long quantity = PurchaseBody.quantity(BodyLimit.body(ctx));
        final Reply.Sale known = cache.get(saleId);
        if (quantity < 1 || (known != null && quantity > known.limitPerUser()))
        {
            throw ApiError.badRequest("quantity must be between 1 and the sale's limit per user");
        }
        admission.admit(ctx, principal);
        final byte[] address = ClientAddress.of(ctx.ip());
        engine.bounded(ctx, () -> gateway.request(new SaleRequest.Enter(saleId, principal.userId(), quantity, address)),
            (c, reply) -> entryReply(c, reply, reply instanceof Reply.Entry e && e.isNew() ? 201 : 200), null);
    }

    /** {@code GET /api/sales/{saleId}/entries/me}. */
    void myEntry(final Context ctx)
    {
        final Tokens.Principal principal = admission.shopper(ctx);
        final String saleId = RequestInput.saleId(ctx);
        admission.admit(ctx, principal);
        engine.bounded(ctx, () -> gateway.request(new SaleRequest.QueryEntry(saleId, principal.userId())),
            (c, reply) -> entryReply(c, reply, 200), null);
    }

    /** {@code DELETE /api/sales/{saleId}/entries/me}: withdraws while the window is open. */
    void withdraw(final Context ctx)
    {
        final Tokens.Principal principal = admission.shopper(ctx);
        final String saleId = RequestInput.saleId(ctx);
        admission.admit(ctx, principal);
        engine.bounded(ctx, () -> gateway.request(new SaleRequest.Withdraw(saleId, principal.userId())),
            (c, reply) -> entryReply(c, reply, 200), null);
    }

    /** {@code POST /admin/sales/{saleId}/draw} {@code {"seed": "..."}}: 201 the draw, 200 when it was drawn before. */
    void draw(final Context ctx)
    {
        final String by = admission.operator(ctx).userId();
        final String saleId = RequestInput.saleId(ctx);
        final JsonNode body = RequestInput.jsonObject(ctx);
        final JsonNode seedNode = body.get("seed");
        if (seedNode == null || !seedNode.isTextual() || !Ids.isValid(seedNode.textValue()))
        {
            throw ApiError.badRequest("seed must be 1-64 characters of [A-Za-z0-9_.:-]");
        }
        final String seed = seedNode.textValue();
        engine.unbounded(ctx, () -> gateway.request(new SaleRequest.RunDraw(saleId, seed)), (c, reply) ->
        {
            if (!(reply instanceof Reply.Draw d))
            {
                throw ErrorAnswers.unexpectedOrRejected(reply);
            }
            if (d.isNew())
            {
                LOG.log(System.Logger.Level.INFO, "sale.drawn sale=" + saleId + " entries=" + d.entries() +
                    " winners=" + d.winnersAtDraw() + " waiting=" + d.waiting() + " by=" + by);
            }
            responses.json(c, d.isNew() ? 201 : 200, drawView(d, null));
        });
    }

    /**
     * {@code GET /api/sales/{saleId}/draw}, public: the draw's record with every winner so far. The record, then
     * the winners this edge lacks, page after page, each a round trip to the engine (rare: a record is read by a few,
     * and its winners only grow).
     */
    void publicDraw(final Context ctx)
    {
        final String saleId = RequestInput.saleId(ctx);
        admission.admitAnonymous(ctx);
        engine.bounded(ctx, () -> gateway.request(new SaleRequest.QueryDraw(saleId))
            .thenCompose(reply -> reply instanceof Reply.Draw d ? readWinners(saleId, d).thenApply(w -> reply) :
                CompletableFuture.completedFuture(reply)), (c, reply) ->
        {
            if (!(reply instanceof Reply.Draw d))
            {
                throw ErrorAnswers.unexpectedOrRejected(reply);
            }
            final List<String> known = winners.getOrDefault(saleId, List.of());
            responses.json(c, 200, drawView(d, known.subList(0, Math.min(known.size(), d.winners()))));
        }, null);
    }

    private CompletableFuture<List<String>> readWinners(final String saleId, final Reply.Draw draw)
    {
        final List<String> known = winners.computeIfAbsent(saleId, k -> java.util.Collections.synchronizedList(
            new ArrayList<>()));
        if (known.size() >= draw.winners())
        {
            return CompletableFuture.completedFuture(known);
        }
        return gateway.request(new SaleRequest.QueryWinners(saleId, known.size())).thenCompose(reply ->
        {
            if (!(reply instanceof Reply.DrawWinners page) || page.hashes().isEmpty())
            {
                return CompletableFuture.completedFuture(known);
            }
            synchronized (known)
            {
                // Another request may have read the same page meanwhile: keep each winner once, in order.
                for (int i = 0; i < page.hashes().size(); i++)
                {
                    if (page.from() + i == known.size())
                    {
                        known.add(HexFormat.of().formatHex(page.hashes().get(i)));
                    }
                }
            }
            return readWinners(saleId, draw);
        });
    }

    private void entryReply(final Context ctx, final Reply reply, final int status)
    {
        if (reply instanceof Reply.Entry entry)
        {
            responses.json(ctx, status, entryView(entry));
            return;
        }
        throw ErrorAnswers.unexpectedOrRejected(reply);
    }

    static Map<String, Object> entryView(final Reply.Entry entry)
    {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("saleId", entry.saleId());
        out.put("userId", entry.userId());
        out.put("status", entry.state().name());
        out.put("quantity", entry.quantity());
        out.put("entries", entry.entries());
        if (entry.position() > 0)
        {
            out.put("position", entry.position());
        }
        if (entry.orderId() > 0)
        {
            final Map<String, Object> order = new LinkedHashMap<>();
            order.put("orderId", Long.toString(entry.orderId()));
            order.put("saleId", entry.saleId());
            order.put("userId", entry.userId());
            order.put("quantity", entry.orderQuantity());
            order.put("status", entry.orderStatus().name());
            order.put("expiresAt", Instant.ofEpochMilli(entry.orderExpiresAt()).toString());
            out.put("order", order);
        }
        return out;
    }

    /** The public record; {@code winnerHashes} null: the counts only (the operator's answer to the draw). */
    static Map<String, Object> drawView(final Reply.Draw draw, final List<String> winnerHashes)
    {
        final HexFormat hex = HexFormat.of();
        final Map<String, Object> algorithm = new LinkedHashMap<>();
        algorithm.put("name", ALGORITHM);
        algorithm.put("version", draw.algorithmVersion());
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("saleId", draw.saleId());
        out.put("algorithm", algorithm);
        out.put("seed", draw.seed());
        out.put("seedHash", hex.formatHex(draw.seedHash()));
        out.put("entries", draw.entries());
        out.put("entriesHash", hex.formatHex(draw.entriesHash()));
        out.put("winnersAtDraw", draw.winnersAtDraw());
        out.put("winnersCount", draw.winners());
        out.put("waiting", draw.waiting());
        out.put("waitingListClosed", draw.waitingClosed());
        if (winnerHashes != null)
        {
            out.put("winners", winnerHashes);
        }
        return out;
    }
}
