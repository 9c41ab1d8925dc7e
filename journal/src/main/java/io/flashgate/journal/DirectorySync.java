package io.flashgate.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Forces a folder's entries to disk, so a newly created, moved or deleted file survives a power loss
 * (forcing the file itself does not cover its name in the folder).
 */
final class DirectorySync
{
    private DirectorySync()
    {
    }

    static void force(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }
}
