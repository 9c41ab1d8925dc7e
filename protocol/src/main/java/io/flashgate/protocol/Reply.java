package io.flashgate.protocol;


/** The engine's answer to one command, decoded for callers off the hot path (the HTTP edge, tests, tools). */
public sealed interface Reply
{
    /** ORDER_ACCEPTED, ORDER_REPLAYED, ORDER_CANCELLED, ORDER_CONFIRMED, ORDER_INFO. */
    record Order(short type, long orderId, String saleId, String userId, int quantity, OrderStatus status,
        long expiresAt) implements Reply
    {
        public boolean isNew()
        {
            return type == MessageTypes.ORDER_ACCEPTED;
        }
    }

    record Sale(String saleId, SaleStatus status, int stock, int reserved, int confirmed, int remaining,
        int buyers, int limitPerUser, long startsAt, long endsAt, int reservationTtlSeconds) implements Reply
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
                e.endsAt(), e.reservationTtlSeconds());
            default -> new Order(e.type(), e.orderId(), e.saleId(), e.userId(), e.quantity(), e.orderStatus(),
                e.expiresAt());
        };
    }
}
