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
    /**
     * CREATE_SALE with what a sale created since draw mode also carries: its mode (first come, or a draw), the
     * most accounts one client address may use in it (0: no cap), and for a draw the SHA-256 of the operator's
     * secret seed. CREATE_SALE stays readable (a first-come sale without a cap).
     */
    public static final short CREATE_SALE_V2 = 16;
    /** A shopper enters a draw sale's lottery (docs/DRAW.md): sale, user, quantity, client address. */
    public static final short ENTER_DRAW = 17;
    /** A shopper withdraws their entry while the window is open. */
    public static final short WITHDRAW_ENTRY = 18;
    /** A shopper's entry: entered, won (with the order), waiting (with a place) or not selected. */
    public static final short QUERY_ENTRY = 19;
    /** The operator reveals the seed: business logic checks it against the sale's seed hash and draws. */
    public static final short RUN_DRAW = 20;
    /** The public record of a draw: seed, hashes, counts. */
    public static final short QUERY_DRAW = 21;
    /** A page of the draw's winners, hashed ids in draw order. */
    public static final short QUERY_DRAW_WINNERS = 22;
    static final short MAX_COMMAND = 22;

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
    /** Reply to ENTER_DRAW that recorded a new entry (HTTP 201). */
    public static final short ENTRY_ACCEPTED = 112;
    /** Reply to ENTER_DRAW from a user who already has an entry: that entry (HTTP 200). */
    public static final short ENTRY_REPLAYED = 113;
    public static final short ENTRY_WITHDRAWN = 114;
    /** Reply to QUERY_ENTRY. */
    public static final short ENTRY_INFO = 115;
    /** Reply to the RUN_DRAW that drew (HTTP 201). */
    public static final short DRAW_COMPLETED = 116;
    /** Reply to QUERY_DRAW, or to a RUN_DRAW repeated with the right seed after the draw (HTTP 200). */
    public static final short DRAW_INFO = 117;
    /** Reply to QUERY_DRAW_WINNERS. */
    public static final short DRAW_WINNERS = 118;
    /**
     * Broadcast: an order made by a draw, for a winner or for the next on the waiting list when a reservation came
     * back. Not a reply: the command that caused it (a draw, an expiry, a cancel) has its own.
     */
    public static final short ORDER_ALLOCATED = 119;

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
        return type == ORDER_EXPIRED || type == SALE_STATUS_CHANGED || type == ORDER_ALLOCATED;
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
            case CREATE_SALE_V2 -> "CREATE_SALE_V2";
            case ENTER_DRAW -> "ENTER_DRAW";
            case WITHDRAW_ENTRY -> "WITHDRAW_ENTRY";
            case QUERY_ENTRY -> "QUERY_ENTRY";
            case RUN_DRAW -> "RUN_DRAW";
            case QUERY_DRAW -> "QUERY_DRAW";
            case QUERY_DRAW_WINNERS -> "QUERY_DRAW_WINNERS";
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
            case ENTRY_ACCEPTED -> "ENTRY_ACCEPTED";
            case ENTRY_REPLAYED -> "ENTRY_REPLAYED";
            case ENTRY_WITHDRAWN -> "ENTRY_WITHDRAWN";
            case ENTRY_INFO -> "ENTRY_INFO";
            case DRAW_COMPLETED -> "DRAW_COMPLETED";
            case DRAW_INFO -> "DRAW_INFO";
            case DRAW_WINNERS -> "DRAW_WINNERS";
            case ORDER_ALLOCATED -> "ORDER_ALLOCATED";
            default -> "UNKNOWN(" + type + ")";
        };
    }
}
