package io.flashgate.sink;

import io.flashgate.engine.logic.BusinessLogic;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * The sink's writes into PostgreSQL: changed orders and sales upserted in batches, and the sequence they cover, in
 * ONE transaction, so the tables and the position can never disagree (a sink killed at any moment restarts from the
 * position and rewrites nothing twice). Upserts make a repeated change harmless, and an order's times are only ever
 * filled in, never cleared. Not thread-safe: the sink's one thread.
 */
final class SinkStore implements AutoCloseable
{
    private static final String UPSERT_ORDER = "INSERT INTO flashgate.orders AS o (order_id, sale_id, user_id, "
        + "idempotency_key, quantity, status, created_at, expires_at, confirmed_at, cancelled_at, expired_at, "
        + "last_sequence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET "
        + "status = EXCLUDED.status, quantity = EXCLUDED.quantity, expires_at = EXCLUDED.expires_at, "
        + "created_at = COALESCE(o.created_at, EXCLUDED.created_at), "
        + "confirmed_at = COALESCE(EXCLUDED.confirmed_at, o.confirmed_at), "
        + "cancelled_at = COALESCE(EXCLUDED.cancelled_at, o.cancelled_at), "
        + "expired_at = COALESCE(EXCLUDED.expired_at, o.expired_at), last_sequence = EXCLUDED.last_sequence";
    private static final String UPSERT_SALE = "INSERT INTO flashgate.sales (sale_id, stock, reserved, confirmed, "
        + "remaining, buyers, limit_per_user, status, last_sequence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        + "ON CONFLICT (sale_id) DO UPDATE SET stock = EXCLUDED.stock, reserved = EXCLUDED.reserved, "
        + "confirmed = EXCLUDED.confirmed, remaining = EXCLUDED.remaining, buyers = EXCLUDED.buyers, "
        + "limit_per_user = EXCLUDED.limit_per_user, status = EXCLUDED.status, last_sequence = EXCLUDED.last_sequence";
    private static final String UPSERT_POSITION = "INSERT INTO flashgate.sink_position (id, last_sequence, "
        + "last_command_at, updated_at) VALUES (1, ?, ?, now()) ON CONFLICT (id) DO UPDATE SET "
        + "last_sequence = EXCLUDED.last_sequence, last_command_at = EXCLUDED.last_command_at, updated_at = now()";
    /** Rows per JDBC batch in a full-state load, so a million orders do not sit in one statement's memory. */
    private static final int LOAD_CHUNK = 10_000;

    private final Connection connection;
    /** Sale figures as last committed, so that a batch writes only the sales it changed. */
    private final Map<String, BusinessLogic.SaleFigures> writtenSales = new HashMap<>();
    private long ordersWritten;

    private SinkStore(final Connection connection)
    {
        this.connection = connection;
    }

    /**
     * Connects and brings the schema to this build's version.
     *
     * @throws SinkException one line: unreachable, refused login, or a newer schema.
     */
    static SinkStore open(final SinkDatabase database) throws SinkException
    {
        final Connection connection = database.connect();
        try
        {
            SinkSchema.migrate(connection);
            connection.setAutoCommit(false);
            return new SinkStore(connection);
        }
        catch (final SQLException ex)
        {
            closeQuietly(connection);
            throw new SinkException(SinkException.ENVIRONMENT, "cannot create the sink's tables in "
                + database.url() + ": " + ex.getMessage());
        }
        catch (final SinkException ex)
        {
            closeQuietly(connection);
            throw ex;
        }
    }

    /** @return the last journal sequence the tables hold, 0 for an empty database. */
    long position() throws SQLException
    {
        try (Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery("SELECT last_sequence FROM flashgate.sink_position WHERE id = 1"))
        {
            final long position = row.next() ? row.getLong(1) : 0;
            connection.commit();
            return position;
        }
    }

    /**
     * Writes the orders {@code changes} names and every sale whose figures changed, as {@code logic} has them now,
     * with {@code sequence} as the new position, in one transaction. On failure nothing is written and the caller
     * retries with the same (or a larger) set of changes.
     */
    void commit(final BusinessLogic logic, final OrderChanges changes, final long sequence, final long commandTime)
        throws SQLException
    {
        try
        {
            try (PreparedStatement orders = connection.prepareStatement(UPSERT_ORDER))
            {
                for (final Map.Entry<Long, OrderChanges.Change> entry : changes.orders().entrySet())
                {
                    addOrder(orders, logic.order(entry.getKey()), entry.getValue());
                }
                if (!changes.orders().isEmpty())
                {
                    orders.executeBatch();
                }
            }
            final Map<String, BusinessLogic.SaleFigures> changedSales = writeSales(logic, sequence);
            writePosition(sequence, commandTime);
            connection.commit();
            writtenSales.putAll(changedSales);
            ordersWritten += changes.orders().size();
        }
        catch (final SQLException | RuntimeException ex)
        {
            rollbackQuietly();
            throw ex;
        }
    }

