package io.flashgate.protocol;

/**
 * The sizes every module needs to know about the one binary encoding, kept beside the flyweights so that
 * nobody hard-codes them: the header every command and event starts with, and the most bytes a command
 * may take. Buffers that hold one command are sized by {@link #MAX_COMMAND_LENGTH}.
 */
public final class WireFormat
{
    /** type, version, source id, correlation id, sequence, timestamp: the header of commands and events. */
    public static final int HEADER_LENGTH = CommandLayout.HEADER_LENGTH;

    /** The longest well-formed command: a purchase with three ids of {@link Ids#MAX_LENGTH} characters and an address. */
    public static final int LONGEST_VALID_COMMAND =
        CommandLayout.PURCHASE_FIXED + 3 * (1 + Ids.MAX_LENGTH) + CommandLayout.ADDRESS_LENGTH;

    /**
     * The protocol's limit on a command's length. A longer one is rejected with {@link Reason#TOO_LONG}.
     * It leaves room above {@link #LONGEST_VALID_COMMAND} for what {@link CommandEncoder} writes for an
     * over-long id (one character more than allowed, so the engine rejects it rather than cut it).
     */
    public static final int MAX_COMMAND_LENGTH = 256;

    /** The longest event: a draw's record with a sale id and a seed of {@link Ids#MAX_LENGTH} characters. */
    public static final int MAX_EVENT_LENGTH = EventLayout.MAX_EVENT_LENGTH;

    /**
     * The length prefix of each frame in a message that carries several commands or events ({@link BatchWriter},
     * {@link BatchReader}): every message on the engine's ingress and egress streams is such a batch.
     */
    public static final int FRAME_HEADER_LENGTH = 4;

    private WireFormat()
    {
    }
}
