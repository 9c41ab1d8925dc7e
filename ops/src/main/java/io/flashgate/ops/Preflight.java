package io.flashgate.ops;

import io.flashgate.config.LoadedConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before any part starts, what would otherwise fail half-way through start-up with a stack trace and a
 * driver to clean up: the data folder can be written, the TCP ports to serve on are free.
 */
final class Preflight
{
    private Preflight()
    {
    }

    /** Creates {@code engine.dataDir} if missing and proves a file can be written in it. */
    static void dataFolderWritable(final LoadedConfig loaded) throws EnvironmentException
    {
        final Path folder = loaded.config().engine().dataDir();
        try
        {
            Files.createDirectories(folder);
            Files.delete(Files.createTempFile(folder, ".flashgate-write-check", ".tmp"));
        }
        catch (final IOException | SecurityException ex)
        {
            throw new EnvironmentException("engine.dataDir: folder " + folder.toAbsolutePath() + " cannot be written ("
                + reason(ex) + ") (" + loaded.origin("engine.dataDir") + ")");
        }
    }

    /** What went wrong in words, not an exception's class name. */
    private static String reason(final Exception ex)
    {
        if (ex instanceof java.nio.file.FileAlreadyExistsException || ex instanceof java.nio.file.NotDirectoryException)
        {
            return "a file is in the way: " + ex.getMessage();
        }
        if (ex instanceof java.nio.file.AccessDeniedException || ex instanceof SecurityException)
        {
            return "permission denied: " + ex.getMessage();
        }
        return String.valueOf(ex.getMessage());
    }

    /** Proves {@code host:port} (the setting {@code portKey}) can be listened on now. */
    static void portFree(final LoadedConfig loaded, final String host, final int port, final String portKey)
        throws EnvironmentException
    {
        try (ServerSocket socket = new ServerSocket())
        {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        }
        catch (final IOException ex)
        {
            throw new EnvironmentException(portKey + ": cannot listen on " + host + ":" + port + " (" + ex.getMessage()
                + ") (" + loaded.origin(portKey) + ")");
        }
    }
}
