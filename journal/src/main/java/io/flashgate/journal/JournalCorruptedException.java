package io.flashgate.journal;

import java.nio.file.Path;

/**
 * The journal holds damage that is not a torn tail (see {@link JournalScanner}), or a record failed its check
 * during replay. Nothing is applied past it and nothing is cut: an operator has to decide.
 */
public final class JournalCorruptedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** Transient: Path is not serializable; the message still names it. */
    private final transient Path segment;
    /** Byte offset of the damage in the segment. */
    private final long offset;
    /** What is wrong, without segment and offset. */
    private final String reason;

    /**
     * @param segment the segment file holding the damage.
     * @param offset  byte offset of the damage in that file.
     * @param reason  what is wrong there.
     */
    public JournalCorruptedException(final Path segment, final long offset, final String reason)
    {
        super("journal corrupted: " + segment + " at offset " + offset + ": " + reason);
        this.segment = segment;
        this.offset = offset;
        this.reason = reason;
    }

    /** @return the segment file holding the damage. */
    public Path segment()
    {
        return segment;
    }

    /** @return byte offset of the damage in {@link #segment()}. */
    public long offset()
    {
        return offset;
    }

    /** @return what is wrong, without segment and offset. */
    public String reason()
    {
        return reason;
    }
}
