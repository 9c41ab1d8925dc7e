package io.flashgate.sink;

import io.flashgate.testsupport.FreePorts;

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
 * A real PostgreSQL for one test class: a {@link PrivatePostgres} in a fresh folder under the system temp folder (not
 * JUnit's, whose parents the postgres user may not enter), on a free port, stopped and deleted at the end. Each test
 * gets a database of its own.
 */
final class TestPostgres implements AutoCloseable
{
    static final String USER = "sinktest";
    static final String PASSWORD = "sink-test-pw";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    final PrivatePostgres server;
    private final Path folder;

    private TestPostgres(final PrivatePostgres server, final Path folder)
    {
        this.server = server;
        this.folder = folder;
    }

    static TestPostgres start() throws IOException, SinkException
    {
        final Path folder = Files.createTempDirectory("flashgate-pg");
        return new TestPostgres(PrivatePostgres.start(folder, FreePorts.tcp(), USER, PASSWORD), folder);
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
