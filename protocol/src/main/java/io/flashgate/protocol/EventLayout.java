package io.flashgate.protocol;

/** Byte offsets of the event encoding (little-endian); the header mirrors the command's. */
final class EventLayout
{
    /** Where a body begins: after the {@link MessageHeader}. */
    static final int HEADER_LENGTH = MessageHeader.LENGTH;

    static final int ORDER_ID = 32;
    static final int ORDER_QUANTITY = 40;
    static final int ORDER_STATUS = 44;
    static final int ORDER_EXPIRES_AT = 48;
    static final int ORDER_FIXED = 56;

    static final int REJECT_REASON = 32;
    static final int REJECT_COMMAND_TYPE = 34;
    static final int REJECT_LENGTH = 36;

    static final int SALE_STOCK = 32;
    static final int SALE_RESERVED = 36;
    static final int SALE_CONFIRMED = 40;
    static final int SALE_LIMIT = 44;
    static final int SALE_BUYERS = 48;
    static final int SALE_STATUS = 52;
    static final int SALE_TTL = 56;
    /** Mode (byte), whether drawn (byte), whether the waiting list is closed (byte), one spare byte. */
    static final int SALE_MODE = 60;
    static final int SALE_DRAWN = 61;
    static final int SALE_WAITING_CLOSED = 62;
    static final int SALE_STARTS_AT = 64;
    static final int SALE_ENDS_AT = 72;
    /** Entries of a draw sale (0 for a first-come one). */
    static final int SALE_ENTRIES = 80;
    static final int SALE_ACCOUNTS_PER_ADDRESS = 84;
    static final int SALE_FIXED = 88;

    /** ENTRY_*: the entry's state and quantity, its place (waiting list) and the sale's entries, its order if won. */
    static final int ENTRY_STATE = 32;
    static final int ENTRY_QUANTITY = 36;
    static final int ENTRY_POSITION = 40;
    static final int ENTRY_ENTRIES = 44;
    static final int ENTRY_ORDER_ID = 48;
    static final int ENTRY_ORDER_QUANTITY = 56;
    static final int ENTRY_ORDER_STATUS = 60;
    static final int ENTRY_ORDER_EXPIRES_AT = 64;
    static final int ENTRY_FIXED = 72;

    /** DRAW_COMPLETED / DRAW_INFO: the public record of a draw; ids: the sale, the seed. */
    static final int DRAW_SEED_HASH = 32;
    static final int DRAW_ENTRIES_HASH = 64;
    static final int DRAW_ENTRIES = 96;
    static final int DRAW_WINNERS_AT_DRAW = 100;
    static final int DRAW_WINNERS = 104;
    static final int DRAW_WAITING = 108;
    static final int DRAW_ALGORITHM_VERSION = 112;
    static final int DRAW_WAITING_CLOSED = 114;
    static final int DRAW_FIXED = 120;

    /** DRAW_WINNERS: a page of winners' hashed ids (32 bytes each) in draw order. */
    static final int WINNERS_FROM = 32;
    static final int WINNERS_TOTAL = 36;
    static final int WINNERS_COUNT = 40;
    static final int WINNERS_HASHES = 48;
    static final int WINNERS_PER_PAGE = 6;
    static final int HASH_LENGTH = 32;

    static final int ACK_VALUE = 32;
    static final int ACK_LENGTH = 40;

    static final int ENGINE_ROLE = 32;
    static final int ENGINE_STANDBY_STATE = 33;
    static final int ENGINE_EPOCH = 40;
    static final int ENGINE_SEQUENCE = 48;
    static final int ENGINE_DURABLE_SEQUENCE = 56;
    static final int ENGINE_STANDBY_ACKED = 64;
    static final int ENGINE_STANDBY_LAG = 72;
    /** The order sink's last committed sequence and its lag, as it last reported them to the engine (0: none). */
    static final int ENGINE_SINK_SEQUENCE = 80;
    static final int ENGINE_SINK_LAG = 88;
    static final int ENGINE_STATUS_LENGTH = 96;

    /** The longest event: a draw's record with two 64-byte ids (a sale, a seed). */
    static final int MAX_EVENT_LENGTH = Math.max(
        Math.max(SALE_FIXED, ENTRY_FIXED), Math.max(DRAW_FIXED, ORDER_FIXED)) + 2 * (1 + Ids.MAX_LENGTH);

    private EventLayout()
    {
    }
}
