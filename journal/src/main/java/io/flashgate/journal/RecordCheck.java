package io.flashgate.journal;

import static io.flashgate.journal.JournalFormat.MAX_PAYLOAD;
import static io.flashgate.journal.JournalFormat.RECORD_CRC_OFFSET;
import static io.flashgate.journal.JournalFormat.RECORD_HEADER_LENGTH;
import static io.flashgate.journal.JournalFormat.RECORD_LENGTH_OFFSET;
import static io.flashgate.journal.JournalFormat.RECORD_SEQUENCE_OFFSET;

/**
 * The rules a record in a mapped segment must pass. The scanner and replay both use it, so a record is judged
 * the same way at open and at replay. Allocates only when describing a failure.
 */
final class RecordCheck
{
    /** Outcome of checking one record. */
    enum Verdict
    {
        VALID,
        HEADER_CUT_SHORT,
        LENGTH_OUT_OF_RANGE,
        PAST_END_OF_FILE,
        CRC_MISMATCH,
        UNEXPECTED_SEQUENCE
    }

    private final RecordChecksum checksum = new RecordChecksum();

    /**
     * Checks the record at {@code offset} in order: header present, length in range, record inside the file,
     * CRC (so the sequence can be trusted), then sequence.
     */
    Verdict check(final MappedSegment segment, final int offset, final long expectedSequence)
    {
        final int fileLength = segment.length();
        if (fileLength - offset < RECORD_HEADER_LENGTH)
        {
            return Verdict.HEADER_CUT_SHORT;
        }
        final int payloadLength = segment.intAt(offset + RECORD_LENGTH_OFFSET);
        if (payloadLength < 0 || payloadLength > MAX_PAYLOAD)
        {
            return Verdict.LENGTH_OUT_OF_RANGE;
        }
        if (payloadLength > fileLength - offset - RECORD_HEADER_LENGTH)
        {
            return Verdict.PAST_END_OF_FILE;
        }
        if (!crcMatches(segment, offset, payloadLength))
        {
            return Verdict.CRC_MISMATCH;
        }
        if (segment.longAt(offset + RECORD_SEQUENCE_OFFSET) != expectedSequence)
        {
            return Verdict.UNEXPECTED_SEQUENCE;
        }
        return Verdict.VALID;
    }

    /** Payload length of a record that passed {@link #check}. */
    static int payloadLength(final MappedSegment segment, final int offset)
    {
        return segment.intAt(offset + RECORD_LENGTH_OFFSET);
    }

    /**
     * Looks byte by byte from {@code from} to the end of the file for a record that is plausible (length in
     * range, inside the file, sequence above {@code lastGoodSequence}) and whose CRC matches. Finding one
     * means the bad bytes before it are not a torn tail: a real record would be lost by cutting there.
     *
     * @return offset of the first such record, or -1 if there is none.
     */
    int findValidRecordFrom(final MappedSegment segment, final int from, final long lastGoodSequence)
    {
        final int lastHeaderStart = segment.length() - RECORD_HEADER_LENGTH;
        for (int offset = from; offset <= lastHeaderStart; offset++)
        {
            final int payloadLength = segment.intAt(offset + RECORD_LENGTH_OFFSET);
            if (payloadLength >= 0 && payloadLength <= MAX_PAYLOAD
                && payloadLength <= lastHeaderStart - offset
                && segment.longAt(offset + RECORD_SEQUENCE_OFFSET) > lastGoodSequence
                && crcMatches(segment, offset, payloadLength))
            {
                return offset;
            }
        }
        return -1;
    }

    /** Says why the record at {@code offset} failed {@link #check}; call only on failure. */
    static String describe(
        final Verdict verdict, final MappedSegment segment, final int offset, final long expectedSequence)
    {
        final int fileLength = segment.length();
        return switch (verdict)
        {
            case VALID -> "record is valid";
            case HEADER_CUT_SHORT -> "record header cut short: " + (fileLength - offset) + " of "
                + RECORD_HEADER_LENGTH + " bytes before end of file";
            case LENGTH_OUT_OF_RANGE -> "record length " + segment.intAt(offset + RECORD_LENGTH_OFFSET)
                + " outside 0.." + MAX_PAYLOAD;
            case PAST_END_OF_FILE -> "record of " + segment.intAt(offset + RECORD_LENGTH_OFFSET)
                + " payload bytes runs past end of file (" + fileLength + " bytes)";
            case CRC_MISMATCH -> String.format("CRC mismatch (stored 0x%08X, computed 0x%08X)",
                segment.intAt(offset + RECORD_CRC_OFFSET),
                new RecordChecksum().ofRecord(segment.byteBuffer(), offset, payloadLength(segment, offset)));
            case UNEXPECTED_SEQUENCE -> "sequence " + segment.longAt(offset + RECORD_SEQUENCE_OFFSET)
                + " where " + expectedSequence + " was expected";
        };
    }

    private boolean crcMatches(final MappedSegment segment, final int offset, final int payloadLength)
    {
        return checksum.ofRecord(segment.byteBuffer(), offset, payloadLength)
            == segment.intAt(offset + RECORD_CRC_OFFSET);
    }
}
