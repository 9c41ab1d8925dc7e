package io.flashgate.edge.http;

import io.flashgate.client.EngineGateway;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /admin/sales}: every sale the engine holds, asked of the engine one index at a time (QUERY_SALE_AT, one
 * sale per reply, as every command has exactly one reply of a bounded size) until it answers UNKNOWN_SALE.
 *
 * <p>The indexes are asked in windows that double (1, 2, 4, ... up to {@link #MAX_WINDOW}): the commands of one
 * window leave together, so they travel in one message and are journaled in one group commit, and a listing of
 * {@code n} sales takes about log2(n) round trips while asking at most about n more indexes than there are sales. A
 * refused or unanswered command ends the listing with that failure (503, 504), as a single query would.
 *
 * <p>One listing per request. Its windows run one after another, each completed by the gateway's thread, so the list
 * is only ever touched by one thread at a time, and read once the last window completed.
 */
final class SaleListing
{
    static final int MAX_WINDOW = 64;

    private final EngineGateway gateway;
    private final List<Reply.Sale> sales = new ArrayList<>();

    SaleListing(final EngineGateway gateway)
    {
        this.gateway = gateway;
    }

    /**
     * Asks the engine for every sale. The future completes with the reply that ended the listing: UNKNOWN_SALE
     * after the last sale ({@link #isComplete}), or the refusal of an engine that cannot answer (NOT_PRIMARY, ...).
     */
    CompletableFuture<Reply> fetch()
    {
        return window(0, 1);
    }

    /** True when {@code last} (what {@link #fetch} completed with) says every sale has been listed. */
    static boolean isComplete(final Reply last)
    {
        return last instanceof Reply.Rejected rejected && rejected.reason() == Reason.UNKNOWN_SALE;
    }

    /** The sales in the engine's creation order; complete once {@link #fetch} completed with {@link #isComplete}. */
    List<Reply.Sale> sales()
    {
        return sales;
    }

    private CompletableFuture<Reply> window(final int from, final int size)
    {
        final List<CompletableFuture<Reply>> replies = new ArrayList<>(size);
        for (int i = 0; i < size; i++)
        {
            replies.add(gateway.querySaleAt(from + i));
        }
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenCompose(allAnswered ->
        {
            for (final CompletableFuture<Reply> reply : replies)
            {
                final Reply answer = reply.join();
                if (!(answer instanceof Reply.Sale sale))
                {
                    return CompletableFuture.completedFuture(answer);
                }
                sales.add(sale);
            }
            return window(from + size, Math.min(MAX_WINDOW, size * 2));
        });
    }
}
