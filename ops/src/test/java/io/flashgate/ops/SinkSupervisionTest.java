package io.flashgate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flashgate.engine.api.EngineClient;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.sink.PrivatePostgres;
import io.flashgate.sink.SinkDatabase;
import io.flashgate.sink.SinkVerify;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.ChildJvm;
import io.flashgate.processes.FreePorts;
import io.flashgate.testsupport.PrometheusSamples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ops/flashgate sink --embedded-postgres} under a supervisor, or a person, who holds one pid: SIGKILL of that
 * pid ends the sink (the script execs into the JVM), a sink killed with SIGKILL restarts on the private PostgreSQL it
 * left running, and {@code sink verify} runs beside a sink on that same server and leaves it running. One journal and
 * one PostgreSQL folder for the class: each test ends with the sink stopped by SIGTERM, which stops its server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SinkSupervisionTest
{
    private static final String USER = "supervised";
    private static final String PASSWORD = "supervised-pw";
    /** 1 sale and 40 purchases: the sink is caught up at sequence 41. */
    private static final long LAST_SEQUENCE = 41;
    private static final int ORDERS = 40;

    @TempDir
    static Path dataDir;
    @TempDir
    static Path logs;
    @TempDir
    static Path checkout;

    private Path pgFolder;
    private int pgPort;
    private Path script;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void writeAJournal() throws Exception
    {
        // under /tmp, not in the JUnit folder: as root the private PostgreSQL runs as user postgres, which must get in
        pgFolder = Files.createTempDirectory("flashgate-pg");
        pgPort = FreePorts.tcp();
        script = LauncherScript.checkout(checkout);
        // initdb here, at this JVM's priority: the tests are about what a sink finds in a folder made before
        PrivatePostgres.start(pgFolder, pgPort, USER, PASSWORD).close();
        final EngineClient client = new EngineClient(1);
        try (Engine engine = Engine.start(EngineConfig.defaults(dataDir).withTickIntervalMillis(0)
            .withSnapshotEveryCommands(0), client.eventSink()))
        {
            client.attach(engine);
            final long now = System.currentTimeMillis();
            client.createSale("s", 100, 1, now - 1_000, now + 3_600_000, 600).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < ORDERS; i++)
            {
                client.purchase("s", "u" + i, "k", 1).get(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Whatever a failed test left: a killed sink's watchdog ended, the server stopped, so the next test starts from a
     * stopped one as the others do.
     */
    @AfterEach
    void stopALeftServer() throws Exception
    {
        try
        {
            final long watchdog = Long.parseLong(Files.readString(pgFolder.resolve("flashgate-sink.watchdog")).strip());
            ProcessHandle.of(watchdog).filter(process -> process.info().commandLine().orElse("")
                .contains(pgFolder.toString())).ifPresent(ProcessHandle::destroyForcibly);
        }
        catch (final IOException | NumberFormatException none)
        {
            // no watchdog was started
        }
        if (Files.exists(pgFolder.resolve("postmaster.pid")))
        {
            pgCtl("stop", "-m", "immediate", "-w", "-t", "30");
        }
    }

    @AfterAll
    void removePostgresFolder() throws Exception
    {
        try (Stream<Path> files = Files.walk(pgFolder))
        {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /**
     * (a) The pid a supervisor holds is the sink: SIGKILL of the launcher's pid leaves no JVM behind to hold the
     * metrics port, and the next start serves.
     */
    @Test
    void sigkillOfTheLaunchersPidEndsTheSinkAndTheNextStartServes() throws Exception
    {
        final int metricsPort = FreePorts.tcp();
        try (LauncherScript first = LauncherScript.start(script, logs.resolve("script-1.log"), Map.of(),
            sinkArgs(metricsPort)))
        {
            first.awaitReady(Duration.ofSeconds(90));
            awaitCaughtUp(metricsPort, first::output);
            first.killMinus9();
            Await.until(() -> "the sink is gone with the launcher's pid " + first.pid() + ": JVMs still running "
                + first.survivingJvms().stream().map(jvm -> jvm.pid() + " " + jvm.info().commandLine().orElse(""))
                .toList() + ", metrics port " + metricsPort + (listening(metricsPort) ? " held" : " free"),
                Duration.ofSeconds(20), () -> first.survivingJvms().isEmpty() && !listening(metricsPort));
        }
        try (LauncherScript second = LauncherScript.start(script, logs.resolve("script-2.log"), Map.of(),
            sinkArgs(metricsPort)))
        {
            second.awaitReady(Duration.ofSeconds(90));
            awaitCaughtUp(metricsPort, second::output);
            assertEquals(143, second.terminate(Duration.ofSeconds(60)), second.output());
            assertTrue(second.survivingJvms().isEmpty(), "the sink stopped with its pid");
        }
        Await.until("the private PostgreSQL stops with the sink", Duration.ofSeconds(30), () -> !listening(pgPort));
    }

    /**
     * (b) A sink killed with SIGKILL leaves its private PostgreSQL running (nothing of the JVM runs to stop it); the
     * restarted sink takes that server on, and every order is there once.
     */
    @Test
    void aSinkKilledWithSigkillRestartsOnThePrivatePostgresItLeftRunning() throws Exception
    {
        final int metricsPort = FreePorts.tcp();
        final Path log = logs.resolve("killed.log");
        try (ChildJvm sink = LauncherProcess.start(log, Map.of(), sinkArgs(metricsPort)))
        {
            LauncherProcess.awaitReady(sink, 1, 90);
            awaitCaughtUp(metricsPort, sink::output);
            sink.killMinus9();
        }
        assertTrue(listening(pgPort), "the server outlives the SIGKILLed sink, for the restart to take on");
        try (ChildJvm sink = LauncherProcess.start(log, Map.of(), sinkArgs(metricsPort)))
        {
            LauncherProcess.awaitReady(sink, 2, 90);
            assertTrue(sink.output().contains("event=postgres.adopted"), sink.output());
            awaitCaughtUp(metricsPort, sink::output);
            final SinkVerify.Report report = SinkVerify.check(database(), dataDir);
            assertTrue(report.equal(), report.text());
            assertEquals(ORDERS, report.orders(), report.text());
            assertEquals(143, sink.terminate(Duration.ofSeconds(60)), sink.output());
        }
        Await.until("the private PostgreSQL stops with the sink", Duration.ofSeconds(30), () -> !listening(pgPort));
    }

    /** (c) {@code sink verify} beside a running sink uses the sink's server and leaves both running. */
    @Test
    void verifyWhileTheSinkRunsUsesItsServerAndLeavesItRunning() throws Exception
    {
        final int metricsPort = FreePorts.tcp();
        try (ChildJvm sink = LauncherProcess.start(logs.resolve("verified.log"), Map.of(), sinkArgs(metricsPort)))
        {
            LauncherProcess.awaitReady(sink, 1, 90);
            awaitCaughtUp(metricsPort, sink::output);

            final List<String> verify = new ArrayList<>(List.of("sink", "verify"));
            verify.addAll(embedded());
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final int exit = Launcher.run(verify, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("sink verify: the database equals replay "
                + "rebuild and export at sequence " + LAST_SEQUENCE + ": 1 sale(s), " + ORDERS + " order(s)"),
                out.toString(StandardCharsets.UTF_8));

            assertTrue(listening(pgPort), "verify left the sink's server running");
            assertTrue(sink.isAlive(), sink.output());
            assertEquals(1, PrometheusSamples.value(scrape(metricsPort), "flashgate_sink_database_up"),
                "the sink still reaches its database");
            assertEquals(143, sink.terminate(Duration.ofSeconds(60)), sink.output());
        }
        Await.until("the private PostgreSQL stops with the sink", Duration.ofSeconds(30), () -> !listening(pgPort));
    }

    private List<String> embedded()
    {
        return List.of("--source-dir", dataDir.toString(), "--embedded-postgres", "--embedded-folder",
            pgFolder.toString(), "--embedded-port", Integer.toString(pgPort), "--db-user", USER, "--db-password",
            PASSWORD);
    }

    private String[] sinkArgs(final int metricsPort)
    {
        final List<String> args = new ArrayList<>(List.of("sink"));
        args.addAll(embedded());
        args.addAll(List.of("--sink-metrics-port", Integer.toString(metricsPort)));
        return args.toArray(String[]::new);
    }

    private SinkDatabase database()
    {
        return new SinkDatabase("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", USER, PASSWORD);
    }

    private void awaitCaughtUp(final int metricsPort, final Supplier<String> output)
    {
        Await.until(() -> "the sink commits sequence " + LAST_SEQUENCE + ":\n" + scrape(metricsPort) + "\n"
            + output.get(), Duration.ofSeconds(30), () ->
            {
                final String text = scrape(metricsPort);
                return text.contains("flashgate_sink_committed_sequence")
                    && PrometheusSamples.value(text, "flashgate_sink_committed_sequence") == LAST_SEQUENCE
                    && PrometheusSamples.value(text, "flashgate_sink_database_up") == 1;
            });
    }

    private String scrape(final int port)
    {
        try
        {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        catch (final IOException ex)
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
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** pg_ctl on the folder, as the user PostgreSQL runs as (postgres, when the tests run as root). */
    private void pgCtl(final String... args) throws Exception
    {
        final Path pgCtl;
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql")))
        {
            pgCtl = versions.map(version -> version.resolve("bin/pg_ctl")).filter(Files::isExecutable)
                .max(Comparator.naturalOrder()).orElseThrow();
        }
        final List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name")))
        {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(List.of(pgCtl.toString(), "-D", pgFolder.toString()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor(60, TimeUnit.SECONDS);
    }
}
