package io.flashgate.engine.logic;

import io.flashgate.protocol.OrderStatus;
import io.flashgate.protocol.SaleStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sale rules of docs/HTTP-API.md written the obvious way (maps, objects, linear scans), as an oracle
 * for the engine's garbage-free implementation. It shares no code with BusinessLogic.
 */
final class ReferenceModel
{
    static final class SaleM
    {
        final String id;
        int stock;
        int limit;
        long startsAt;
        long endsAt;
        int ttlSeconds;
        boolean paused;
        boolean ended;
        SaleStatus announcedStatus;
        int announcedRemaining = -1;

        SaleM(final String id)
        {
            this.id = id;
        }
    }

    static final class OrderM
    {
        long id;
        String sale;
        String user;
        String key;
        int qty;
        OrderStatus status;
        long expiresAt;
    }

    final Map<String, SaleM> sales = new LinkedHashMap<>();
    final List<OrderM> orders = new ArrayList<>();
    long now = Long.MIN_VALUE;
    private List<String> out;

    List<String> apply(final Cmd cmd)
    {
        out = new ArrayList<>();
        now = Math.max(now, cmd.time());
        if (cmd instanceof Cmd.CreateSale c)
        {
            create(c);
        }
        else if (cmd instanceof Cmd.Adjust c)
        {
            withSale(c.sale(), s -> adjust(s, c.delta()));
        }
        else if (cmd instanceof Cmd.Pause c)
        {
            withSale(c.sale(), s -> { s.paused = true; out.add(saleLine("SALE_INFO", s)); });
        }
        else if (cmd instanceof Cmd.Resume c)
        {
            withSale(c.sale(), s -> { s.paused = false; out.add(saleLine("SALE_INFO", s)); });
        }
        else if (cmd instanceof Cmd.End c)
        {
            withSale(c.sale(), s -> { s.ended = true; out.add(saleLine("SALE_INFO", s)); });
        }
        else if (cmd instanceof Cmd.QuerySale c)
        {
            withSale(c.sale(), s -> out.add(saleLine("SALE_INFO", s)));
        }
        else if (cmd instanceof Cmd.Purchase c)
        {
            purchase(c);
        }
        else if (cmd instanceof Cmd.Cancel c)
        {
            withOrder(c.orderId(), c.user(), o -> settle(o, OrderStatus.CANCELLED, "ORDER_CANCELLED", "ORDER_NOT_CANCELLABLE"));
        }
        else if (cmd instanceof Cmd.Confirm c)
        {
            withOrder(c.orderId(), null, o -> settle(o, OrderStatus.CONFIRMED, "ORDER_CONFIRMED", "ORDER_NOT_CONFIRMABLE"));
        }
        else if (cmd instanceof Cmd.QueryOrder c)
        {
            withOrder(c.orderId(), c.user().isEmpty() ? null : c.user(), o -> out.add(orderLine("ORDER_INFO", o)));
        }
        else
        {
            int expired = 0;
            for (final SaleM s : sales.values())
            {
                expired += expire(s);
            }
            out.add("ACK " + expired);
            sales.values().forEach(this::announce);
        }
        return out;
    }

    private void adjust(final SaleM s, final long delta)
    {
        final long newStock = delta > 0 && s.stock > Long.MAX_VALUE - delta ? Long.MAX_VALUE : s.stock + delta;
        if (newStock > Integer.MAX_VALUE)
        {
            out.add("REJECTED INVALID_ARGUMENT");
        }
        else if (newStock < reserved(s) + confirmed(s))
        {
            out.add("REJECTED INSUFFICIENT_STOCK");
        }
        else
        {
            s.stock = (int)newStock;
            out.add(saleLine("SALE_INFO", s));
        }
    }

    private void settle(final OrderM o, final OrderStatus to, final String event, final String refusal)
    {
        if (o.status != OrderStatus.RESERVED)
        {
            out.add("REJECTED " + refusal);
        }
        else
        {
            o.status = to;
            out.add(orderLine(event, o));
        }
    }

    private void create(final Cmd.CreateSale c)
    {
        if (sales.containsKey(c.sale()))
        {
            out.add("REJECTED SALE_EXISTS");
            return;
        }
        if (c.stock() < 0 || c.limit() < 1 || c.endsAt() <= c.startsAt() || c.ttlSeconds() < 1 ||
            c.ttlSeconds() > 366 * 24 * 3600)
        {
            out.add("REJECTED INVALID_ARGUMENT");
            return;
        }
        final SaleM s = new SaleM(c.sale());
        s.stock = c.stock();
        s.limit = c.limit();
        s.startsAt = c.startsAt();
        s.endsAt = c.endsAt();
        s.ttlSeconds = c.ttlSeconds();
        sales.put(s.id, s);
        out.add(saleLine("SALE_INFO", s));
        announce(s);
    }

