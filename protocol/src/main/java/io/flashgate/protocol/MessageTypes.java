package io.flashgate.protocol;

/**
 * Template ids of every command and event. Commands flow edge → engine (and into the journal);
 * events flow engine → edge. Ids are part of the on-disk format: never renumber, only add.
 */
public final class MessageTypes
{
    public static final short CREATE_SALE = 1;
    public static final short ADJUST_STOCK = 2;
    public static final short PAUSE_SALE = 3;
    public static final short RESUME_SALE = 4;
    public static final short END_SALE = 5;
    public static final short PURCHASE = 6;
    public static final short CANCEL_ORDER = 7;
    public static final short CONFIRM_ORDER = 8;
    /** Time tick: expire every reservation whose TTL has passed at the command's timestamp. */
    public static final short EXPIRE_RESERVATIONS = 9;
    /** Travels through the ring so that every stage snapshots at the same sequence. */
    public static final short SNAPSHOT = 10;
    public static final short QUERY_SALE = 11;
    public static final short QUERY_ORDER = 12;
    /** The engine's figures (sequence, durable sequence, role); changes no state. */
    public static final short QUERY_ENGINE = 13;
    /**
     * A new epoch begins (an engine became a pair's primary): journaled and replicated like any command, so replay
     * and the standby see every promotion at its sequence. Only an engine writes it; its receiver refuses it from
     * clients. Body: the epoch.
     */
    public static final short NEW_EPOCH = 14;
    /**
     * The sale at an index in creation order (body: the index): an operator's list of every sale, one sale per
     * reply, so that no event outgrows its bound. Answered with SALE_INFO, or REJECTED UNKNOWN_SALE past the last.
     */
    public static final short QUERY_SALE_AT = 15;
    static final short MAX_COMMAND = 15;

    /** Reply to a purchase that reserved stock (HTTP 201). */
    public static final short ORDER_ACCEPTED = 101;
    /** Reply to a purchase whose (user, Idempotency-Key) already has an order: the original (HTTP 200). */
    public static final short ORDER_REPLAYED = 102;
    public static final short ORDER_CANCELLED = 103;
    public static final short ORDER_CONFIRMED = 104;
    /** Broadcast: a reservation passed its TTL and its stock went back to the sale. */
    public static final short ORDER_EXPIRED = 105;
    /** Reply to an order query. */
    public static final short ORDER_INFO = 106;
    public static final short REJECTED = 107;
    /** Reply to sale commands and queries: the sale's figures. */
    public static final short SALE_INFO = 108;
    /** Broadcast: a sale's status or remaining stock changed; feeds the edges' status caches. */
    public static final short SALE_STATUS_CHANGED = 109;
    /** Reply to a tick (value = reservations expired) or a snapshot (value = its sequence). */
    public static final short ACK = 110;
    /** Reply to QUERY_ENGINE: role, epoch, sequence, durable sequence, the standby's state. */
    public static final short ENGINE_STATUS = 111;

    public static final short VERSION = 1;

    private MessageTypes()
    {
    }

    public static boolean isCommand(final int type)
    {
        return type >= CREATE_SALE && type <= MAX_COMMAND;
    }

    /** Broadcast events are not replies to the command that caused them. */
    public static boolean isBroadcast(final int type)
    {
        return type == ORDER_EXPIRED || type == SALE_STATUS_CHANGED;
    }

    public static String name(final int type)
    {
        return switch (type)
        {
            case CREATE_SALE -> "CREATE_SALE";
            case ADJUST_STOCK -> "ADJUST_STOCK";
            case PAUSE_SALE -> "PAUSE_SALE";
            case RESUME_SALE -> "RESUME_SALE";
            case END_SALE -> "END_SALE";
            case PURCHASE -> "PURCHASE";
            case CANCEL_ORDER -> "CANCEL_ORDER";
            case CONFIRM_ORDER -> "CONFIRM_ORDER";
            case EXPIRE_RESERVATIONS -> "EXPIRE_RESERVATIONS";
            case SNAPSHOT -> "SNAPSHOT";
            case QUERY_SALE -> "QUERY_SALE";
            case QUERY_ORDER -> "QUERY_ORDER";
            case QUERY_ENGINE -> "QUERY_ENGINE";
            case NEW_EPOCH -> "NEW_EPOCH";
            case QUERY_SALE_AT -> "QUERY_SALE_AT";
            case ORDER_ACCEPTED -> "ORDER_ACCEPTED";
            case ORDER_REPLAYED -> "ORDER_REPLAYED";
            case ORDER_CANCELLED -> "ORDER_CANCELLED";
            case ORDER_CONFIRMED -> "ORDER_CONFIRMED";
            case ORDER_EXPIRED -> "ORDER_EXPIRED";
            case ORDER_INFO -> "ORDER_INFO";
            case REJECTED -> "REJECTED";
            case SALE_INFO -> "SALE_INFO";
            case SALE_STATUS_CHANGED -> "SALE_STATUS_CHANGED";
            case ACK -> "ACK";
            case ENGINE_STATUS -> "ENGINE_STATUS";
            default -> "UNKNOWN(" + type + ")";
        };
    }
}
