package io.flashgate.ops.drill;

import io.flashgate.processes.ChildJvm;
import io.flashgate.processes.FreePorts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two engines of a hot-standby pair on this host, each its own process started through the launcher as an
 * operator would ({@code ops/flashgate engine} or {@code standby}), on free ports, in folders below {@code work}.
 * Engines are killed with SIGKILL and started again. The failover drill and the launcher's pair tests use it.
 */
public final class PairProcesses implements AutoCloseable
{
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern ROLE = Pattern.compile("\"role\":\"([A-Z]+)\"");
    private static final Pattern STANDBY_STATE = Pattern.compile("\"standby\":\\{\"state\":\"([A-Z_]+)\"");
    private static final Pattern EPOCH = Pattern.compile("\"epoch\":(\\d+)");
    private static final Pattern HOLD = Pattern.compile("\"hold\":\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One engine's fixed endpoints and folder: the same across its restarts. */
    public final class Engine
    {
        final String name;
        final Path dataDir;
        final String ingress = "127.0.0.1:" + FreePorts.udp();
        final String egress = "127.0.0.1:" + FreePorts.udp();
        final String pairListen = "127.0.0.1:" + FreePorts.udp();
        final int metricsPort = FreePorts.tcp();
        String pairPeer;
        ChildJvm process;
        int starts;

        Engine(final String name)
        {
            this.name = name;
            this.dataDir = work.resolve(name);
        }

        /** Starts this engine with {@code verb} ({@code engine} or {@code standby}) and waits until it is ready. */
        public void start(final String verb)
        {
            starts++;
            final List<String> args = new ArrayList<>(List.of(verb, "--data-dir", dataDir.toString(),
                "--ingress", ingress, "--egress", egress, "--pair-listen", pairListen, "--pair-peer", pairPeer,
                "--metrics-port", Integer.toString(metricsPort),
                "--heartbeat-interval-millis", Long.toString(heartbeatIntervalMillis),
                "--heartbeat-timeout-millis", Long.toString(heartbeatTimeoutMillis)));
            args.addAll(extraArgs);
            args.addAll(ownArgs);
            process = ChildJvm.of(io.flashgate.ops.Launcher.class, args.toArray(String[]::new))
                .heap("384m").jvmFlagsOfThisJvm()
                .start(work.resolve(name + "-" + starts + ".log"));
            process.awaitLine("flashgate: ready", 1, START_TIMEOUT);
        }

        /** This engine's own view ({@code GET /admin/engine} on its metrics port); empty if it does not answer. */
        public Optional<String> status()
        {
            return get("http://127.0.0.1:" + metricsPort + "/admin/engine");
        }

        public String role()
        {
            return status().map(s -> group(ROLE, s)).orElse("DOWN");
        }

        public String standbyState()
        {
            return status().map(s -> group(STANDBY_STATE, s)).orElse("DOWN");
        }

        /** Why it waits, as its /admin/engine says ("" when it does not, or does not answer). */
        public String hold()
        {
            return status().map(s -> HOLD.matcher(s).find() ? group(HOLD, s) : "").orElse("");
        }

        public long epoch()
        {
            return status().map(s -> Long.parseLong(group(EPOCH, s))).orElse(-1L);
        }

        public boolean isAlive()
        {
            return process != null && process.isAlive();
        }

        public void killMinus9()
        {
            process.killMinus9();
        }

        public int metricsPort()
        {
            return metricsPort;
        }

        /** Where this engine takes its peer's records, heartbeats and acknowledgements ({@code pair.listen}). */
        public String pairListen()
        {
            return pairListen;
        }

        /** Flags of this engine's alone, from its next start on (its own ZooKeeper relays, say). */
        private final List<String> ownArgs = new ArrayList<>();

        public void extraArgs(final String... args)
        {
            ownArgs.addAll(List.of(args));
        }

        /** Its ZooKeeper view from /admin/engine: {@code "connected":true|false}, or empty. */
        public String zookeeper()
        {
            return status().map(s -> s.contains("\"zookeeper\":") ? s.substring(s.indexOf("\"zookeeper\":")) : "")
                .orElse("");
        }

        /** Sends to its peer through {@code endpoint} (a relay a test cuts) from its next start on. */
        public void peerVia(final String endpoint)
        {
            pairPeer = endpoint;
        }

        /** Commands in ({@code transport.ingress}) and events out ({@code transport.egress}). */
        public String ingress()
        {
            return ingress;
        }

        public String egress()
        {
            return egress;
        }

        /** What its process has written so far. */
        public String output()
        {
            return process == null ? "" : process.output();
        }

        String endpoints()
        {
            return ingress + "/" + egress;
        }

        @Override
        public String toString()
        {
            return name;
        }
    }

    final Path work;
    final long heartbeatIntervalMillis;
    final long heartbeatTimeoutMillis;
    private final Engine a;
    private final Engine b;
    /** Settings both engines start with besides their endpoints (ZooKeeper's, say). */
    private final List<String> extraArgs = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public PairProcesses(final Path work, final long heartbeatIntervalMillis, final long heartbeatTimeoutMillis)
        throws IOException
    {
        this.work = Files.createDirectories(work);
        this.heartbeatIntervalMillis = heartbeatIntervalMillis;
        this.heartbeatTimeoutMillis = heartbeatTimeoutMillis;
        a = new Engine("engine-a");
        b = new Engine("engine-b");
        a.pairPeer = b.pairListen;
        b.pairPeer = a.pairListen;
    }

    /** Both engines start with these flags too from their next start on ({@code --zookeeper ...}, say). */
    public PairProcesses withArgs(final String... args)
    {
        extraArgs.addAll(List.of(args));
        return this;
    }

    public Engine a()
    {
        return a;
    }

    public Engine b()
    {
        return b;
    }

    /** The engine that is primary (or releasing alone) now, if one is. */
    Optional<Engine> primary()
    {
        for (final Engine engine : List.of(a, b))
        {
            if (engine.isAlive())
            {
                final String role = engine.role();
                if ("PRIMARY".equals(role) || "SOLO".equals(role))
                {
                    return Optional.of(engine);
                }
            }
        }
        return Optional.empty();
    }

    Engine other(final Engine engine)
    {
        return engine == a ? b : a;
    }

    private Optional<String> get(final String url)
    {
        try
        {
            final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? Optional.of(answer.body()) : Optional.empty();
        }
        catch (final IOException ex)
        {
            return Optional.empty();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static String group(final Pattern pattern, final String text)
    {
        final Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : "?";
    }

    /**
     * Stops both engines (SIGTERM: each closes its journal), the primary last: a standby that outlived its primary's
     * stop would promote itself and write a new epoch the primary's journal lacks, so the two journals would differ
     * after a drill that lost nothing. A primary that outlives its standby only appends: the standby's journal stays
     * a prefix of its own.
     */
    @Override
    public void close()
    {
        final Engine last = primary().orElse(b);
        for (final Engine engine : List.of(other(last), last))
        {
            if (engine.isAlive())
            {
                engine.process.terminate(Duration.ofSeconds(20));
            }
        }
    }
}