    private void purchase(final Cmd.Purchase c)
    {
        final SaleM s = sales.get(c.sale());
        if (s == null)
        {
            out.add("REJECTED UNKNOWN_SALE");
            return;
        }
        for (final OrderM o : orders)
        {
            if (o.user.equals(c.user()) && o.key.equals(c.key()))
            {
                final SaleM original = sales.get(o.sale);
                expire(original);
                out.add(orderLine("ORDER_REPLAYED", o));
                announce(original);
                return;
            }
        }
        expire(s);
        final String refusal = refusal(s, c);
        if (refusal != null)
        {
            out.add("REJECTED " + refusal);
        }
        else
        {
            final OrderM o = new OrderM();
            o.id = orders.size() + 1;
            o.sale = s.id;
            o.user = c.user();
            o.key = c.key();
            o.qty = (int)c.quantity();
            o.status = OrderStatus.RESERVED;
            o.expiresAt = now + s.ttlSeconds * 1000L;
            orders.add(o);
            out.add(orderLine("ORDER_ACCEPTED", o));
        }
        announce(s);
    }

    private String refusal(final SaleM s, final Cmd.Purchase c)
    {
        if (c.quantity() < 1 || c.quantity() > s.limit)
        {
            return "INVALID_QUANTITY";
        }
        switch (status(s))
        {
            case ENDED: return "SALE_ENDED";
            case SCHEDULED: return "NOT_STARTED";
            case PAUSED: return "SALE_PAUSED";
            case SOLD_OUT: return "SOLD_OUT";
            default: break;
        }
        if (liveUnits(s.id, c.user()) + c.quantity() > s.limit)
        {
            return "LIMIT_EXCEEDED";
        }
        return c.quantity() > remaining(s) ? "SOLD_OUT" : null;
    }

    private void withSale(final String id, final java.util.function.Consumer<SaleM> action)
    {
        final SaleM s = sales.get(id);
        if (s == null)
        {
            out.add("REJECTED UNKNOWN_SALE");
            return;
        }
        expire(s);
        action.accept(s);
        announce(s);
    }

    /** @param owner null = any owner (operator). */
    private void withOrder(final long orderId, final String owner, final java.util.function.Consumer<OrderM> action)
    {
        if (orderId < 1 || orderId > orders.size() || (owner != null && !orders.get((int)orderId - 1).user.equals(owner)))
        {
            out.add("REJECTED UNKNOWN_ORDER");
            return;
        }
        final OrderM o = orders.get((int)orderId - 1);
        final SaleM s = sales.get(o.sale);
        expire(s);
        action.accept(o);
        announce(s);
    }

    private int expire(final SaleM s)
    {
        int expired = 0;
        for (final OrderM o : orders)
        {
            if (o.sale.equals(s.id) && o.status == OrderStatus.RESERVED && o.expiresAt <= now)
            {
                o.status = OrderStatus.EXPIRED;
                out.add(orderLine("ORDER_EXPIRED", o));
                expired++;
            }
        }
        return expired;
    }

    private void announce(final SaleM s)
    {
        if (status(s) != s.announcedStatus || remaining(s) != s.announcedRemaining)
        {
            s.announcedStatus = status(s);
            s.announcedRemaining = remaining(s);
            out.add(saleLine("SALE_STATUS_CHANGED", s));
        }
    }

    SaleStatus status(final SaleM s)
    {
        if (s.ended || now >= s.endsAt)
        {
            return SaleStatus.ENDED;
        }
        if (now < s.startsAt)
        {
            return SaleStatus.SCHEDULED;
        }
        if (s.paused)
        {
            return SaleStatus.PAUSED;
        }
        return remaining(s) == 0 ? SaleStatus.SOLD_OUT : SaleStatus.OPEN;
    }

    int reserved(final SaleM s)
    {
        return units(s.id, OrderStatus.RESERVED);
    }

    int confirmed(final SaleM s)
    {
        return units(s.id, OrderStatus.CONFIRMED);
    }

    int remaining(final SaleM s)
    {
        return s.stock - reserved(s) - confirmed(s);
    }

    long liveUnits(final String sale, final String user)
    {
        return orders.stream().filter(o -> o.sale.equals(sale) && o.user.equals(user) && o.status.isLive())
            .mapToLong(o -> o.qty).sum();
    }

    int buyers(final SaleM s)
    {
        return (int)orders.stream().filter(o -> o.sale.equals(s.id) && o.status.isLive()).map(o -> o.user).distinct().count();
    }

    private int units(final String sale, final OrderStatus status)
    {
        return orders.stream().filter(o -> o.sale.equals(sale) && o.status == status).mapToInt(o -> o.qty).sum();
    }

    private String saleLine(final String type, final SaleM s)
    {
        return EventText.sale(type, s.id, s.stock, reserved(s), confirmed(s), buyers(s), status(s).name());
    }

    private String orderLine(final String type, final OrderM o)
    {
        return EventText.order(type, o.id, o.sale, o.user, o.qty, o.status.name(), o.expiresAt);
    }
}
