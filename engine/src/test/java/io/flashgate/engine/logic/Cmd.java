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
}
