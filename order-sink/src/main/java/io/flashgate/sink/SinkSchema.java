package io.flashgate.sink;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The sink's tables, in their own PostgreSQL schema {@code flashgate} so that they sit beside a business's tables
 * without clashing. {@code schema_version} holds the version the tables are at; the sink creates them on an empty
 * database, migrates an older version step by step, and refuses a newer one (a newer sink wrote it: this one would
 * misread it). Every step runs in one transaction, so a sink killed mid-migration leaves the old version whole.
 */
public final class SinkSchema
{
    /** The version this build writes and reads. */
    public static final int CURRENT_VERSION = 1;

    /** Version 1, from nothing. Times are the engine's stamped command times (UTC), never the sink's clock. */
    private static final List<String> VERSION_1 = List.of(
        "CREATE SCHEMA IF NOT EXISTS flashgate",
        "CREATE TABLE flashgate.schema_version (version integer NOT NULL)",
        // One row: the last journal sequence whose changes are in the tables (written in the same transaction).
        "CREATE TABLE flashgate.sink_position (id integer PRIMARY KEY CHECK (id = 1), "
            + "last_sequence bigint NOT NULL, last_command_at timestamptz, updated_at timestamptz NOT NULL)",
        "CREATE TABLE flashgate.sales (sale_id text PRIMARY KEY, stock integer NOT NULL, reserved integer NOT NULL, "
            + "confirmed integer NOT NULL, remaining integer NOT NULL, buyers integer NOT NULL, "
            + "limit_per_user integer NOT NULL, status text NOT NULL, last_sequence bigint NOT NULL)",
        "CREATE TABLE flashgate.orders (order_id bigint PRIMARY KEY, sale_id text NOT NULL, user_id text NOT NULL, "
            + "idempotency_key text NOT NULL, quantity integer NOT NULL, status text NOT NULL, "
            + "created_at timestamptz, expires_at timestamptz NOT NULL, confirmed_at timestamptz, "
            + "cancelled_at timestamptz, expired_at timestamptz, last_sequence bigint NOT NULL)",
        "CREATE INDEX orders_by_sale_status ON flashgate.orders (sale_id, status)",
        "CREATE INDEX orders_by_user ON flashgate.orders (user_id)",
        "INSERT INTO flashgate.schema_version (version) VALUES (1)");

    private SinkSchema()
    {
    }

    /**
     * Brings the tables to {@link #CURRENT_VERSION}.
     *
     * @return the version found (0 for none).
     * @throws SinkException if the database holds a newer version.
     */
    public static int migrate(final Connection connection) throws SQLException, SinkException
    {
        final int found = version(connection);
        if (found > CURRENT_VERSION)
        {
            throw new SinkException(SinkException.FAILED, "the database's flashgate schema is at version " + found
                + ", newer than this sink knows (" + CURRENT_VERSION + "): run the sink of the build that wrote it");
        }
        if (found < 1)
        {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement())
            {
                for (final String step : VERSION_1)
                {
                    statement.execute(step);
                }
                connection.commit();
            }
            catch (final SQLException ex)
            {
                connection.rollback();
                throw ex;
            }
        }
        return found;
    }

    /** @return the version the tables are at, 0 if there are none. */
    public static int version(final Connection connection) throws SQLException
    {
        try (Statement statement = connection.createStatement();
            ResultSet exists = statement.executeQuery("SELECT to_regclass('flashgate.schema_version') IS NOT NULL"))
        {
            exists.next();
            if (!exists.getBoolean(1))
            {
                return 0;
            }
        }
        try (Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery("SELECT max(version) FROM flashgate.schema_version"))
        {
            return row.next() ? row.getInt(1) : 0;
        }
    }
}
