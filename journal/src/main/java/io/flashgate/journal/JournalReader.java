package io.flashgate.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only access to a journal folder, for operator tools: it never changes, cuts or creates a file and takes no
 * lock, so it works beside a running engine. Opening scans the folder with {@link JournalScanner} (the same rules
 * {@link Journal#open} applies); replay then reads the <em>valid prefix</em>, every record before the first problem
 * the scan found (a torn tail, or corruption), through the same checking replay code as {@link Journal#replay}.
 *
 * <p>Beside a running engine the scan is a moment's view: records appended after it are not read, and a write in
 * flight at the very end may look like a torn tail. Not thread-safe: one thread per reader.
 */
public final class JournalReader
{
    private final ScanResult scan;
    private final List<SegmentFile> prefixSegments;
    private final SegmentReplayer replayer = new SegmentReplayer();

    private JournalReader(final ScanResult scan)
    {
        this.scan = scan;
        this.prefixSegments = prefixSegments(scan);
    }

    /**
     * Scans the folder; changes nothing.
     *
     * @param directory the journal folder.
     * @return a reader of its valid prefix.
     * @throws NoSuchFileException if the folder does not exist.
     * @throws IOException         if the folder or a file cannot be read.
     */
    public static JournalReader open(final Path directory) throws IOException
    {
        if (!Files.isDirectory(directory))
        {
            throw new NoSuchFileException(directory.toString(), null, "no such journal folder");
        }
        return new JournalReader(JournalScanner.scan(directory));
    }

    /** @return what the scan found: every segment, the valid prefix and the first problem. */
    public ScanResult scan()
    {
        return scan;
    }

    /** @return sequence of the first record of the valid prefix, or 0 if it is empty. */
    public long firstSequence()
    {
        return scan.firstSequence();
    }

    /** @return sequence of the last record of the valid prefix, or 0 if it is empty. */
    public long lastSequence()
    {
        return scan.lastSequence();
    }

    /** @return records in the valid prefix. */
    public long records()
    {
        return scan.records();
    }

    /**
     * Reads every record of the valid prefix after {@code afterSequence}; see {@link #replay(long, long, RecordHandler)}.
     *
     * @param afterSequence deliver records after this one (0 for all).
     * @param handler       called once per record.
     * @return records delivered.
     */
    public long replay(final long afterSequence, final RecordHandler handler)
    {
        return replay(afterSequence, scan.lastSequence(), handler);
    }

    /**
     * Reads the records with {@code afterSequence < sequence <= upToSequence} of the valid prefix, in order,
     * checking each record's CRC again as it goes. The buffer handed to {@code handler} is valid only during the
     * call, as with {@link Journal#replay}.
     *
     * @param afterSequence deliver records after this one (0 for all).
     * @param upToSequence  last record to deliver; capped at {@link #lastSequence()}.
     * @param handler       called once per record.
     * @return records delivered.
     * @throws JournalCorruptedException if a file changed since the scan so that a record no longer passes.
     * @throws UncheckedIOException      if a segment cannot be read.
     */
    public long replay(final long afterSequence, final long upToSequence, final RecordHandler handler)
    {
        try
        {
            return replayer.replay(prefixSegments, afterSequence, Math.min(upToSequence, scan.lastSequence()), handler);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading " + scan.directory() + " failed", ex);
        }
    }

    /** The segments holding the valid prefix: those before the first problem, and its own if records precede it. */
    private static List<SegmentFile> prefixSegments(final ScanResult scan)
    {
        final List<SegmentFile> segments = new ArrayList<>();
        for (final SegmentScan segment : scan.segments())
        {
            final boolean holdsPrefixRecords = segment.records() > 0 && segment.firstBadOffset() != 0;
            if (holdsPrefixRecords)
            {
                segments.add(new SegmentFile(segment.path(), segment.firstSequence()));
            }
            if (!segment.ok())
            {
                break;
            }
        }
        return segments;
    }
}
