package io.flashgate.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The segment file the journal appends to: its write channel, how many bytes are in the file and how many
 * records were appended to it (including ones still in the batch).
 */
final class ActiveSegment implements AutoCloseable
{
    private final SegmentFile file;
    private final FileChannel channel;
    private final JournalIo io;
    private long bytesInFile;
    private long records;
    private boolean unforcedWrites;

    private ActiveSegment(final SegmentFile file, final FileChannel channel, final long bytesInFile, final long records,
        final JournalIo io)
    {
        this.io = io;
        this.file = file;
        this.channel = channel;
        this.bytesInFile = bytesInFile;
        this.records = records;
    }

    /** Creates a new, empty segment file; its header goes out with the first batch. */
    static ActiveSegment create(final SegmentFile file, final boolean syncDirectory, final JournalIo io)
        throws IOException
    {
        final FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        if (syncDirectory)
        {
            DirectorySync.force(file.path().getParent());
        }
        return new ActiveSegment(file, channel, 0, 0, io);
    }

    /** Reopens a recovered segment to append after its last valid record. */
    static ActiveSegment reopen(final SegmentFile file, final long validBytes, final long records, final JournalIo io)
        throws IOException
    {
        return new ActiveSegment(file, FileChannel.open(file.path(), StandardOpenOption.WRITE), validBytes, records,
            io);
    }

    SegmentFile file()
    {
        return file;
    }

    long bytesInFile()
    {
        return bytesInFile;
    }

    boolean hasRecords()
    {
        return records > 0;
    }

    void recordAppended()
    {
        records++;
    }

    void write(final RecordBatch batch) throws IOException
    {
        io.beforeWrite(file.path());
        bytesInFile += batch.writeTo(channel, bytesInFile);
        unforcedWrites = true;
    }

    /** fdatasync, only if something was written since the last one. */
    void force() throws IOException
    {
        if (unforcedWrites)
        {
            io.beforeForce(file.path());
            channel.force(false);
            unforcedWrites = false;
        }
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }
}
