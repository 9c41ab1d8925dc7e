package io.flashgate.client;

import io.flashgate.protocol.SaleMode;

/**
 * The requests that came with draw mode and the per-sale cap of accounts per client address (docs/DRAW.md): a sale
 * with a mode, entries, the draw and its public record, and a purchase that carries the client's address. They go
 * through one method of {@link EngineGateway}, so that every gateway passes them on in one place.
 *
 * <p>{@code address}: 16 bytes ({@code io.flashgate.protocol.ClientAddress}) or null when unknown.
 */
public sealed interface SaleRequest
{
    record CreateSale(String saleId, int stock, int limitPerUser, long startsAtMs, long endsAtMs,
        int reservationTtlSeconds, SaleMode mode, int accountsPerAddress, byte[] seedHash) implements SaleRequest
    {
    }

    record Purchase(String saleId, String userId, String idempotencyKey, long quantity, byte[] address)
        implements SaleRequest
    {
    }

    record Enter(String saleId, String userId, long quantity, byte[] address) implements SaleRequest
    {
    }

    record Withdraw(String saleId, String userId) implements SaleRequest
    {
    }

    record QueryEntry(String saleId, String userId) implements SaleRequest
    {
    }

    /** The operator reveals the seed; the engine checks it against the sale's seed hash and draws. */
    record RunDraw(String saleId, String seed) implements SaleRequest
    {
    }

    record QueryDraw(String saleId) implements SaleRequest
    {
    }

    /** Up to {@code io.flashgate.protocol.EventEncoder.WINNERS_PER_PAGE} winners from {@code from}, in draw order. */
    record QueryWinners(String saleId, int from) implements SaleRequest
    {
    }
}
