package io.flashgate.engine.logic;

import java.time.Instant;

/**
 * The text lines a state is shown and compared in, one place for every program that writes them: the replay tool's
 * {@code rebuild} (a sale) and {@code export} (an order), and {@code sink verify}, which writes the database's rows
 * in the same lines and compares line by line. Ids are restricted by the protocol to {@code [A-Za-z0-9_.:-]}, so no
 * field ever needs quoting or escaping.
 */
public final class StateLines
{
    /** The CSV header of {@link #orderCsv}. */
    public static final String ORDER_COLUMNS = "orderId,saleId,userId,idempotencyKey,quantity,status,expiresAt";

    private StateLines()
    {
    }

    /** {@code sale S: stock=… reserved=… confirmed=… remaining=… buyers=… limitPerUser=… status=…}. */
    public static String sale(final BusinessLogic.SaleFigures sale)
    {
        return "sale " + sale.saleId() + ": stock=" + sale.stock() + " reserved=" + sale.reserved() + " confirmed="
            + sale.confirmed() + " remaining=" + sale.remaining() + " buyers=" + sale.buyers() + " limitPerUser="
            + sale.limitPerUser() + " status=" + sale.status();
    }

    /** One order in the columns of {@link #ORDER_COLUMNS}; {@code expiresAt} ISO-8601 UTC. */
    public static String orderCsv(final BusinessLogic.OrderView order)
    {
        return order.orderId() + "," + order.saleId() + "," + order.userId() + "," + order.idempotencyKey() + ","
            + order.quantity() + "," + order.status() + "," + Instant.ofEpochMilli(order.expiresAt());
    }

    /** One order as a JSON object with the fields of {@link #ORDER_COLUMNS}. */
    public static String orderJson(final BusinessLogic.OrderView order)
    {
        return "{\"orderId\":" + order.orderId() + ",\"saleId\":\"" + order.saleId() + "\",\"userId\":\""
            + order.userId() + "\",\"idempotencyKey\":\"" + order.idempotencyKey() + "\",\"quantity\":"
            + order.quantity() + ",\"status\":\"" + order.status() + "\",\"expiresAt\":\""
            + Instant.ofEpochMilli(order.expiresAt()) + "\"}";
    }
}
