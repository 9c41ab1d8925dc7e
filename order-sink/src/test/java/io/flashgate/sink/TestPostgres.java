package io.flashgate.sink;

import io.flashgate.processes.FreePorts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for the test classes of one test JVM: a {@link PrivatePostgres} in a fresh folder under the
 * system temp folder (not JUnit's, whose parents the postgres user may not enter), on a free port, stopped and
 * deleted when the JVM ends. Started once ({@link #shared}): initdb and a start cost seconds on a busy machine, and
 * the tests need no server of their own, only a database of their own ({@link #newDatabase}).
 */
final class TestPostgres implements AutoCloseable
{
    static final String USER = "sinktest";
    static final String PASSWORD = "sink-test-pw";
    /** Another process may take the free port before the server binds it: then a new port, a few times. */
    private static final int START_ATTEMPTS = 5;
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TestPostgres shared;

    final PrivatePostgres server;
    private final Path folder;

    private TestPostgres(final PrivatePostgres server, final Path folder)
    {
        this.server = server;
        this.folder = folder;
    }

    /** The one server of this JVM, started on first use and running (started again if a test left it stopped). */
    static synchronized TestPostgres shared() throws IOException, SinkException
    {
        if (shared == null)
        {
            shared = start();
            final TestPostgres started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() ->
            {
                try
                {
                    started.close();
                }
                catch (final IOException ignored)
                {
                    // the temp folder stays behind
                }
            }, "test-postgres-stop"));
        }
        else if (!shared.server.running())
        {
            shared.server.startServer();
        }
        return shared;
    }

    private static TestPostgres start() throws IOException, SinkException
    {
        final Path folder = Files.createTempDirectory("flashgate-pg");
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return new TestPostgres(PrivatePostgres.start(folder, FreePorts.tcp(), USER, PASSWORD), folder);
            }
            catch (final SinkException ex)
            {
                // initdb ran (the folder keeps it); only the start on a port taken meanwhile is retried
                if (attempt == START_ATTEMPTS || !ex.getMessage().startsWith("pg_ctl start failed"))
                {
                    throw ex;
                }
            }
        }
    }

    /** A new, empty database on the server. */
    SinkDatabase newDatabase() throws SQLException, SinkException
    {
        final String name = "sink_" + DATABASES.incrementAndGet();
        try (Connection connection = server.database().connect(); Statement statement = connection.createStatement())
        {
            statement.execute("CREATE DATABASE " + name);
        }
        return new SinkDatabase("jdbc:postgresql://127.0.0.1:" + server.port() + "/" + name, USER, PASSWORD);
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        try (Stream<Path> files = Files.walk(folder))
        {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
