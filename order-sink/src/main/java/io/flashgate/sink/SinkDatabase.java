package io.flashgate.sink;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where the sink writes: a PostgreSQL JDBC URL and who to log in as. Connections time out instead of hanging (a host
 * that drops packets would otherwise hold the sink forever), and batched inserts are rewritten into multi-row
 * statements, which is most of the sink's write speed. Options set in the URL win over these defaults.
 *
 * @param url      a {@code jdbc:postgresql:} URL.
 * @param user     the user.
 * @param password the password, empty for none.
 */
public record SinkDatabase(String url, String user, String password)
{
    private static final int CONNECT_TIMEOUT_SECONDS = 5;
    /** Longer than any batch takes; a statement past it counts as a failed write and is retried. */
    private static final int SOCKET_TIMEOUT_SECONDS = 60;

    /**
     * Opens a connection.
     *
     * @throws SinkException one line: unreachable, or the login refused.
     */
    public Connection connect() throws SinkException
    {
        final Properties properties = new Properties();
        properties.setProperty("user", user);
        if (!password.isEmpty())
        {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        properties.setProperty("reWriteBatchedInserts", "true");
        properties.setProperty("ApplicationName", "flashgate-sink");
        // The sink's commits need no WAL flush of their own: rows and position commit together, so a server crash
        // that loses the last commits takes the database back to an earlier position, whole, and the journal still
        // holds everything after it. The WAL writer flushes within 200 ms instead of one fsync per batch, which
        // spares the disk the engine journals on.
        properties.setProperty("options", "-c synchronous_commit=off");
        try
        {
            return DriverManager.getConnection(url, properties);
        }
        catch (final SQLException ex)
        {
            throw new SinkException(SinkException.ENVIRONMENT, describe(ex));
        }
    }

    /** One line naming the database and what went wrong. */
    String describe(final SQLException failure)
    {
        final String state = failure.getSQLState() == null ? "" : failure.getSQLState();
        final String message = failure.getMessage() == null ? failure.toString() : failure.getMessage().lines()
            .findFirst().orElse("");
        if (state.startsWith("28"))
        {
            return "the database at " + url + " refused the login of user '" + user + "' (" + message + "): check "
                + "sink.user and sink.password";
        }
        if (state.equals("3D000"))
        {
            return "the database in " + url + " does not exist (" + message + "): create it, or fix sink.jdbcUrl";
        }
        return "cannot reach the database at " + url + " (" + message + "): is PostgreSQL running there?";
    }

    @Override
    public String toString()
    {
        return "SinkDatabase[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "(none)" : "***")
            + "]";
    }
}
