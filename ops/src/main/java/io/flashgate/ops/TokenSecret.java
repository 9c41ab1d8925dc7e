package io.flashgate.ops;

import io.flashgate.config.FlashgateConfig;
import io.flashgate.edge.EdgeConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The HS256 secret shared by the edges and {@code ops/flashgate token}: the configured one, else the one kept in
 * the data folder, else a new random one written there (owner-only) so restarts keep shoppers' tokens valid.
 */
final class TokenSecret
{
    static final String FILE_NAME = "token-secret";

    private TokenSecret()
    {
    }

    static String resolve(final FlashgateConfig config) throws IOException
    {
        if (config.edge().secret().isPresent())
        {
            return config.edge().secret().get();
        }
        final Path folder = config.engine().dataDir();
        final Path file = folder.resolve(FILE_NAME);
        if (!Files.exists(file))
        {
            Files.createDirectories(folder);
            try
            {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, EdgeConfig.randomSecret() + "\n", StandardCharsets.US_ASCII);
            }
            catch (final FileAlreadyExistsException raced)
            {
                // Another process made it first: use theirs.
            }
        }
        final String secret = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (secret.isEmpty())
        {
            throw new IOException(file + " is empty: delete it to get a new secret, or set FLASHGATE_TOKEN_SECRET");
        }
        return secret;
    }
}