    /**
     * Writes the whole state at {@code sequence}: every order and sale. For a database that starts from a snapshot:
     * the times of what happened before it are not in a snapshot, so those orders have only their expiry time.
     */
    void load(final BusinessLogic logic, final long sequence, final long commandTime) throws SQLException
    {
        try
        {
            try (PreparedStatement orders = connection.prepareStatement(UPSERT_ORDER))
            {
                final OrderChanges.Change unknownTimes = new OrderChanges.Change();
                unknownTimes.lastSequence = sequence;
                for (long orderId = 1; orderId <= logic.orderCount(); orderId++)
                {
                    addOrder(orders, logic.order(orderId), unknownTimes);
                    if (orderId % LOAD_CHUNK == 0)
                    {
                        orders.executeBatch();
                    }
                }
                orders.executeBatch();
            }
            final Map<String, BusinessLogic.SaleFigures> changedSales = writeSales(logic, sequence);
            writePosition(sequence, commandTime);
            connection.commit();
            writtenSales.putAll(changedSales);
            ordersWritten += logic.orderCount();
        }
        catch (final SQLException | RuntimeException ex)
        {
            rollbackQuietly();
            throw ex;
        }
    }

    /** @return order rows written since start (an order changed twice in two commits counts twice). */
    long ordersWritten()
    {
        return ordersWritten;
    }

    private static void addOrder(final PreparedStatement statement, final BusinessLogic.OrderView order,
        final OrderChanges.Change change) throws SQLException
    {
        statement.setLong(1, order.orderId());
        statement.setString(2, order.saleId());
        statement.setString(3, order.userId());
        statement.setString(4, order.idempotencyKey());
        statement.setInt(5, order.quantity());
        statement.setString(6, order.status().name());
        time(statement, 7, change.createdAt);
        time(statement, 8, order.expiresAt());
        time(statement, 9, change.confirmedAt);
        time(statement, 10, change.cancelledAt);
        time(statement, 11, change.expiredAt);
        statement.setLong(12, change.lastSequence);
        statement.addBatch();
    }

    private Map<String, BusinessLogic.SaleFigures> writeSales(final BusinessLogic logic, final long sequence)
        throws SQLException
    {
        final Map<String, BusinessLogic.SaleFigures> changed = new HashMap<>();
        for (final String saleId : logic.saleIds())
        {
            final BusinessLogic.SaleFigures figures = logic.saleFigures(saleId);
            if (!figures.equals(writtenSales.get(saleId)))
            {
                changed.put(saleId, figures);
            }
        }
        if (changed.isEmpty())
        {
            return changed;
        }
        try (PreparedStatement sales = connection.prepareStatement(UPSERT_SALE))
        {
            for (final BusinessLogic.SaleFigures sale : changed.values())
            {
                sales.setString(1, sale.saleId());
                sales.setInt(2, sale.stock());
                sales.setInt(3, sale.reserved());
                sales.setInt(4, sale.confirmed());
                sales.setInt(5, sale.remaining());
                sales.setInt(6, sale.buyers());
                sales.setInt(7, sale.limitPerUser());
                sales.setString(8, sale.status().name());
                sales.setLong(9, sequence);
                sales.addBatch();
            }
            sales.executeBatch();
        }
        return changed;
    }

    private void writePosition(final long sequence, final long commandTime) throws SQLException
    {
        try (PreparedStatement position = connection.prepareStatement(UPSERT_POSITION))
        {
            position.setLong(1, sequence);
            time(position, 2, commandTime == Long.MIN_VALUE ? 0 : commandTime);
            position.executeUpdate();
        }
    }

    /** A stamped time in milliseconds; 0 means none (NULL). */
    private static void time(final PreparedStatement statement, final int index, final long millis)
        throws SQLException
    {
        if (millis == 0)
        {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        }
        else
        {
            statement.setObject(index, OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
        }
    }

    private void rollbackQuietly()
    {
        try
        {
            connection.rollback();
        }
        catch (final SQLException ignored)
        {
            // the connection is broken; the caller reconnects
        }
    }

    static void closeQuietly(final Connection connection)
    {
        try
        {
            connection.close();
        }
        catch (final SQLException ignored)
        {
            // closing a broken connection
        }
    }

    @Override
    public void close()
    {
        closeQuietly(connection);
    }
}
