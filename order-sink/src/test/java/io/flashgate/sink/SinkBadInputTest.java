package io.flashgate.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flashgate.testsupport.Await;
import io.flashgate.processes.FreePorts;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the sink is given that it cannot use: a database nobody listens for, a wrong password, a schema from a newer
 * build (one line each, and the exit code's class); and a journal with a torn tail, read up to the tear and then
 * waited on as for a live engine, until a restarted engine cuts it and appends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SinkBadInputTest extends WithPostgres
{
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private SinkException refused(final SinkDatabase database) throws Exception
    {
        try (SaleEngine sale = SaleEngine.start(dataDir, SaleEngine.T0))
        {
            sale.call(() -> sale.client.createSale("s", 10, 1, SaleEngine.T0, SaleEngine.T0 + 60_000, 60));
        }
        final SinkException refused = assertThrows(SinkException.class, () -> OrderSink.start(
            new SinkConfig(dataDir, database, 100, 5), new PrintStream(log, true, StandardCharsets.UTF_8)));
        assertFalse(refused.getMessage().contains("\n"), "one line: " + refused.getMessage());
        return refused;
    }

    @Test
    void anUnreachableDatabaseIsOneLineAndAnEnvironmentExit() throws Exception
    {
        final SinkException refused = refused(new SinkDatabase("jdbc:postgresql://127.0.0.1:" + FreePorts.tcp()
            + "/none", "nobody", "x"));
        assertEquals(SinkException.ENVIRONMENT, refused.exitCode());
        assertTrue(refused.getMessage().startsWith("cannot reach the database at jdbc:postgresql://127.0.0.1:"),
            refused.getMessage());
    }

    @Test
    void aWrongPasswordIsOneLineNamingTheUserAndNeverThePassword() throws Exception
    {
        final SinkDatabase good = postgres.newDatabase();
        final SinkException refused = refused(new SinkDatabase(good.url(), good.user(), "not-the-password"));
        assertEquals(SinkException.ENVIRONMENT, refused.exitCode());
        assertTrue(refused.getMessage().contains("refused the login of user '" + TestPostgres.USER + "'"),
            refused.getMessage());
        assertFalse(refused.getMessage().contains("not-the-password"));
    }

    @Test
    void aSchemaFromANewerBuildIsRefusedAndLeftAlone() throws Exception
    {
        final SinkDatabase database = postgres.newDatabase();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement())
        {
            SinkSchema.migrate(connection);
            connection.commit();
            connection.setAutoCommit(true);
            statement.executeUpdate("UPDATE flashgate.schema_version SET version = " + (SinkSchema.CURRENT_VERSION + 1));
        }
        final SinkException refused = refused(database);
        assertEquals(SinkException.FAILED, refused.exitCode());
        assertTrue(refused.getMessage().contains("version " + (SinkSchema.CURRENT_VERSION + 1) + ", newer than this "
            + "sink knows (" + SinkSchema.CURRENT_VERSION + ")"), refused.getMessage());
        try (Connection connection = database.connect())
        {
            assertEquals(SinkSchema.CURRENT_VERSION + 1, SinkSchema.version(connection), "left as it was");
        }
    }

    @Test
    void aTornTailIsReadUpToTheTearThenWaitedOnUntilTheEngineCutsItAndSellsOn() throws Exception
    {
        final SinkDatabase database = postgres.newDatabase();
        final long t0 = SaleEngine.T0;
        long beforeTear;
        try (SaleEngine sale = SaleEngine.start(dataDir, t0))
        {
            sale.call(() -> sale.client.createSale("s", 100, 1, t0, t0 + 3_600_000, 60));
            for (int i = 0; i < 30; i++)
            {
                final int n = i;
                sale.order(() -> sale.client.purchase("s", "u" + n, "k", 1));
            }
            beforeTear = sale.durable();
        }
        final Path last = lastSegment();
        try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.APPEND))
        {
            // half a record: a length that runs past the end of the file, as a crash in mid-write leaves it
            final ByteBuffer half = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            half.putInt(0, 64).putLong(8, beforeTear + 1);
            channel.write(half);
        }
        try (OrderSink sink = OrderSink.start(new SinkConfig(dataDir, database, 100, 5),
            new PrintStream(log, true, StandardCharsets.UTF_8)))
        {
            Await.until(() -> "up to the tear: " + sink.status().committedSequence(), Duration.ofSeconds(20),
                () -> sink.status().committedSequence() == beforeTear && sink.status().waitingOn() != null);
            assertTrue(sink.status().waitingOn().contains(last.getFileName().toString()), sink.status().waitingOn());
            assertEquals(0, sink.status().lagRecords());
            Await.sleep(200);
            assertEquals(beforeTear, sink.status().committedSequence(), "nothing past the tear");
            assertTrue(SinkVerify.check(database, dataDir).equal());

            try (SaleEngine sale = SaleEngine.start(dataDir, t0 + 1_000))
            {
                for (int i = 30; i < 50; i++)
                {
                    final int n = i;
                    sale.order(() -> sale.client.purchase("s", "u" + n, "k", 1));
                }
                final long end = sale.durable();
                assertTrue(end > beforeTear);
                Await.until(() -> "after the cut: " + sink.status().committedSequence() + " of " + end,
                    Duration.ofSeconds(20), () -> sink.status().committedSequence() == end);
            }
            final SinkVerify.Report report = SinkVerify.check(database, dataDir);
            assertTrue(report.equal(), report.text());
            assertEquals(50, report.orders());
            assertNotNull(sink.status());
        }
    }

    private Path lastSegment() throws Exception
    {
        try (Stream<Path> files = Files.list(dataDir.resolve("journal")))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg"))
                .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
        }
    }
}
