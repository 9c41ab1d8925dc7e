package io.flashgate.journal;

import static io.flashgate.journal.JournalFormat.RECORD_HEADER_LENGTH;
import static io.flashgate.journal.JournalFormat.SEGMENT_HEADER_LENGTH;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Follows a journal folder as an engine appends to it, read-only: it never changes, cuts or creates a file and takes
 * no lock, so it runs beside the engine (or a standby) without touching anything the engine needs. Each
 * {@link #poll} maps the current segment afresh, delivers the whole, checked records that are new since the last
 * poll, and moves to the next segment when the journal rolls.
 *
 * <p>A record that does not pass its check at the end of the last segment is a write still in flight or a torn tail:
 * the tail stops before it and tries again on the next poll ({@link #waitingOn()} says where), exactly as the engine
 * would cut it on recovery and then append valid records in its place. A bad record with a later segment after it is
 * corruption: {@link JournalCorruptedException}, as for {@link JournalScanner}. Not thread-safe: one thread.
 */
public final class JournalTail
{
    private final Path directory;
    private final RecordCheck check = new RecordCheck();
    private SegmentFile segment;
    private int offset;
    private long expected;
    private String waitingOn;
    /** Records up to here were delivered (or were before the start): never again, whatever files do. */
    private long lastDelivered;
    private long bytesDelivered;

    private JournalTail(final Path directory, final long afterSequence)
    {
        this.directory = directory;
        this.lastDelivered = afterSequence;
    }

    /**
     * A tail that delivers the records after {@code afterSequence}; nothing is read until the first {@link #poll}.
     *
     * @param directory     the journal folder; it must exist (it may still be empty).
     * @param afterSequence the last record already seen (0 for all).
     */
    public static JournalTail after(final Path directory, final long afterSequence) throws IOException
    {
        if (!Files.isDirectory(directory))
        {
            throw new NoSuchFileException(directory.toString(), null, "no such journal folder");
        }
        return new JournalTail(directory, afterSequence);
    }

    /**
     * Delivers up to {@code limit} new records, in order. Records at or before the starting sequence are passed over
     * (checked, not delivered).
     *
     * @return records delivered; 0 when nothing new is whole yet.
     * @throws JournalCorruptedException if a record fails its check where no torn tail can be, or segments have a gap.
     */
    public int poll(final RecordHandler handler, final int limit) throws IOException
    {
        if (segment == null && !start())
        {
            return 0;
        }
        int delivered = 0;
        while (delivered < limit)
        {
            final boolean endOfSegment;
            final MappedSegment current;
            try
            {
                current = MappedSegment.map(segment.path());
            }
            catch (final NoSuchFileException vanished)
            {
                // An engine's recovery deletes a last segment it finds without records: look again from here.
                segment = null;
                return delivered;
            }
            try (MappedSegment mapped = current)
            {
                if (offset == 0)
                {
                    if (mapped.length() < SEGMENT_HEADER_LENGTH)
                    {
                        waitingOn = segment.path() + ": segment header not complete yet";
                        return delivered;
                    }
                    final String problem = SegmentHeader.problem(mapped, segment.firstSequence());
                    if (problem != null)
                    {
                        throw new JournalCorruptedException(segment.path(), 0, problem);
                    }
                    offset = SEGMENT_HEADER_LENGTH;
                }
                while (delivered < limit && offset < mapped.length())
                {
                    final RecordCheck.Verdict verdict = check.check(mapped, offset, expected);
                    if (verdict != RecordCheck.Verdict.VALID)
                    {
                        waitingOn = segment.path() + " offset " + offset + ": "
                            + RecordCheck.describe(verdict, mapped, offset, expected);
                        break;
                    }
                    final int payloadLength = RecordCheck.payloadLength(mapped, offset);
                    if (expected > lastDelivered)
                    {
                        handler.onRecord(expected, mapped.buffer(), offset + RECORD_HEADER_LENGTH, payloadLength);
                        lastDelivered = expected;
                        bytesDelivered += RECORD_HEADER_LENGTH + payloadLength;
                        delivered++;
                    }
                    offset += RECORD_HEADER_LENGTH + payloadLength;
                    expected++;
                    waitingOn = null;
                }
                endOfSegment = offset >= mapped.length();
            }
            // One pass over what the file held when mapped: a journal growing as fast as it is read must not keep a
            // poll from returning. Only a roll to the next segment is followed at once.
            if (delivered >= limit || !moveToNextSegment(endOfSegment))
            {
                return delivered;
            }
        }
        return delivered;
    }

    /** @return the last record read (delivered or passed over); {@code afterSequence} before the first. */
    public long lastSequence()
    {
        return segment == null ? lastDelivered : Math.max(lastDelivered, expected - 1);
    }

    /** @return bytes of the records delivered so far, headers included, as they stand in the segment files. */
    public long bytesDelivered()
    {
        return bytesDelivered;
    }

    /** @return where the tail waits for a record to become whole (a write in flight or a torn tail), or null. */
    public String waitingOn()
    {
        return waitingOn;
    }

    /** Finds the segment holding the record after the last delivered one; false if there is none yet. */
    private boolean start() throws IOException
    {
        final List<SegmentFile> segments = SegmentFile.listIn(directory);
        if (segments.isEmpty())
        {
            waitingOn = directory + ": no segment yet";
            return false;
        }
        SegmentFile chosen = segments.get(0);
        for (final SegmentFile candidate : segments)
        {
            if (candidate.firstSequence() <= lastDelivered + 1)
            {
                chosen = candidate;
            }
        }
        if (chosen.firstSequence() > lastDelivered + 1)
        {
            throw new JournalCorruptedException(chosen.path(), 0, "the journal starts at sequence "
                + chosen.firstSequence() + ": records " + (lastDelivered + 1) + ".." + (chosen.firstSequence() - 1)
                + " are gone");
        }
        open(chosen);
        return true;
    }

    /**
     * After this segment's last whole record: the journal rolls to a file named for the next sequence. A next file
     * while bytes that do not check remain here is corruption (a torn tail can only be the last segment's).
     *
     * @return true if the tail moved on.
     */
    private boolean moveToNextSegment(final boolean endOfSegment) throws IOException
    {
        SegmentFile next = null;
        for (final SegmentFile candidate : SegmentFile.listIn(directory))
        {
            if (candidate.firstSequence() > segment.firstSequence())
            {
                next = candidate;
                break;
            }
        }
        if (next == null)
        {
            return false;
        }
        if (wholeNow())
        {
            // The segment grew after it was mapped (a write in flight then, or whole batches since, and then the
            // roll to the next segment): read the rest of it first.
            return true;
        }
        if (!endOfSegment)
        {
            throw new JournalCorruptedException(segment.path(), offset, "a record that does not check is followed "
                + "by the segment " + next.path().getFileName() + ", so it is not a torn tail: " + waitingOn);
        }
        if (next.firstSequence() != expected)
        {
            throw new JournalCorruptedException(next.path(), 0, "segment starts at sequence " + next.firstSequence()
                + " where " + expected + " was expected");
        }
        open(next);
        return true;
    }

    /** Maps the segment again: does the record where the tail stopped check now? */
    private boolean wholeNow() throws IOException
    {
        try (MappedSegment mapped = MappedSegment.map(segment.path()))
        {
            return check.check(mapped, offset, expected) == RecordCheck.Verdict.VALID;
        }
    }

    private void open(final SegmentFile file)
    {
        segment = file;
        offset = 0;
        expected = file.firstSequence();
        waitingOn = null;
    }
}
