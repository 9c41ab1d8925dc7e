package io.flashgate.protocol;


/** The engine's answer to one command, decoded for callers off the hot path (the HTTP edge, tests, tools). */
public sealed interface Reply
{
    /** ORDER_ACCEPTED, ORDER_REPLAYED, ORDER_CANCELLED, ORDER_CONFIRMED, ORDER_INFO, ORDER_EXPIRED, ORDER_ALLOCATED. */
    record Order(short type, long orderId, String saleId, String userId, int quantity, OrderStatus status,
        long expiresAt) implements Reply
    {
        public boolean isNew()
        {
            return type == MessageTypes.ORDER_ACCEPTED;
        }
    }

    record Sale(String saleId, SaleStatus status, int stock, int reserved, int confirmed, int remaining,
        int buyers, int limitPerUser, long startsAt, long endsAt, int reservationTtlSeconds, SaleMode mode,
        int entries, boolean drawn, boolean waitingClosed, int accountsPerAddress) implements Reply
    {
    }

    /**
     * ENTRY_ACCEPTED, ENTRY_REPLAYED, ENTRY_WITHDRAWN, ENTRY_INFO: a shopper's entry in a draw sale. {@code position}
     * is the place on the waiting list (1: next) while WAITING, else 0; {@code entries} the sale's entries; the order
     * fields are set once WON (orderId 0 otherwise).
     */
    record Entry(short type, String saleId, String userId, EntryState state, int quantity, int position,
        int entries, long orderId, int orderQuantity, OrderStatus orderStatus, long orderExpiresAt) implements Reply
    {
        public boolean isNew()
        {
            return type == MessageTypes.ENTRY_ACCEPTED;
        }
    }

    /**
     * DRAW_COMPLETED, DRAW_INFO: the public record of a draw (docs/DRAW.md). Hashes are 32 bytes. {@code winners}:
     * entrants served so far in draw order (those of the draw, then the waiting list's).
     */
    record Draw(short type, String saleId, String seed, byte[] seedHash, byte[] entriesHash, int entries,
        int winnersAtDraw, int winners, int waiting, int algorithmVersion, boolean waitingClosed) implements Reply
    {
        public boolean isNew()
        {
            return type == MessageTypes.DRAW_COMPLETED;
        }
    }

    /** DRAW_WINNERS: winners {@code from}.. of {@code total}, each a 32-byte hashed id, in draw order. */
    record DrawWinners(int from, int total, java.util.List<byte[]> hashes) implements Reply
    {
    }

    record Rejected(Reason reason) implements Reply
    {
        private static final Rejected[] SHARED = java.util.Arrays.stream(Reason.values()).map(Rejected::new)
            .toArray(Rejected[]::new);

        /** One instance per reason (a reply is immutable), so the usual answer of a sale, SOLD_OUT, allocates nothing. */
        public static Rejected of(final Reason reason)
        {
            return SHARED[reason.ordinal()];
        }
    }

    /** Reply to a tick (reservations expired) or a snapshot (its sequence). */
    record Ack(long value) implements Reply
    {
    }

    /** Reply to QUERY_ENGINE: see docs/HTTP-API.md, {@code GET /admin/engine}. */
    record EngineStatus(EngineRole role, long epoch, long sequence, long durableSequence, Standby standby, Sink sink)
        implements Reply
    {
    }

    /** The order sink as it last reported itself to the engine; committedSequence 0 when none reports. */
    record Sink(long committedSequence, long lagRecords)
    {
        public boolean reports()
        {
            return committedSequence > 0;
        }
    }

    /** The standby as the primary sees it; ABSENT (and zeros) while none exists. */
    record Standby(StandbyState state, long ackedSequence, long lagRecords)
    {
    }

    /** Decodes a validated event (see {@link EventDecoder#wrapAndValidate}). */
    static Reply decode(final EventDecoder e)
    {
        return switch (e.type())
        {
            case MessageTypes.REJECTED -> Rejected.of(e.reason());
            case MessageTypes.ACK -> new Ack(e.ackValue());
            case MessageTypes.ENGINE_STATUS -> new EngineStatus(e.engineRole(), e.epoch(), e.engineSequence(),
                e.durableSequence(), new Standby(e.standbyState(), e.standbyAckedSequence(), e.standbyLagRecords()),
                new Sink(e.sinkCommittedSequence(), e.sinkLagRecords()));
            case MessageTypes.SALE_INFO, MessageTypes.SALE_STATUS_CHANGED -> new Sale(e.saleId(), e.saleStatus(),
                e.stock(), e.reserved(), e.confirmed(), e.remaining(), e.buyers(), e.limitPerUser(), e.startsAt(),
                e.endsAt(), e.reservationTtlSeconds(), e.saleMode(), e.saleEntries(), e.saleDrawn(),
                e.saleWaitingClosed(), e.saleAccountsPerAddress());
            case MessageTypes.ENTRY_ACCEPTED, MessageTypes.ENTRY_REPLAYED, MessageTypes.ENTRY_WITHDRAWN,
                MessageTypes.ENTRY_INFO -> new Entry(e.type(), e.saleId(), e.userId(), e.entryState(),
                e.entryQuantity(), e.entryPosition(), e.entryEntries(), e.entryOrderId(), e.entryOrderQuantity(),
                e.entryOrderStatus(), e.entryOrderExpiresAt());
            case MessageTypes.DRAW_COMPLETED, MessageTypes.DRAW_INFO -> new Draw(e.type(), e.saleId(), e.seed(),
                e.drawSeedHash(), e.drawEntriesHash(), e.drawEntries(), e.drawWinnersAtDraw(), e.drawWinners(),
                e.drawWaiting(), e.drawAlgorithmVersion(), e.drawWaitingClosed());
            case MessageTypes.DRAW_WINNERS ->
            {
                final java.util.List<byte[]> hashes = new java.util.ArrayList<>();
                for (int i = 0; i < e.winnersCount(); i++)
                {
                    hashes.add(e.winnerHash(i));
                }
                yield new DrawWinners(e.winnersFrom(), e.winnersTotal(), hashes);
            }
            default -> new Order(e.type(), e.orderId(), e.saleId(), e.userId(), e.quantity(), e.orderStatus(),
                e.expiresAt());
        };
    }
}
