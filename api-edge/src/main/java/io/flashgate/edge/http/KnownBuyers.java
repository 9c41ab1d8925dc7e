package io.flashgate.edge.http;

import io.flashgate.protocol.Reply;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who holds an order in which sale, learnt from every ORDER_ACCEPTED the engine emits (for all edges). A purchase
 * may be answered from the sale-status cache (SOLD_OUT, ENDED...) only if the user cannot have an order there: a
 * retry of an old purchase must reach the engine and get the original order back, whatever happened since.
 *
 * <p>Order ids are dense (1, 2, 3, ...), so the edge knows whether it has seen them all. If it joined late or
 * missed one (egress dropped an event), the knowledge is incomplete and {@link #mayHaveOrder} says yes to everyone:
 * correct, only slower for refused purchases.
 */
final class KnownBuyers
{
    private final Set<String> buyers = ConcurrentHashMap.newKeySet();
    private long nextOrderId = 1;
    private volatile boolean complete = true;

    /** Called on the gateway's thread, in engine order. */
    void onOrderAccepted(final Reply.Order order)
    {
        if (order.orderId() != nextOrderId)
        {
            complete = false;
        }
        nextOrderId = order.orderId() + 1;
        buyers.add(key(order.saleId(), order.userId()));
    }

    /**
     * The edge now follows another engine (a failover): it has not seen every order of that engine's history (what
     * it accepted before the edge switched), so from now on anyone may hold an order and every purchase the status
     * cache would refuse goes to the engine instead: correct, only slower for refused purchases.
     */
    void forgetAll()
    {
        complete = false;
        buyers.clear();
    }

    /** False only when this user certainly holds no order in this sale. */
    boolean mayHaveOrder(final String saleId, final String userId)
    {
        return !complete || buyers.contains(key(saleId, userId));
    }

    boolean isComplete()
    {
        return complete;
    }

    private static String key(final String saleId, final String userId)
    {
        return saleId + ' ' + userId;
    }
}
