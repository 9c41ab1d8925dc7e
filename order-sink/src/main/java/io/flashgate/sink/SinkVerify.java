package io.flashgate.sink;

import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.StateLines;
import io.flashgate.engine.pipeline.StateBuilder;
import io.flashgate.journal.JournalReader;
import io.flashgate.journal.SnapshotStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code ops/flashgate sink verify}: the database against the journal, at the sequence the database holds. The
 * journal side is the state rebuilt as the replay tool rebuilds it ({@link StateBuilder}), written in the lines of
 * {@code replay rebuild} and {@code replay export} ({@link StateLines}); the database's rows are written out in the
 * same lines and compared line by line. The database is read in one repeatable-read transaction, so a sink running
 * meanwhile cannot mix rows of a later commit into the check.
 */
public final class SinkVerify
{
    /** At most this many differences are listed; the count is always given. */
    private static final int SHOWN = 20;

    /**
     * What the check found.
     *
     * @param sequence    the database's position.
     * @param sales       sales compared.
     * @param orders      order lines compared (journal side).
     * @param differences each difference as one line: where, the journal's line, the database's line.
     */
    public record Report(long sequence, int sales, long orders, List<String> differences)
    {
        public boolean equal()
        {
            return differences.isEmpty();
        }

        /** The lines for the operator. */
        public String text()
        {
            final StringBuilder out = new StringBuilder();
            if (equal())
            {
                out.append("sink verify: the database equals replay rebuild and export at sequence ").append(sequence)
                    .append(": ").append(sales).append(" sale(s), ").append(orders).append(" order(s)\n");
                return out.toString();
            }
            out.append("sink verify: ").append(differences.size()).append(" difference(s) at sequence ")
                .append(sequence).append(" (").append(sales).append(" sale(s), ").append(orders)
                .append(" order(s) in the journal):\n");
            differences.stream().limit(SHOWN).forEach(line -> out.append("  ").append(line).append('\n'));
            if (differences.size() > SHOWN)
            {
                out.append("  ... and ").append(differences.size() - SHOWN).append(" more\n");
            }
            return out.toString();
        }
    }

    private SinkVerify()
    {
    }

    /**
     * Compares.
     *
     * @throws SinkException one line: the database cannot be read, or the replay tool failed.
     */
    public static Report check(final SinkDatabase database, final Path sourceDir) throws SinkException
    {
        try (Connection connection = database.connect())
        {
            if (SinkSchema.version(connection) == 0)
            {
                throw new SinkException(SinkException.FAILED, "the database at " + database.url() + " has no sink "
                    + "tables: nothing to verify");
            }
            // One snapshot for every read: a commit landing meanwhile (the running sink's, or a killed one's late
            // COMMIT) must not mix a newer sale or order with an older position.
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            final long sequence = position(connection);
            final List<String> differences = new ArrayList<>();
            final BusinessLogic journal = journalStateAt(sourceDir, sequence);
            final TreeMap<String, String> journalSales = new TreeMap<>();
            for (final String sale : journal.saleIds())
            {
                journalSales.put(sale, StateLines.sale(journal.saleFigures(sale)));
            }
            final TreeMap<String, String> databaseSales = sales(connection);
            compare("sale", journalSales, databaseSales, differences);
            final Set<String> saleIds = new LinkedHashSet<>(journalSales.keySet());
            saleIds.addAll(databaseSales.keySet());
            final java.util.Map<String, TreeMap<String, String>> journalOrders = new java.util.HashMap<>();
            for (long orderId = 1; orderId <= journal.orderCount(); orderId++)
            {
                final BusinessLogic.OrderView order = journal.order(orderId);
                final String line = StateLines.orderCsv(order);
                journalOrders.computeIfAbsent(order.saleId(), sale -> new TreeMap<>()).put(key(line), line);
            }
            long orders = 0;
            for (final String sale : saleIds)
            {
                final TreeMap<String, String> ofSale = journalOrders.getOrDefault(sale, new TreeMap<>());
                orders += ofSale.size();
                compare("order", ofSale, orders(connection, sale), differences);
            }
            connection.commit();
            return new Report(sequence, journalSales.size(), orders, differences);
        }
        catch (final SQLException ex)
        {
            throw new SinkException(SinkException.ENVIRONMENT, database.describe(ex));
        }
    }

