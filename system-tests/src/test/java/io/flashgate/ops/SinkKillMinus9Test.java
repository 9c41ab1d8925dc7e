package io.flashgate.ops;

import io.flashgate.processes.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flashgate.engine.api.EngineClient;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reply;
import io.flashgate.sink.PrivatePostgres;
import io.flashgate.sink.SinkDatabase;
import io.flashgate.sink.SinkVerify;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ops/flashgate sink} as a real process, killed with SIGKILL at 5 random moments while a sale runs (purchases,
 * confirms, cancels; the engine snapshots as it goes, so restarts rebuild from a snapshot). Each time, with the sink
 * dead, the database equals {@code replay rebuild} and {@code export} at the sequence it holds: the rows and the
 * position went in together or not at all. At the end every acknowledged order is there exactly once.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SinkKillMinus9Test
{
    private static final int KILLS = 5;
    private static final String USER = "sinkops";
    private static final String PASSWORD = "sink-ops-pw";

    @TempDir
    Path dataDir;
    @TempDir
    Path logs;

    @Test
    void killedAtRandomMomentsTheDatabaseAlwaysEqualsTheJournalAtItsSequence() throws Exception
    {
        final Path pgFolder = Files.createTempDirectory("flashgate-pg");
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final AtomicBoolean selling = new AtomicBoolean(true);
        final AtomicLong accepted = new AtomicLong();
        final EngineClient client = new EngineClient(1);
        try (PrivatePostgres postgres = PrivatePostgres.start(pgFolder, FreePorts.tcp(), USER, PASSWORD);
            Engine engine = Engine.start(EngineConfig.defaults(dataDir).withTickIntervalMillis(0)
                .withSnapshotEveryCommands(3_000).withRingSize(1024).withSegmentSizeBytes(256 * 1024),
                client.eventSink()))
        {
            client.attach(engine);
            final SinkDatabase database = postgres.database();
            final long now = System.currentTimeMillis();
            client.createSale("rush", 1_000_000, 2, now - 1_000, now + 3_600_000, 600).get(10, TimeUnit.SECONDS);
            final Thread shoppers = new Thread(() -> shop(client, selling, accepted), "shoppers");
            shoppers.start();
            final String[] sink = {"sink", "--source-dir", dataDir.toString(), "--jdbc-url", database.url(), "--db-user",
                USER, "--db-password", PASSWORD, "--batch-size", "300"};
            final Path log = logs.resolve("sink.log");
            long lastPosition = 0;
            try (Connection watch = database.connect())
            {
                for (int kill = 1; kill <= KILLS; kill++)
                {
                    final ChildJvm process = LauncherProcess.start(log, Map.of(), sinkArgs(sink));
                    try
                    {
                        LauncherProcess.awaitReady(process, kill, 60);
                        // Each restarted sink goes on from where the last one was killed: it commits past that
                        // position (waited for, not hoped for within a fixed sleep), then dies at a random moment of
                        // its next batches.
                        final long from = lastPosition;
                        final int round = kill;
                        Await.until(() -> "sink start " + round + " commits past " + from + ": at " + position(watch),
                            Duration.ofSeconds(60), () -> position(watch) > from);
                        Await.sleep(random.nextInt(500));
                        process.killMinus9();
                    }
                    finally
                    {
                        process.close();
                    }
                    final SinkVerify.Report report = SinkVerify.check(database, dataDir);
                    assertTrue(report.equal(), "kill " + kill + " (seed " + seed + "):\n" + report.text());
                    lastPosition = report.sequence();
                }
            }
            finally
            {
                selling.set(false);
                shoppers.join(10_000);
            }

            final long last = engine.stats().durableSequence();
            final ChildJvm process = LauncherProcess.start(log, Map.of(), sinkArgs(sink));
            try
            {
                LauncherProcess.awaitReady(process, KILLS + 1, 60);
                try (Connection watch = database.connect())
                {
                    Await.until(() -> "the sink reaches " + last + ": at " + position(watch) + ", engine at "
                        + engine.stats().durableSequence() + "; " + process.output().lines()
                        .filter(line -> line.startsWith("flashgate: sink")).toList(), Duration.ofSeconds(60),
                        () -> position(watch) >= last); // the engine may journal a snapshot command after it
                }
                assertEquals(143, process.terminate(Duration.ofSeconds(30)), "a clean stop on SIGTERM: " + process.output());
            }
            finally
            {
                process.close();
            }
            final SinkVerify.Report report = SinkVerify.check(database, dataDir);
            assertTrue(report.equal(), report.text());
            assertEquals(accepted.get(), report.orders(), "every acknowledged order, once");
            assertEquals(accepted.get(), count(database, "SELECT count(DISTINCT (user_id, idempotency_key)) "
                + "FROM flashgate.orders"), "no order twice");
        }
        finally
        {
            try (Stream<Path> files = Files.walk(pgFolder))
            {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** The sink's command line with a free metrics port of its own. */
    private static String[] sinkArgs(final String[] sink)
    {
        final String[] args = java.util.Arrays.copyOf(sink, sink.length + 2);
        args[sink.length] = "--sink-metrics-port";
        args[sink.length + 1] = Integer.toString(FreePorts.tcp());
        return args;
    }

    /** About 2,000 purchases a second from one thread; every 4th order confirmed, every 7th cancelled. */
    private static void shop(final EngineClient client, final AtomicBoolean selling, final AtomicLong accepted)
    {
        for (int n = 0; selling.get(); n++)
        {
            try
            {
                final Reply reply = client.purchase("rush", "user-" + n, "k-" + n, 1 + n % 2).get(10,
                    TimeUnit.SECONDS);
                if (reply instanceof Reply.Order order && order.type() == MessageTypes.ORDER_ACCEPTED)
                {
                    accepted.incrementAndGet();
                    if (n % 4 == 0)
                    {
                        client.confirm(order.orderId()).get(10, TimeUnit.SECONDS);
                    }
                    else if (n % 7 == 0)
                    {
                        client.cancel(order.orderId(), order.userId()).get(10, TimeUnit.SECONDS);
                    }
                }
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
            if (n % 20 == 0)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    /** The database's position, on one connection kept open while the test polls (no new login per poll). */
    private static long position(final Connection connection)
    {
        try (Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery("SELECT coalesce(max(last_sequence), 0) FROM flashgate.sink_position"))
        {
            row.next();
            return row.getLong(1);
        }
        catch (final Exception ex)
        {
            return -1;
        }
    }

    private static long count(final SinkDatabase database, final String sql) throws Exception
    {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery(sql))
        {
            row.next();
            return row.getLong(1);
        }
    }
}
