package io.flashgate.ops;

import io.flashgate.processes.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flashgate.engine.api.EngineClient;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.sink.SinkSchema;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.ChildJvm;
import io.flashgate.testsupport.PrometheusSamples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ops/flashgate sink} and {@code sink verify} as an operator runs them: with {@code --embedded-postgres} as a
 * real process (ready line, lag on {@code /metrics}, the private PostgreSQL stopped with it on SIGTERM), then verify
 * against the same database; and what the operator gets wrong: a database nobody listens for, a wrong password, a
 * schema from a newer build: one line each and a non-zero exit.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SinkVerbTest
{
    @TempDir
    Path dataDir;
    @TempDir
    Path logs;

    private Path pgFolder;
    private int pgPort;

    @BeforeEach
    void writeAJournal() throws Exception
    {
        pgFolder = Files.createTempDirectory("flashgate-pg");
        pgPort = FreePorts.tcp();
        final EngineClient client = new EngineClient(1);
        try (Engine engine = Engine.start(EngineConfig.defaults(dataDir).withTickIntervalMillis(0)
            .withSnapshotEveryCommands(0), client.eventSink()))
        {
            client.attach(engine);
            final long now = System.currentTimeMillis();
            client.createSale("s", 100, 1, now - 1_000, now + 3_600_000, 600).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 40; i++)
            {
                client.purchase("s", "u" + i, "k", 1).get(10, TimeUnit.SECONDS);
            }
        }
    }

    @AfterEach
    void removePostgresFolder() throws Exception
    {
        try (Stream<Path> files = Files.walk(pgFolder))
        {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private List<String> embedded(final String... more)
    {
        final List<String> args = new ArrayList<>(List.of("--source-dir", dataDir.toString(), "--embedded-postgres",
            "--embedded-folder", pgFolder.toString(), "--embedded-port", Integer.toString(pgPort)));
        args.addAll(List.of(more));
        return args;
    }

    private record Run(int exit, String out, String err)
    {
    }

    private static String get(final HttpClient http, final int port, final String path)
    {
        try
        {
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }
        catch (final java.io.IOException ex)
        {
            return "";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static Run launcher(final List<String> args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exit = Launcher.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theEmbeddedSinkServesLagStopsItsPostgresOnSigtermAndVerifyFindsTheDatabaseEqual() throws Exception
    {
        final int metricsPort = FreePorts.tcp();
        // A real engine process the sink reports to (--report-to): its GET /admin/engine shows the sink.
        final int engineMetricsPort = FreePorts.tcp();
        final List<String> args = new ArrayList<>(List.of("sink"));
        args.addAll(embedded("--sink-metrics-port", Integer.toString(metricsPort), "--report-to",
            "http://127.0.0.1:" + engineMetricsPort));
        try (ChildJvm engine = LauncherProcess.start(logs.resolve("engine.log"), Map.of(), "engine", "--data-dir",
                logs.resolve("engine-data").toString(), "--metrics-port", Integer.toString(engineMetricsPort),
                "--ingress", "127.0.0.1:" + FreePorts.udp(), "--egress", "127.0.0.1:" + FreePorts.udp());
            ChildJvm sink = LauncherProcess.start(logs.resolve("sink.log"), Map.of(), args.toArray(String[]::new)))
        {
            LauncherProcess.awaitReady(engine, 1, 90);
            LauncherProcess.awaitReady(sink, 1, 90);
            final HttpClient http = HttpClient.newHttpClient();
            Await.until("the sink catches up", Duration.ofSeconds(30), () ->
            {
                final String text = scrape(http, metricsPort);
                return PrometheusSamples.value(text, "flashgate_sink_committed_sequence") == 41
                    && PrometheusSamples.value(text, "flashgate_sink_lag_records") == 0
                    && PrometheusSamples.value(text, "flashgate_sink_lag_seconds") == 0
                    && PrometheusSamples.value(text, "flashgate_sink_database_up") == 1;
            });
            Await.until("the engine shows the sink's report", Duration.ofSeconds(30), () ->
                get(http, engineMetricsPort, "/admin/engine").contains(
                    "\"sink\":{\"committedSequence\":41,\"lagRecords\":0}"));
            assertEquals(143, sink.terminate(Duration.ofSeconds(60)), sink.output());
            engine.terminate(Duration.ofSeconds(30));
        }
        assertFalse(listening(pgPort), "the private PostgreSQL stopped with the sink");

        final List<String> verify = new ArrayList<>(List.of("sink", "verify"));
        verify.addAll(embedded());
        final Run run = launcher(verify);
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("sink verify: the database equals replay rebuild and export at sequence 41: "
            + "1 sale(s), 40 order(s)"), run.out());
        assertFalse(listening(pgPort), "verify stopped it again");
    }

    @Test
    void anUnreachableDatabaseAWrongPasswordAndANewerSchemaAreOneLineAndANonZeroExit() throws Exception
    {
        final List<String> common = List.of("sink", "--source-dir", dataDir.toString(), "--sink-metrics-port",
            Integer.toString(FreePorts.tcp()), "--db-user", "flashgate");
        final List<String> nobody = new ArrayList<>(common);
        nobody.addAll(List.of("--jdbc-url", "jdbc:postgresql://127.0.0.1:" + FreePorts.tcp() + "/flashgate"));
        assertOneLine(launcher(nobody), 3, "flashgate: sink: cannot reach the database at jdbc:postgresql://");

        // a database to be wrong about: the embedded one, made by a verify run, then started by hand
        final List<String> verify = new ArrayList<>(List.of("sink", "verify"));
        verify.addAll(embedded("--db-user", "flashgate", "--db-password", "right-pw"));
        assertOneLine(launcher(verify), 1, "flashgate: sink: the database at jdbc:postgresql://127.0.0.1:" + pgPort
            + "/postgres has no sink tables: nothing to verify");
        try (io.flashgate.sink.PrivatePostgres postgres = io.flashgate.sink.PrivatePostgres.start(pgFolder, pgPort,
            "flashgate", "right-pw"))
        {
            final List<String> wrong = new ArrayList<>(common);
            wrong.addAll(List.of("--jdbc-url", postgres.jdbcUrl(), "--db-password", "wrong-pw"));
            final Run refused = launcher(wrong);
            assertOneLine(refused, 3, "flashgate: sink: the database at " + postgres.jdbcUrl()
                + " refused the login of user 'flashgate'");
            assertFalse(refused.err().contains("wrong-pw"));

            try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), "flashgate", "right-pw");
                Statement statement = connection.createStatement())
            {
                SinkSchema.migrate(connection);
                connection.setAutoCommit(true);
                statement.executeUpdate("UPDATE flashgate.schema_version SET version = 7");
            }
            final List<String> newer = new ArrayList<>(common);
            newer.addAll(List.of("--jdbc-url", postgres.jdbcUrl(), "--db-password", "right-pw"));
            assertOneLine(launcher(newer), 1, "flashgate: sink: the database's flashgate schema is at version 7, "
                + "newer than this sink knows (" + SinkSchema.CURRENT_VERSION + ")");
        }
    }

    private static void assertOneLine(final Run run, final int exit, final String start)
    {
        assertEquals(exit, run.exit(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith(start), run.err());
    }

    private static String scrape(final HttpClient http, final int port)
    {
        try
        {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        }
        catch (final java.io.IOException ex)
        {
            return "";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static boolean listening(final int port)
    {
        try (Socket socket = new Socket("127.0.0.1", port))
        {
            return true;
        }
        catch (final java.io.IOException ex)
        {
            return false;
        }
    }
}
