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
        String mode = "FIRST_COME";
        int cap;
        byte[] seedHash;
        final List<EntryM> entries = new ArrayList<>();
        final Map<String, Integer> accountsPerAddress = new java.util.HashMap<>();
        /** Buyers of a first-come sale with a cap, counted once against their first purchase's address. */
        final java.util.Set<String> accountedBuyers = new java.util.HashSet<>();
        boolean drawn;
        String seed;
        byte[] entriesHash;
        List<EntryM> drawOrder = List.of();
        int served;
        int winnersAtDraw;
        boolean closed;
        int announcedEntries;
        boolean announcedDrawn;
        boolean announcedClosed;

        SaleM(final String id)
        {
            this.id = id;
        }
    }

    static final class EntryM
    {
        String user;
        int qty;
        boolean active = true;
        String address;
        OrderM order;
        int drawPos;
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
    /** The address of the purchase being applied (hex), or null. */
    private String purchaseAddress;
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
        else if (cmd instanceof Cmd.CreateSale2 c)
        {
            create(new Cmd.CreateSale(c.time(), c.sale(), c.stock(), c.limit(), c.startsAt(), c.endsAt(),
                c.ttlSeconds()), c);
        }
        else if (cmd instanceof Cmd.PurchaseFrom c)
        {
            purchaseAddress = c.address() == null || java.util.Arrays.equals(c.address(), new byte[16]) ? null :
                java.util.HexFormat.of().formatHex(c.address());
            purchase(new Cmd.Purchase(c.time(), c.sale(), c.user(), c.key(), c.quantity()));
            purchaseAddress = null;
        }
        else if (cmd instanceof Cmd.Enter c)
        {
            withDrawSale(c.sale(), s -> enter(s, c));
        }
        else if (cmd instanceof Cmd.Withdraw c)
        {
            withDrawSale(c.sale(), s -> withdraw(s, c.user()));
        }
        else if (cmd instanceof Cmd.QueryEntry c)
        {
            withDrawSale(c.sale(), s ->
            {
                final EntryM e = activeEntry(s, c.user());
                out.add(e == null ? "REJECTED UNKNOWN_ENTRY" : entryLine("ENTRY_INFO", s, e, null));
            });
        }
        else if (cmd instanceof Cmd.RunDraw c)
        {
            withDrawSale(c.sale(), s -> runDraw(s, c.seed()));
        }
        else if (cmd instanceof Cmd.QueryDraw c)
        {
            withDrawSale(c.sale(), s -> out.add(s.drawn ? drawLine("DRAW_INFO", s) : "REJECTED NOT_DRAWN"));
        }
        else if (cmd instanceof Cmd.QueryWinners c)
        {
            withDrawSale(c.sale(), s -> winners(s, c.from()));
        }
        else if (cmd instanceof Cmd.Adjust c)
        {
            withSale(c.sale(), true, s -> adjust(s, c.delta()));
        }
        else if (cmd instanceof Cmd.Pause c)
        {
            withSale(c.sale(), true, s -> { s.paused = true; out.add(saleLine("SALE_INFO", s)); });
        }
        else if (cmd instanceof Cmd.Resume c)
        {
            withSale(c.sale(), true, s -> { s.paused = false; out.add(saleLine("SALE_INFO", s)); });
        }
        else if (cmd instanceof Cmd.End c)
        {
            withSale(c.sale(), true, s -> { s.ended = true; s.closed |= s.drawn; out.add(saleLine("SALE_INFO", s)); });
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
            withOrder(c.orderId(), c.user(), o ->
            {
                if (settle(o, OrderStatus.CANCELLED, "ORDER_CANCELLED", "ORDER_NOT_CANCELLABLE"))
                {
                    emitServed(serve(sales.get(o.sale)));
                }
            });
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
            sales.values().forEach(s -> announce(s, true));
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
            emitServed(serve(s));
        }
    }

    private boolean settle(final OrderM o, final OrderStatus to, final String event, final String refusal)
    {
        if (o.status != OrderStatus.RESERVED)
        {
            out.add("REJECTED " + refusal);
            return false;
        }
        o.status = to;
        out.add(orderLine(event, o));
        return true;
    }

    // ---- draw mode, written from docs/DRAW.md ----

    private void withDrawSale(final String id, final java.util.function.Consumer<SaleM> action)
    {
        withSale(id, s ->
        {
            if (!s.mode.equals("DRAW"))
            {
                out.add("REJECTED NOT_A_DRAW");
                return;
            }
            action.accept(s);
        });
    }

    private static EntryM activeEntry(final SaleM s, final String user)
    {
        return s.entries.stream().filter(e -> e.active && e.user.equals(user)).findFirst().orElse(null);
    }

    private void enter(final SaleM s, final Cmd.Enter c)
    {
        final EntryM existing = activeEntry(s, c.user());
        if (existing != null)
        {
            out.add(entryLine("ENTRY_REPLAYED", s, existing, null));
            return;
        }
        String refusal = null;
        if (c.quantity() < 1 || c.quantity() > s.limit)
        {
            refusal = "INVALID_QUANTITY";
        }
        else if (s.drawn)
        {
            refusal = "SALE_ENDED";
        }
        else
        {
            switch (status(s))
            {
                case ENDED -> refusal = "SALE_ENDED";
                case SCHEDULED -> refusal = "NOT_STARTED";
                case PAUSED -> refusal = "SALE_PAUSED";
                case SOLD_OUT -> refusal = "SOLD_OUT";
                default -> { }
            }
        }
        final String address = c.address() == null || java.util.Arrays.equals(c.address(), new byte[16]) ? null :
            java.util.HexFormat.of().formatHex(c.address());
        if (refusal == null && s.cap > 0 && address != null && s.accountsPerAddress.getOrDefault(address, 0) >= s.cap)
        {
            refusal = "TOO_MANY_ACCOUNTS_FROM_ADDRESS";
        }
        if (refusal != null)
        {
            out.add("REJECTED " + refusal);
            return;
        }
        final EntryM e = new EntryM();
        e.user = c.user();
        e.qty = (int)c.quantity();
        if (s.cap > 0 && address != null)
        {
            e.address = address;
            s.accountsPerAddress.merge(address, 1, Integer::sum);
        }
        s.entries.add(e);
        out.add(entryLine("ENTRY_ACCEPTED", s, e, null));
    }

    private void withdraw(final SaleM s, final String user)
    {
        final EntryM e = activeEntry(s, user);
        if (e == null)
        {
            out.add("REJECTED UNKNOWN_ENTRY");
        }
        else if (s.drawn || status(s) == SaleStatus.ENDED)
        {
            out.add("REJECTED ENTRY_NOT_WITHDRAWABLE");
        }
        else
        {
            e.active = false;
            if (e.address != null)
            {
                s.accountsPerAddress.merge(e.address, -1, Integer::sum);
            }
            out.add(entryLine("ENTRY_WITHDRAWN", s, e, "WITHDRAWN"));
        }
    }

    private void runDraw(final SaleM s, final String seed)
    {
        if (!java.util.Arrays.equals(ReferenceDraw.sha256(seed.getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
            s.seedHash))
        {
            out.add("REJECTED SEED_MISMATCH");
        }
        else if (s.drawn)
        {
            out.add(drawLine("DRAW_INFO", s));
        }
        else if (status(s) != SaleStatus.ENDED)
        {
            out.add("REJECTED DRAW_NOT_DUE");
        }
        else
        {
            final List<EntryM> active = s.entries.stream().filter(e -> e.active).toList();
            s.entriesHash = ReferenceDraw.entriesHash(s.id, active.stream().map(e -> e.user).toList(),
                active.stream().map(e -> e.qty).toList());
            s.drawOrder = new ReferenceDraw(seed, s.id).drawOrder(active);
            for (int i = 0; i < s.drawOrder.size(); i++)
            {
                s.drawOrder.get(i).drawPos = i;
            }
            s.drawn = true;
            s.seed = seed;
            final List<OrderM> served = serve(s);
            s.winnersAtDraw = s.served;
            out.add(drawLine("DRAW_COMPLETED", s));
            emitServed(served);
        }
    }

    private List<OrderM> serve(final SaleM s)
    {
        final List<OrderM> made = new ArrayList<>();
        while (s.drawn && !s.closed && s.served < s.drawOrder.size() && remaining(s) > 0)
        {
            final EntryM e = s.drawOrder.get(s.served++);
            final OrderM o = new OrderM();
            o.id = orders.size() + 1;
            o.sale = s.id;
            o.user = e.user;
            o.key = "#draw";
            o.qty = Math.min(e.qty, remaining(s));
            o.status = OrderStatus.RESERVED;
            o.expiresAt = now + s.ttlSeconds * 1000L;
            orders.add(o);
            e.order = o;
            made.add(o);
        }
        return made;
    }

    private void emitServed(final List<OrderM> made)
    {
        made.forEach(o -> out.add(orderLine("ORDER_ALLOCATED", o)));
    }

    private void winners(final SaleM s, final int from)
    {
        if (!s.drawn)
        {
            out.add("REJECTED NOT_DRAWN");
            return;
        }
        if (from < 0)
        {
            out.add("REJECTED INVALID_ARGUMENT");
            return;
        }
        final StringBuilder hashes = new StringBuilder();
        for (int i = from; i < Math.min(from + 6, s.served); i++)
        {
            hashes.append(i == from ? "" : ",")
                .append(java.util.HexFormat.of().formatHex(ReferenceDraw.hashedId(s.id, s.drawOrder.get(i).user)));
        }
        out.add(EventText.winners(from, s.served, hashes.toString()));
    }

    int entries(final SaleM s)
    {
        return (int)s.entries.stream().filter(e -> e.active).count();
    }

    private String entryLine(final String type, final SaleM s, final EntryM e, final String forced)
    {
        final String state = forced != null ? forced : !s.drawn ? "ENTERED" : e.order != null ? "WON" :
            s.closed ? "NOT_SELECTED" : "WAITING";
        final int position = state.equals("WAITING") ? e.drawPos - s.served + 1 : 0;
        final OrderM o = state.equals("WON") ? e.order : null;
        return EventText.entry(type, s.id, e.user, state, e.qty, position, entries(s), o == null ? 0 : o.id,
            o == null ? 0 : o.qty, o == null ? "-" : o.status.name(), o == null ? 0 : o.expiresAt);
    }

    private String drawLine(final String type, final SaleM s)
    {
        final java.util.HexFormat hex = java.util.HexFormat.of();
        return EventText.draw(type, s.id, s.seed, s.drawOrder.size(), s.winnersAtDraw, s.served,
            s.closed ? 0 : s.drawOrder.size() - s.served, s.closed, hex.formatHex(s.seedHash),
            hex.formatHex(s.entriesHash));
    }

    private void create(final Cmd.CreateSale c)
    {
        create(c, null);
    }

    private void create(final Cmd.CreateSale c, final Cmd.CreateSale2 extended)
    {
        if (sales.containsKey(c.sale()))
        {
            out.add("REJECTED SALE_EXISTS");
            return;
        }
        if (c.stock() < 0 || c.limit() < 1 || c.endsAt() <= c.startsAt() || c.ttlSeconds() < 1 ||
            c.ttlSeconds() > 366 * 24 * 3600 || (extended != null && extended.cap() < 0))
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
        if (extended != null)
        {
            s.mode = extended.mode().name();
            s.cap = extended.cap();
            s.seedHash = extended.seedHash() == null ? new byte[32] : extended.seedHash();
        }
        sales.put(s.id, s);
        out.add(saleLine("SALE_INFO", s));
        announce(s, true);
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
        String refusal = refusal(s, c);
        final boolean counts = refusal == null && s.cap > 0 && purchaseAddress != null &&
            !s.accountedBuyers.contains(c.user());
        if (counts && s.accountsPerAddress.getOrDefault(purchaseAddress, 0) >= s.cap)
        {
            refusal = "TOO_MANY_ACCOUNTS_FROM_ADDRESS";
        }
        if (refusal != null)
        {
            out.add("REJECTED " + refusal);
        }
        else
        {
            if (counts)
            {
                s.accountedBuyers.add(c.user());
                s.accountsPerAddress.merge(purchaseAddress, 1, Integer::sum);
            }
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
        if (s.mode.equals("DRAW"))
        {
            return "DRAW_SALE";
        }
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
        withSale(id, false, action);
    }

    /** @param exactly an operator's command, after which any change in the sale's figures is announced. */
    private void withSale(final String id, final boolean exactly, final java.util.function.Consumer<SaleM> action)
    {
        final SaleM s = sales.get(id);
        if (s == null)
        {
            out.add("REJECTED UNKNOWN_SALE");
            return;
        }
        expire(s);
        action.accept(s);
        announce(s, exactly);
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
        if (expired > 0)
        {
            emitServed(serve(s));
        }
        return expired;
    }

    private void announce(final SaleM s)
    {
        announce(s, false);
    }

    /**
     * docs/ARCHITECTURE.md's rule: a status or draw change at once; remaining stock once it moved 1 % of the stock,
     * entries once they moved 1 %; any change at the tick and at the operator's commands (exactly).
     */
    private void announce(final SaleM s, final boolean exactly)
    {
        final int entries = entries(s);
        final long remainingMoved = Math.abs((long)remaining(s) - s.announcedRemaining);
        final long entriesMoved = Math.abs(entries - s.announcedEntries);
        final boolean figuresMoved = exactly ? remainingMoved + entriesMoved > 0 :
            remainingMoved * 100 >= Math.max(1, s.stock) || entriesMoved * 100 >= Math.max(100, s.announcedEntries);
        if (status(s) != s.announcedStatus || figuresMoved || s.drawn != s.announcedDrawn ||
            s.closed != s.announcedClosed)
        {
            s.announcedStatus = status(s);
            s.announcedRemaining = remaining(s);
            s.announcedEntries = entries;
            s.announcedDrawn = s.drawn;
            s.announcedClosed = s.closed;
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
        return EventText.sale(type, s.id, s.stock, reserved(s), confirmed(s), buyers(s), status(s).name()) +
            EventText.drawPart(s.mode, entries(s), s.drawn, s.closed, s.cap);
    }

    private String orderLine(final String type, final OrderM o)
    {
        return EventText.order(type, o.id, o.sale, o.user, o.qty, o.status.name(), o.expiresAt);
    }
}
