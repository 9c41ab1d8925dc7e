package io.flashgate.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checksummed snapshots of opaque state, one file per snapshot: {@code snapshot-%020d.snap}, named by the
 * sequence the state includes. Little-endian layout:
 * <pre>
 * int magic 0x4E534746 ("FGSN" as bytes), int format version 1, long sequence, int payload length,
 * int CRC32C of the payload, payload
 * </pre>
 * Files are written to a temporary name, forced and then atomically renamed, so a crash never leaves a
 * half-written file under a snapshot name; a leftover temporary file is ignored.
 */
public final class SnapshotStore
{
    static final int MAGIC = 0x4E534746;
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 24;

    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.snap");
    private static final String TEMP_SUFFIX = ".tmp";
    /** Suffix of a snapshot set aside because the journal does not reach its sequence. */
    public static final String BEYOND_JOURNAL_SUFFIX = ".beyond-journal";

    private final Path directory;
    private final JournalIo io;

    /**
     * @param directory folder for the snapshot files; created on the first {@link #write}.
     */
    public SnapshotStore(final Path directory)
    {
        this(directory, JournalIo.REAL);
    }

    /** As {@link #SnapshotStore(Path)}, with a hook before each write and fsync (tests make the disk fail). */
    public SnapshotStore(final Path directory, final JournalIo io)
    {
        this.directory = directory;
        this.io = io;
    }

    /** The folder the snapshots are written to. */
    public Path directory()
    {
        return directory;
    }

    /**
     * Writes a snapshot atomically: to a temporary file, forced to disk, then moved to its final name, and the
     * folder forced so the name survives a power loss too.
     *
     * @param sequence the journal sequence the state includes.
     * @param state    buffer holding the state.
     * @param offset   where the state starts in {@code state}.
     * @param length   state length in bytes.
     * @return the snapshot file.
     * @throws IOException if writing fails; no file is left under the snapshot name then.
     */
    public Path write(final long sequence, final DirectBuffer state, final int offset, final int length)
        throws IOException
    {
        if (sequence < 0)
        {
            throw new IllegalArgumentException("sequence " + sequence + " is negative");
        }
        Files.createDirectories(directory);
        final ByteBuffer file = ByteBuffer.allocateDirect(HEADER_LENGTH + length).order(ByteOrder.LITTLE_ENDIAN);
        state.getBytes(offset, file, HEADER_LENGTH, length);
        file.putInt(0, MAGIC)
            .putInt(4, VERSION)
            .putLong(8, sequence)
            .putInt(16, length)
            .putInt(20, crcOf(file.duplicate().position(HEADER_LENGTH)));

        final Path target = directory.resolve(fileName(sequence));
        final Path temp = directory.resolve(fileName(sequence) + TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            io.beforeWrite(temp);
            while (file.hasRemaining())
            {
                channel.write(file);
            }
            io.beforeForce(temp);
            channel.force(true);
        }
        catch (final IOException | RuntimeException ex)
        {
            // A half-written temporary file is never trusted (it has no snapshot name), but it holds disk space.
            try
            {
                Files.deleteIfExists(temp);
            }
            catch (final IOException suppressed)
            {
                ex.addSuppressed(suppressed);
            }
            throw ex;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DirectorySync.force(directory);
        return target;
    }

    /**
     * Loads the newest snapshot with {@code sequence <= maxSequence} whose header and checksum verify. Newer
     * ones that fail are skipped and listed with the reason; ones above {@code maxSequence} are ignored.
     *
     * @param maxSequence highest sequence acceptable, e.g. the journal's last sequence.
     * @return the snapshot found, if any, and the ones skipped.
     * @throws IOException if the folder or a file cannot be read.
     */
    public SnapshotLoad loadNewest(final long maxSequence) throws IOException
    {
        final List<Path> files = list();
        final List<String> skipped = new ArrayList<>();
        for (int i = files.size() - 1; i >= 0; i--)
        {
            final Path file = files.get(i);
            final long sequence = sequenceOf(file);
            if (sequence > maxSequence)
            {
                continue;
            }
            final byte[] bytes = Files.readAllBytes(file);
            final String problem = problemOf(bytes, sequence);
            if (problem != null)
            {
                skipped.add(file + ": " + problem);
                continue;
            }
            final int length = bytes.length - HEADER_LENGTH;
            final Snapshot snapshot = new Snapshot(sequence, file, new UnsafeBuffer(bytes, HEADER_LENGTH, length),
                length);
            return new SnapshotLoad(Optional.of(snapshot), skipped);
        }
        return new SnapshotLoad(Optional.empty(), skipped);
    }

    /**
     * @return the snapshot files, by sequence (oldest first); temporary files are not listed. Empty if the
     * folder does not exist.
     * @throws IOException if the folder cannot be listed.
     */
    public List<Path> list() throws IOException
    {
        if (!Files.isDirectory(directory))
        {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory))
        {
            return files
                .filter(path -> NAME.matcher(path.getFileName().toString()).matches())
                .sorted(Comparator.comparingLong(SnapshotStore::sequenceOf))
                .toList();
        }
    }

    /**
     * Renames every snapshot past {@code lastSequence} to {@code <name>.beyond-journal} (never deletes). Business
     * logic writes a snapshot in parallel with the journal writer, so after a crash one can describe commands that
     * never became durable; once new commands reuse those sequences it would describe a history that never was.
     *
     * @return the files set aside, by their new names.
     * @throws IOException if a rename fails.
     */
    public List<Path> setAsideBeyond(final long lastSequence) throws IOException
    {
        final List<Path> setAside = new ArrayList<>();
        for (final Path file : list())
        {
            if (sequenceOf(file) > lastSequence)
            {
                final Path target = file.resolveSibling(file.getFileName() + BEYOND_JOURNAL_SUFFIX);
                Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                setAside.add(target);
            }
        }
        return setAside;
    }

    static String fileName(final long sequence)
    {
        return String.format("snapshot-%020d.snap", sequence);
    }

    private static long sequenceOf(final Path file)
    {
        final Matcher matcher = NAME.matcher(file.getFileName().toString());
        if (!matcher.matches())
        {
            throw new IllegalArgumentException(file + " is not a snapshot file name");
        }
        return Long.parseLong(matcher.group(1));
    }

    /** @return why the file does not verify, or null if it does. */
    private static String problemOf(final byte[] bytes, final long sequenceInName)
    {
        if (bytes.length < HEADER_LENGTH)
        {
            return "too short for a header (" + bytes.length + " of " + HEADER_LENGTH + " bytes)";
        }
        final ByteBuffer file = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (file.getInt(0) != MAGIC)
        {
            return String.format("not a Flashgate snapshot (magic 0x%08X)", file.getInt(0));
        }
        if (file.getInt(4) != VERSION)
        {
            return "unsupported format version " + file.getInt(4);
        }
        if (file.getLong(8) != sequenceInName)
        {
            return "header says sequence " + file.getLong(8) + " but the file name says " + sequenceInName;
        }
        final int length = file.getInt(16);
        if (length != bytes.length - HEADER_LENGTH)
        {
            return "header says " + length + " payload bytes but the file holds " + (bytes.length - HEADER_LENGTH);
        }
        final int stored = file.getInt(20);
        final int computed = crcOf(file.position(HEADER_LENGTH));
        if (stored != computed)
        {
            return String.format("CRC mismatch (stored 0x%08X, computed 0x%08X)", stored, computed);
        }
        return null;
    }

    private static int crcOf(final ByteBuffer remaining)
    {
        final CRC32C crc = new CRC32C();
        crc.update(remaining);
        return (int)crc.getValue();
    }
}
