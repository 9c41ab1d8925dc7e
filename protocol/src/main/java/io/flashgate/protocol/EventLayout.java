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
    static final int SALE_STARTS_AT = 64;
    static final int SALE_ENDS_AT = 72;
    static final int SALE_FIXED = 80;

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

    /** The longest event: a sale or order event with two 64-byte ids. */
    static final int MAX_EVENT_LENGTH = SALE_FIXED + 2 * (1 + Ids.MAX_LENGTH);

    private EventLayout()
    {
    }
}
