package io.flashgate.edge.http;

import io.flashgate.protocol.SaleMode;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.SaleStatus;

/**
 * A sale as the public status route shows it at one moment of the edge's clock, and its validator.
 *
 * <p>The ETag is weak ({@code W/"..."}): two answers with the same figures differ in {@code serverTime}, so they
 * are equivalent, not byte-identical. It spells out every figure the body shows except {@code serverTime}, so it
 * changes exactly when what a page would draw changes (including a SCHEDULED sale opening on the clock).
 */
record PublicSale(String saleId, SaleStatus status, int remaining, int limitPerUser, long startsAt, long endsAt,
    long serverTime, SaleMode mode, int entries, boolean drawn)
{
    static PublicSale at(final Reply.Sale sale, final long nowMs)
    {
        return new PublicSale(sale.saleId(), SaleStatusCache.statusAt(sale, nowMs), Math.max(0, sale.remaining()),
            sale.limitPerUser(), sale.startsAt(), sale.endsAt(), nowMs,
            sale.mode() == null ? SaleMode.FIRST_COME : sale.mode(), sale.entries(), sale.drawn());
    }

    String etag()
    {
        final String figures = status.name() + '-' + remaining + '-' + limitPerUser + '-' +
            Long.toString(startsAt, 36) + '-' + Long.toString(endsAt, 36);
        return "W/\"" + (mode == SaleMode.DRAW ? figures + "-d" + entries + (drawn ? "-drawn" : "") : figures) + '"';
    }

    /**
     * True when {@code ifNoneMatch} (the request header, may be null) names this ETag or is {@code *}. If-None-Match
     * compares weakly (RFC 9110, 13.1.2): {@code W/"x"} and {@code "x"} match each other.
     */
    boolean matches(final String ifNoneMatch)
    {
        if (ifNoneMatch == null || ifNoneMatch.isBlank())
        {
            return false;
        }
        final String opaque = etag().substring(2);
        for (final String candidate : ifNoneMatch.split(","))
        {
            final String tag = candidate.trim();
            if (tag.equals("*") || tag.equals(opaque) || (tag.startsWith("W/") && tag.substring(2).equals(opaque)))
            {
                return true;
            }
        }
        return false;
    }
}
