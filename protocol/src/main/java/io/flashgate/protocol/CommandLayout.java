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

    /** CREATE_SALE_V2: CREATE_SALE's fields, then the mode, the cap of accounts per address and the seed hash. */
    static final int CREATE2_MODE = 60;
    static final int CREATE2_ACCOUNTS_PER_ADDRESS = 64;
    static final int CREATE2_SEED_HASH = 68;
    static final int CREATE2_FIXED = 100;

    /** ENTER_DRAW: quantity as a long (like a purchase, so a huge one is refused, not wrapped), the address. */
    static final int ENTER_QUANTITY = 32;
    static final int ENTER_ADDRESS = 40;
    static final int ENTER_FIXED = 56;

    /** QUERY_DRAW_WINNERS: the first winner of the page. */
    static final int WINNERS_FROM = 32;
    static final int WINNERS_FIXED = 40;

    /** The client address: 16 bytes, an IPv4 address mapped into IPv6 (::ffff:a.b.c.d); all zero when unknown. */
    static final int ADDRESS_LENGTH = 16;
    static final int SEED_HASH_LENGTH = 32;

    static final int EPOCH_VALUE = 32;
    static final int EPOCH_FIXED = 40;

    static final int SALE_INDEX = 32;
    static final int SALE_INDEX_FIXED = 36;

    private CommandLayout()
    {
    }
}
