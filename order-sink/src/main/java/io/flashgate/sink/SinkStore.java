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
    /** Moves the position only from where this sink last left it: any other writer makes it update nothing. */
    private static final String MOVE_POSITION = "UPDATE flashgate.sink_position SET last_sequence = ?, "
        + "last_command_at = ?, updated_at = now() WHERE id = 1 AND last_sequence = ?";
    private static final String FIRST_POSITION = "INSERT INTO flashgate.sink_position (id, last_sequence, "
        + "last_command_at, updated_at) VALUES (1, ?, ?, now()) ON CONFLICT (id) DO NOTHING";
    /**
     * The session lock that makes one sink the only writer of a database ("Flashgat" as a number). PostgreSQL frees
     * it only when the session ends, after its open transaction has committed or rolled back, so a sink that takes it
     * reads the position no earlier writer can still change (a killed sink's COMMIT may reach the server late).
     */
    static final long WRITER_LOCK = 0x466C617368676174L;
    /** Rows per JDBC batch in a full-state load, so a million orders do not sit in one statement's memory. */
    private static final int LOAD_CHUNK = 10_000;

    private final Connection connection;
    /** The position as this sink last read or wrote it; the next commit moves it from here. */
    private long position = -1;
    /** Sale figures as last committed, so that a batch writes only the sales it changed. */
    private final Map<String, BusinessLogic.SaleFigures> writtenSales = new HashMap<>();
    private long ordersWritten;

    private SinkStore(final Connection connection)
    {
        this.connection = connection;
    }

    /**
     * Connects, takes the writer lock and brings the schema to this build's version.
     *
     * @return the store, or null while another session holds the writer lock (another sink, or a killed one whose
     *         session the server has not ended yet): try again later.
     * @throws SinkException one line: unreachable, refused login, or a newer schema.
     */
    static SinkStore open(final SinkDatabase database) throws SinkException
    {
        final Connection connection = database.connect();
        try
        {
            if (!writerLock(connection))
            {
                closeQuietly(connection);
                return null;
            }
            SinkSchema.migrate(connection);
            lowerBackendPriority(connection);
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

    /**
     * A sink at background priority asks the same of the server process that does its writing, when that process is
     * on this host and ours to change ({@link BackgroundPriority}); a remote server's pid names nothing here.
     */
    private static void lowerBackendPriority(final Connection connection) throws SQLException
    {
        if (!BackgroundPriority.selfIsBackground())
        {
            return;
        }
        try (Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery("SELECT pg_backend_pid(), inet_server_addr() IS NULL "
                + "OR host(inet_server_addr()) IN ('127.0.0.1', '::1')"))
        {
            if (row.next() && row.getBoolean(2))
            {
                BackgroundPriority.lowerSession(row.getLong(1));
            }
        }
    }

    private static boolean writerLock(final Connection connection) throws SQLException
    {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)"))
        {
            lock.setLong(1, WRITER_LOCK);
            try (ResultSet row = lock.executeQuery())
            {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /**
     * After a reconnect: the position the database holds, {@code committed} if nothing changed, or further when the
     * last commit reached the server but its answer was lost. Anything else is another writer: refused.
     *
     * @param committed the position this sink last saw committed.
     * @param applied   the last record this sink applied.
     */
    void resume(final long committed, final long applied) throws SQLException
    {
        final long found = position();
        if (found < committed)
        {
            throw new PositionMovedException("the database went back to sequence " + found + " from " + committed
                + " (a server crash loses the last commits, which are not flushed one by one): restart the sink, it "
                + "resumes from there");
        }
        if (found > applied)
        {
            throw new PositionMovedException("the database's position is " + found + ", past " + applied
                + " where this sink is: another sink writes to this database");
        }
    }

    /** @return the last journal sequence the tables hold, 0 for an empty database. */
    long position() throws SQLException
    {
        try (Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery("SELECT last_sequence FROM flashgate.sink_position WHERE id = 1"))
        {
            position = row.next() ? row.getLong(1) : 0;
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
            position = sequence;
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
            position = sequence;
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

    /** Moves the position from where this sink left it; a position moved by anyone else stops the sink. */
    private void writePosition(final long sequence, final long commandTime) throws SQLException
    {
        if (position < 0)
        {
            throw new IllegalStateException("read the position before writing");
        }
        final int moved;
        try (PreparedStatement update = connection.prepareStatement(position == 0 ? FIRST_POSITION : MOVE_POSITION))
        {
            update.setLong(1, sequence);
            time(update, 2, commandTime == Long.MIN_VALUE ? 0 : commandTime);
            if (position > 0)
            {
                update.setLong(3, position);
            }
            moved = update.executeUpdate();
        }
        if (moved != 1)
        {
            throw new PositionMovedException("the database's position is no longer " + position + ", where this "
                + "sink left it: another sink writes to this database");
        }
    }

    /** Rolled back, and never retried: two writers would each apply what the other did. */
    static final class PositionMovedException extends SQLException
    {
        private static final long serialVersionUID = 1L;

        PositionMovedException(final String message)
        {
            super(message);
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
