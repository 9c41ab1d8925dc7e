package io.flashgate.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Running Debian's PostgreSQL commands for {@link PrivatePostgres}: where they are, each with a deadline (its whole
 * process tree ended when it passes), one line of its output in the error, and as root the folder handed to the
 * {@code postgres} user.
 */
final class PostgresCommands
{
    private static final long COMMAND_SECONDS = 60;

    private PostgresCommands()
    {
    }

    /** As root, the folder must belong to postgres, which also needs to pass through its parents. */
    static void handToPostgres(final Path path) throws SinkException
    {
        if (!isRoot())
        {
            return;
        }
        command("chown", List.of("chown", "-R", "postgres:postgres", path.toString()), "");
    }

    static void command(final String what, final List<String> command, final String hint) throws SinkException
    {
        Path output = null;
        try
        {
            // Output to a file, not a pipe: a server started by pg_ctl could otherwise hold the pipe open.
            output = Files.createTempFile("flashgate-pg", ".out");
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
            if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS))
            {
                // the whole tree: initdb's single-user server, left running, would hold the folder for good
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new SinkException(SinkException.ENVIRONMENT, what + " did not finish within " + COMMAND_SECONDS
                    + " s");
            }
            if (process.exitValue() != 0)
            {
                final String text = Files.readString(output, StandardCharsets.UTF_8).strip();
                final String last = text.isEmpty() ? "" : text.lines().reduce((a, b) -> b).orElse("");
                throw new SinkException(SinkException.ENVIRONMENT, what + " failed (exit " + process.exitValue()
                    + "): " + last + (hint.isEmpty() ? "" : "; " + hint));
            }
        }
        catch (final IOException ex)
        {
            throw new SinkException(SinkException.ENVIRONMENT, what + " could not run: " + ex.getMessage());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new SinkException(SinkException.ENVIRONMENT, what + " was interrupted");
        }
        finally
        {
            if (output != null)
            {
                try
                {
                    Files.deleteIfExists(output);
                }
                catch (final IOException ignored)
                {
                    // a temp file
                }
            }
        }
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin} with initdb and pg_ctl. */
    static Path binaries() throws SinkException
    {
        final Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root))
        {
            try (Stream<Path> versions = Files.list(root))
            {
                final Path found = versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(PostgresCommands::majorVersion)).orElse(null);
                if (found != null)
                {
                    return found;
                }
            }
            catch (final IOException ex)
            {
                // reported below
            }
        }
        throw new SinkException(SinkException.ENVIRONMENT, "no PostgreSQL under /usr/lib/postgresql/*/bin: run "
            + "ops/install-prerequisites.sh (Debian's postgresql package)");
    }

    private static int majorVersion(final Path bin)
    {
        try
        {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    static boolean isRoot()
    {
        return "root".equals(System.getProperty("user.name"));
    }
}
