package io.flashgate.protocol;

/**
 * Byte offsets of the command encoding (little-endian). Header: type, version, source (the edge or
 * session that sent it), correlation id (the sender's), sequence and timestamp (stamped by the
 * engine's receiver). Each id is one length byte then ASCII.
 */
final class CommandLayout
{
    /** Where a body begins: after the {@link MessageHeader}. */
    static final int HEADER_LENGTH = MessageHeader.LENGTH;

    static final int CREATE_STOCK = 32;
    static final int CREATE_LIMIT = 36;
    static final int CREATE_STARTS_AT = 40;
    static final int CREATE_ENDS_AT = 48;
    static final int CREATE_TTL = 56;
    static final int CREATE_FIXED = 60;

    static final int ADJUST_DELTA = 32;
    static final int ADJUST_FIXED = 40;

    static final int PURCHASE_QUANTITY = 32;
    static final int PURCHASE_FIXED = 40;

    static final int ORDER_ID = 32;
    static final int ORDER_FIXED = 40;

    static final int EPOCH_VALUE = 32;
    static final int EPOCH_FIXED = 40;

    static final int SALE_INDEX = 32;
    static final int SALE_INDEX_FIXED = 36;

    private CommandLayout()
    {
    }
}