    /** Orders sort by number, so the listing reads in order id order. */
    private static String key(final String csvLine)
    {
        final String id = csvLine.substring(0, csvLine.indexOf(','));
        return "0".repeat(Math.max(0, 20 - id.length())) + id;
    }

    private static void compare(final String what, final TreeMap<String, String> journal,
        final TreeMap<String, String> database, final List<String> differences)
    {
        final Set<String> keys = new java.util.TreeSet<>(journal.keySet());
        keys.addAll(database.keySet());
        for (final String key : keys)
        {
            final String expected = journal.get(key);
            final String found = database.get(key);
            if (expected == null || !expected.equals(found))
            {
                differences.add(what + " " + key.replaceFirst("^0+(?=.)", "") + ": journal "
                    + (expected == null ? "(none)" : "'" + expected + "'") + ", database "
                    + (found == null ? "(none)" : "'" + found + "'"));
            }
        }
    }

    static long position(final Connection connection) throws SQLException
    {
        try (Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery("SELECT last_sequence FROM flashgate.sink_position WHERE id = 1"))
        {
            return row.next() ? row.getLong(1) : 0;
        }
    }

    /** The database's sales as {@code replay rebuild} prints them. */
    private static TreeMap<String, String> sales(final Connection connection) throws SQLException
    {
        final TreeMap<String, String> sales = new TreeMap<>();
        try (Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery("SELECT sale_id, stock, reserved, confirmed, remaining, buyers, "
                + "limit_per_user, status FROM flashgate.sales"))
        {
            while (row.next())
            {
                sales.put(row.getString(1), "sale " + row.getString(1) + ": stock=" + row.getInt(2) + " reserved="
                    + row.getInt(3) + " confirmed=" + row.getInt(4) + " remaining=" + row.getInt(5) + " buyers="
                    + row.getInt(6) + " limitPerUser=" + row.getInt(7) + " status=" + row.getString(8));
            }
        }
        return sales;
    }

    /** One sale's orders as {@code replay export} writes them (CSV). */
    private static TreeMap<String, String> orders(final Connection connection, final String sale) throws SQLException
    {
        final TreeMap<String, String> orders = new TreeMap<>();
        try (var statement = connection.prepareStatement("SELECT order_id, sale_id, user_id, idempotency_key, "
            + "quantity, status, expires_at FROM flashgate.orders WHERE sale_id = ?"))
        {
            statement.setString(1, sale);
            try (ResultSet row = statement.executeQuery())
            {
                while (row.next())
                {
                    final String line = row.getLong(1) + "," + row.getString(2) + "," + row.getString(3) + ","
                        + row.getString(4) + "," + row.getInt(5) + "," + row.getString(6) + ","
                        + row.getObject(7, OffsetDateTime.class).toInstant();
                    orders.put(key(line), line);
                }
            }
        }
        return orders;
    }

    /** Business logic's state at {@code sequence}, rebuilt from the engine's journal and snapshots. */
    private static BusinessLogic journalStateAt(final Path sourceDir, final long sequence) throws SinkException
    {
        final Path journalDir = sourceDir.resolve("journal");
        final Path snapshotDir = sourceDir.resolve("snapshots");
        try
        {
            final JournalReader reader = JournalReader.open(journalDir);
            if (sequence > reader.lastSequence())
            {
                throw new SinkException(SinkException.FAILED, "the database holds the journal up to sequence "
                    + sequence + " but " + journalDir + " reads only to " + reader.lastSequence()
                    + " (damaged, or another engine's journal): run replay verify");
            }
            return StateBuilder.at(reader, Files.isDirectory(snapshotDir) ? new SnapshotStore(snapshotDir) : null,
                sequence, (buffer, offset, length) -> { }).logic();
        }
        catch (final IOException | IllegalStateException ex)
        {
            throw new SinkException(SinkException.FAILED, "cannot rebuild the journal's state at sequence " + sequence
                + " from " + sourceDir + ": " + ex.getMessage());
        }
    }
}
