package io.flashgate.engine.logic;

import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.MessageTypes;
import org.agrona.MutableDirectBuffer;

/** Test-side commands: readable records that encode themselves with the real encoder. */
sealed interface Cmd
{
    long time();

    default int encode(final MutableDirectBuffer buffer, final long sequence)
    {
        final CommandEncoder e = new CommandEncoder().wrap(buffer, 0);
        final int length;
        if (this instanceof CreateSale c)
        {
            length = e.createSale(1, sequence, c.sale, c.stock, c.limit, c.startsAt, c.endsAt, c.ttlSeconds);
        }
        else if (this instanceof Adjust c)
        {
            length = e.adjustStock(1, sequence, c.sale, c.delta);
        }
        else if (this instanceof Pause c)
        {
            length = e.saleCommand(MessageTypes.PAUSE_SALE, 1, sequence, c.sale);
        }
        else if (this instanceof Resume c)
        {
            length = e.saleCommand(MessageTypes.RESUME_SALE, 1, sequence, c.sale);
        }
        else if (this instanceof End c)
        {
            length = e.saleCommand(MessageTypes.END_SALE, 1, sequence, c.sale);
        }
        else if (this instanceof QuerySale c)
        {
            length = e.saleCommand(MessageTypes.QUERY_SALE, 1, sequence, c.sale);
        }
        else if (this instanceof Purchase c)
        {
            length = e.purchase(1, sequence, c.sale, c.user, c.key, c.quantity);
        }
        else if (this instanceof Cancel c)
        {
            length = e.cancelOrder(1, sequence, c.orderId, c.user);
        }
        else if (this instanceof Confirm c)
        {
            length = e.confirmOrder(1, sequence, c.orderId);
        }
        else if (this instanceof QueryOrder c)
        {
            length = e.queryOrder(1, sequence, c.orderId, c.user);
        }
        else if (this instanceof CreateSale2 c)
        {
            length = e.createSale(1, sequence, c.sale, c.stock, c.limit, c.startsAt, c.endsAt, c.ttlSeconds, c.mode,
                c.cap, c.seedHash);
        }
        else if (this instanceof PurchaseFrom c)
        {
            length = e.purchase(1, sequence, c.sale, c.user, c.key, c.quantity, c.address);
        }
        else if (this instanceof Enter c)
        {
            length = e.enterDraw(1, sequence, c.sale, c.user, c.quantity, c.address);
        }
        else if (this instanceof Withdraw c)
        {
            length = e.entryCommand(MessageTypes.WITHDRAW_ENTRY, 1, sequence, c.sale, c.user);
        }
        else if (this instanceof QueryEntry c)
        {
            length = e.entryCommand(MessageTypes.QUERY_ENTRY, 1, sequence, c.sale, c.user);
        }
        else if (this instanceof RunDraw c)
        {
            length = e.runDraw(1, sequence, c.sale, c.seed);
        }
        else if (this instanceof QueryDraw c)
        {
            length = e.saleCommand(MessageTypes.QUERY_DRAW, 1, sequence, c.sale);
        }
        else if (this instanceof QueryWinners c)
        {
            length = e.queryDrawWinners(1, sequence, c.sale, c.from);
        }
        else if (this instanceof Tick c)
        {
            length = e.control(MessageTypes.EXPIRE_RESERVATIONS, 1, sequence);
        }
        else
        {
            throw new IllegalStateException(toString());
        }
        CommandEncoder.stamp(buffer, 0, sequence, time());
        return length;
    }

    record CreateSale(long time, String sale, int stock, int limit, long startsAt, long endsAt, int ttlSeconds) implements Cmd {}
    record Adjust(long time, String sale, long delta) implements Cmd {}
    record Pause(long time, String sale) implements Cmd {}
    record Resume(long time, String sale) implements Cmd {}
    record End(long time, String sale) implements Cmd {}
    record QuerySale(long time, String sale) implements Cmd {}
    record Purchase(long time, String sale, String user, String key, long quantity) implements Cmd {}
    record Cancel(long time, long orderId, String user) implements Cmd {}
    record Confirm(long time, long orderId) implements Cmd {}
    /** user "" = operator. */
    record QueryOrder(long time, long orderId, String user) implements Cmd {}
    record Tick(long time) implements Cmd {}
    /** A sale with a mode, a cap of accounts per address and a seed hash (of the seed a draw must reveal). */
    record CreateSale2(long time, String sale, int stock, int limit, long startsAt, long endsAt, int ttlSeconds,
        io.flashgate.protocol.SaleMode mode, int cap, byte[] seedHash) implements Cmd
    {
        @Override
        public String toString()
        {
            return "CreateSale2[" + sale + " stock=" + stock + " limit=" + limit + " " + startsAt + ".." + endsAt +
                " ttl=" + ttlSeconds + " " + mode + " cap=" + cap + "]";
        }
    }
    /** address: 16 bytes or null (unknown). */
    record Enter(long time, String sale, String user, long quantity, byte[] address) implements Cmd
    {
        @Override
        public String toString()
        {
            return "Enter[" + sale + " " + user + " q=" + quantity + " from=" +
                (address == null ? "-" : Byte.toString(address[15])) + "]";
        }
    }
    record Withdraw(long time, String sale, String user) implements Cmd {}
    /** A purchase carrying the client's address (16 bytes, or null: none). */
    record PurchaseFrom(long time, String sale, String user, String key, long quantity, byte[] address) implements Cmd
    {
        @Override
        public String toString()
        {
            return "PurchaseFrom[" + sale + " " + user + " " + key + " q=" + quantity + " from=" +
                (address == null ? "-" : Byte.toString(address[15])) + "]";
        }
    }
    record QueryEntry(long time, String sale, String user) implements Cmd {}
    record RunDraw(long time, String sale, String seed) implements Cmd {}
    record QueryDraw(long time, String sale) implements Cmd {}
    record QueryWinners(long time, String sale, int from) implements Cmd {}
}
