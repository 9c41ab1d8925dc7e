package io.flashgate.engine.pair;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;

/**
 * This engine's id in its pair, 1..65535: the low bits of every epoch it starts (see
 * {@link PairConfig#nextEpochAbove}). Made at random on the first paired start and kept in
 * {@code <dataDir>/pair-id}, so it stays the same across restarts; two engines of a pair that drew the same id are
 * told apart by the log line each writes at start, and one file is then removed.
 */
final class PairId
{
    static final String FILE_NAME = "pair-id";

    private PairId()
    {
    }

    static int of(final Path dataDirectory) throws IOException
    {
        final Path file = dataDirectory.resolve(FILE_NAME);
        if (Files.exists(file))
        {
            final String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            try
            {
                final int id = Integer.parseInt(text);
                if (id >= 1 && id <= 0xFFFF)
                {
                    return id;
                }
            }
            catch (final NumberFormatException ignored)
            {
                // rewritten below
            }
            throw new IOException(file + " holds '" + text + "', not a pair id 1..65535: remove it to make a new one");
        }
        final int id = 1 + new SecureRandom().nextInt(0xFFFF);
        Files.createDirectories(dataDirectory);
        final Path temporary = dataDirectory.resolve(FILE_NAME + ".tmp");
        Files.writeString(temporary, Integer.toString(id) + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        return id;
    }
}
