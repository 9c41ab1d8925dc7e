package io.flashgate.edge.http;

import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.SaleStatus;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The edge's view of each sale, fed by the engine's broadcasts and by every {@link Reply.Sale} the
 * edge sees. Time-driven changes (a sale opening at {@code startsAt}, ending at {@code endsAt}) are
 * derived here from the wall clock, as the engine derives them from the time in its commands, so a
 * cached SCHEDULED sale opens on time without a broadcast.
 */
final class SaleStatusCache
{
    private static final System.Logger LOG = System.getLogger("flashgate.edge");

    private final ConcurrentHashMap<String, Reply.Sale> sales = new ConcurrentHashMap<>();

    /**
     * Called on the gateway's thread, in the order the engine emitted: the newest view wins. A change of the
     * engine's status of a sale this edge already knew is one log line (docs/ARCHITECTURE.md, "Logs").
     */
    void update(final Reply.Sale sale)
    {
        final Reply.Sale before = sales.put(sale.saleId(), sale);
        if (before != null && before.status() != sale.status())
        {
            LOG.log(System.Logger.Level.INFO, lifeEvent(before.status(), sale.status()) + " sale=" + sale.saleId() +
                " from=" + before.status() + " to=" + sale.status() + " stock=" + sale.stock() + " remaining=" +
                sale.remaining() + " buyers=" + sale.buyers());
        }
    }

    /** The event name of a status change: sale.opened, sale.sold_out, sale.paused, sale.resumed, sale.ended. */
    static String lifeEvent(final SaleStatus before, final SaleStatus after)
    {
        return switch (after)
        {
            case OPEN -> before == SaleStatus.PAUSED ? "sale.resumed" : before == SaleStatus.SOLD_OUT ?
                "sale.restocked" : "sale.opened";
            case SOLD_OUT -> "sale.sold_out";
            case PAUSED -> "sale.paused";
            case ENDED -> "sale.ended";
            case SCHEDULED -> "sale.scheduled";
        };
    }

    /**
     * The edge now follows another engine (a failover): what the old one said belongs to its history, so every sale
     * is asked of the new one again (a miss goes to the engine) before the cache answers on its own.
     */
    void clear()
    {
        sales.clear();
    }

    Reply.Sale get(final String saleId)
    {
        return sales.get(saleId);
    }

    /** The status at {@code nowMs}, with start and end applied from the clock. */
    static SaleStatus statusAt(final Reply.Sale sale, final long nowMs)
    {
        final SaleStatus cached = sale.status();
        if (cached == SaleStatus.ENDED || nowMs >= sale.endsAt())
        {
            return SaleStatus.ENDED;
        }
        if (nowMs < sale.startsAt())
        {
            return SaleStatus.SCHEDULED;
        }
        if (cached == SaleStatus.SCHEDULED)
        {
            return sale.remaining() <= 0 ? SaleStatus.SOLD_OUT : SaleStatus.OPEN;
        }
        return cached;
    }

    /** @return the refusal the engine would give for a purchase now, or null when only the engine can tell. */
    Reason refusal(final String saleId, final long nowMs)
    {
        final Reply.Sale sale = sales.get(saleId);
        if (sale == null)
        {
            return null;
        }
        return switch (statusAt(sale, nowMs))
        {
            case ENDED -> Reason.SALE_ENDED;
            case SCHEDULED -> Reason.NOT_STARTED;
            case PAUSED -> Reason.SALE_PAUSED;
            case SOLD_OUT -> Reason.SOLD_OUT;
            case OPEN -> null;
        };
    }
}
