package io.flashgate.edge.transport;

import io.aeron.Aeron;
import io.flashgate.client.EngineGateway;
import io.flashgate.client.FollowedEngine;
import io.flashgate.client.OverloadedException;
import io.flashgate.client.ResultUnknownException;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.client.follow.FollowingGateway;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.AeronEngine;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.engine.transport.TransportConfig;
import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.SaleStatus;
import io.flashgate.testsupport.Await;
import io.flashgate.processes.FreePorts;
import io.flashgate.processes.UdpRelay;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link FollowingGateway} over two real engines, each on its own UDP ports on 127.0.0.1 (one media driver for the
 * engines, one for the edge): it follows a live engine when the one it follows closes, without a restart, and its
 * listeners hear only the followed engine. Today's engines answer SOLO in epoch 0; the epoch rule and the NOT_PRIMARY
 * re-probe are driven here by engines that report a role given by the test (real engines underneath), and the rule
 * alone is {@code PrimaryChoiceTest}.
 */
class FollowingGatewayTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    /** Closed in reverse order of opening. */
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<String> driverFolders = new ArrayList<>();

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        if (resource instanceof EmbeddedDriver driver)
        {
            driverFolders.add(driver.aeronDirectory());
        }
        return resource;
    }

    @AfterEach
    void closeEverything()
    {
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(resources.get(i));
        }
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            final String name = thread.getName();
            if (thread.isAlive() && (name.startsWith("flashgate-edge-") || name.startsWith("flashgate-ingress") ||
                name.startsWith("flashgate-egress")))
            {
                fail("thread left running: " + name);
            }
        }
        for (final String folder : driverFolders)
        {
            assertFalse(new File(folder).exists(), "driver folder left behind: " + folder);
        }
    }

    /** One engine on its own UDP ingress and egress control ports, with its own data folder. */
    private record UdpEngine(String endpoint, String ingress, String egress, AeronEngine engine)
    {
    }

    private UdpEngine engine(final EmbeddedDriver driver, final String name) throws Exception
    {
        final String ingress = FreePorts.udpEndpoint();
        final String egress = FreePorts.udpEndpoint();
        final AeronEngine engine = track(AeronEngine.start(TransportConfig.udp(driver.aeronDirectory(), ingress, egress),
            EngineConfig.defaults(dataDir.resolve(name)).withTickIntervalMillis(0).withSnapshotEveryCommands(0)));
        return new UdpEngine(ingress + "/" + egress, ingress, egress, engine);
    }

    private static GatewayConfig channels(final EmbeddedDriver edgeDriver, final UdpEngine engine)
    {
        return GatewayConfig.udp(edgeDriver.aeronDirectory(), engine.ingress(), engine.egress(), "127.0.0.1");
    }

    private static Reply get(final CompletableFuture<Reply> future) throws Exception
    {
        return future.get(20, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(final CompletableFuture<Reply> future) throws Exception
    {
        try
        {
            future.get(20, TimeUnit.SECONDS);
            return fail("expected a failure");
        }
        catch (final ExecutionException ex)
        {
            return ex.getCause();
        }
    }

    private static CompletableFuture<Reply> openSale(final EngineGateway gateway, final String saleId, final int stock)
    {
        final long now = System.currentTimeMillis();
        return gateway.createSale(saleId, stock, 1, now - 60_000, now + 3_600_000, 600);
    }

    @Test
    @Timeout(90)
    void followsTheLiveEngineWhenTheOneItFollowsClosesAndHearsOnlyTheFollowedOne() throws Exception
    {
        final EmbeddedDriver engineDriver = track(EmbeddedDriver.start());
        final EmbeddedDriver edgeDriver = track(EmbeddedDriver.start());
        final List<UdpEngine> engines = List.of(engine(engineDriver, "a"), engine(engineDriver, "b"));
        final Aeron edgeAeron = track(edgeDriver.connect());
        final FollowingGateway gateway = track(FollowingGateway.overAeron(edgeAeron, List.of(
            new FollowingGateway.AeronMember(engines.get(0).endpoint(), channels(edgeDriver, engines.get(0))),
            new FollowingGateway.AeronMember(engines.get(1).endpoint(), channels(edgeDriver, engines.get(1))))));
        final List<String> heard = new CopyOnWriteArrayList<>();
        final AtomicInteger switches = new AtomicInteger();
        gateway.onBroadcast(reply ->
        {
            if (reply instanceof Reply.Sale sale)
            {
                heard.add(sale.saleId());
            }
        });
        gateway.onOrderAccepted(order -> heard.add("order " + order.saleId()));
        gateway.onEngineSwitch(switches::incrementAndGet);
        assertTrue(gateway.awaitFollowing(WAIT), "an engine answering SOLO is followed");
        Await.until("both engines answered", WAIT,
            () -> gateway.engines().stream().allMatch(e -> e.reachable() && e.role() == EngineRole.SOLO));

        final String first = gateway.followedEndpoint();
        final int followed = engines.get(0).endpoint().equals(first) ? 0 : 1;
        final UdpEngine old = engines.get(followed);
        final UdpEngine next = engines.get(1 - followed);
        assertTrue(gateway.engines().get(followed).followed());
        assertFalse(gateway.engines().get(1 - followed).followed());

        // the other engine, reached directly, gets its own history: the follower must not hear it
        final AeronEngineGateway direct = track(AeronEngineGateway.start(edgeAeron, channels(edgeDriver, next)));
        assertTrue(direct.awaitReachable(WAIT));
        assertInstanceOf(Reply.Sale.class, get(openSale(direct, "elsewhere", 3)));
        assertInstanceOf(Reply.Order.class, get(direct.purchase("elsewhere", "eve", "k-eve", 1)));

        assertInstanceOf(Reply.Sale.class, get(openSale(gateway, "drop", 5)));
        final Reply.Order alice = (Reply.Order)get(gateway.purchase("drop", "alice", "k-alice", 1));
        assertTrue(alice.isNew());
        Await.until("the followed engine's broadcasts", WAIT, () -> heard.contains("order drop"));
        assertFalse(heard.contains("elsewhere") || heard.contains("order elsewhere"),
            "an engine not followed is not heard: " + heard);
        assertEquals(0, switches.get());

        // the followed engine goes away: the gateway follows the live one, no restart
        old.engine().close();
        Await.until("following the live engine", WAIT, () -> next.endpoint().equals(gateway.followedEndpoint()));
        assertEquals(1, switches.get(), "one switch to another engine's history");
        assertEquals(1, gateway.switchCount());
        final FollowedEngine gone = gateway.engines().get(followed);
        assertFalse(gone.reachable() || gone.followed(), gone::toString);
        assertTrue(gateway.engines().get(1 - followed).followed());

        // commands now reach the live engine's history (where "drop" never existed), and its stream is heard
        assertEquals(Reply.Rejected.of(Reason.UNKNOWN_SALE), get(gateway.querySale("drop")));
        final Reply.Sale elsewhere = (Reply.Sale)get(gateway.querySale("elsewhere"));
        assertEquals(2, elsewhere.remaining());
        assertEquals(SaleStatus.OPEN, elsewhere.status());
        final Reply.Order replayed = (Reply.Order)get(gateway.purchase("elsewhere", "eve", "k-eve", 1));
        assertFalse(replayed.isNew(), "a retry reaches the engine that holds the order");
        get(gateway.purchase("elsewhere", "bob", "k-bob", 1));
        Await.until("the new engine's broadcasts", WAIT, () -> heard.contains("order elsewhere"));
        assertTrue(gateway.isEngineReachable());
    }

    /**
     * What an engine says it is, given by the test, over a real engine: {@code queryEngine} answers with {@link #role}
     * and {@link #epoch}, and with {@link #refusing} every other command gets NOT_PRIMARY, as a standby or a fenced
     * primary answers. Counts the commands that reach it.
     */
    private static final class Acting
    {
        final AeronEngineGateway real;
        volatile EngineRole role;
        volatile long epoch;
        volatile boolean refusing;
        final AtomicInteger commands = new AtomicInteger();
        final AtomicInteger probes = new AtomicInteger();
        final EngineGateway gateway;
        /** Where commands go (not queryEngine): the real engine, or a client of an engine that never answers. */
        final EngineGateway commandsTo;

        Acting(final AeronEngineGateway real, final EngineRole role, final long epoch)
        {
            this(real, real, role, epoch);
        }

        Acting(final AeronEngineGateway real, final EngineGateway commandsTo, final EngineRole role, final long epoch)
        {
            this.real = real;
            this.commandsTo = commandsTo;
            this.role = role;
            this.epoch = epoch;
            this.gateway = (EngineGateway)Proxy.newProxyInstance(EngineGateway.class.getClassLoader(),
                new Class<?>[] {EngineGateway.class}, (proxy, method, args) ->
                {
                    if (method.getName().equals("queryEngine"))
                    {
                        probes.incrementAndGet();
                        return real.queryEngine().thenApply(reply -> reply instanceof Reply.EngineStatus s ?
                            new Reply.EngineStatus(this.role, this.epoch, s.sequence(), s.durableSequence(), s.standby(), s.sink()) :
                            reply);
                    }
                    if (method.getReturnType() == CompletableFuture.class)
                    {
                        commands.incrementAndGet();
                        if (refusing)
                        {
                            return CompletableFuture.completedFuture(Reply.Rejected.of(Reason.NOT_PRIMARY));
                        }
                    }
                    try
                    {
                        final boolean command = method.getReturnType() == CompletableFuture.class ||
                            method.getName().equals("abandonWaiting");
                        return method.invoke(command ? commandsTo : real, args);
                    }
                    catch (final InvocationTargetException ex)
                    {
                        throw ex.getCause();
                    }
                });
        }
    }

    /** Two real engines over UDP, each seen through an {@link Acting}: a says PRIMARY and b STANDBY, epoch 1. */
    private record ActingPair(EmbeddedDriver edgeDriver, Aeron edgeAeron, UdpEngine engineA, Acting a, Acting b)
    {
    }

    private ActingPair actingPair() throws Exception
    {
        final EmbeddedDriver engineDriver = track(EmbeddedDriver.start());
        final EmbeddedDriver edgeDriver = track(EmbeddedDriver.start());
        final UdpEngine engineA = engine(engineDriver, "a");
        final UdpEngine engineB = engine(engineDriver, "b");
        final Aeron edgeAeron = track(edgeDriver.connect());
        final Acting a = new Acting(track(AeronEngineGateway.start(edgeAeron, channels(edgeDriver, engineA))),
            EngineRole.PRIMARY, 1);
        final Acting b = new Acting(track(AeronEngineGateway.start(edgeAeron, channels(edgeDriver, engineB))),
            EngineRole.STANDBY, 1);
        assertTrue(a.real.awaitReachable(WAIT) && b.real.awaitReachable(WAIT));
        return new ActingPair(edgeDriver, edgeAeron, engineA, a, b);
    }

    /** A following gateway over the pair's two, asking each what it is every {@code probeInterval}. */
    private FollowingGateway following(final ActingPair pair, final Duration probeInterval)
    {
        return track(FollowingGateway.start(List.of(new FollowingGateway.Member("a", pair.a().gateway),
            new FollowingGateway.Member("b", pair.b().gateway)), probeInterval));
    }

    /**
     * For a moment no engine takes commands: the followed one refused and now says it is a standby, and the other is
     * one. What the followed engine broadcasts meanwhile is still the history the edge follows, so the listeners hear
     * it; when it is chosen again (same engine, same epoch: no switch, nothing cleared) nothing it said is missing.
     * An edge that dropped it kept a sold-out sale open in its cache for good.
     */
    @Test
    @Timeout(90)
    void theFollowedEnginesBroadcastsAreHeardWhileNoEngineTakesCommands() throws Exception
    {
        final ActingPair pair = actingPair();
        final Acting a = pair.a();
        final FollowingGateway gateway = following(pair, Duration.ofMillis(100));
        final AtomicInteger switches = new AtomicInteger();
        gateway.onEngineSwitch(switches::incrementAndGet);
        final List<String> heard = new CopyOnWriteArrayList<>();
        gateway.onBroadcast(reply ->
        {
            if (reply instanceof Reply.Sale sale)
            {
                heard.add(sale.saleId());
            }
        });
        assertTrue(gateway.awaitFollowing(WAIT));
        assertEquals("a", gateway.followedEndpoint());

        // a refuses a command and from now on says it is a standby: no engine takes commands
        a.refusing = true;
        a.role = EngineRole.STANDBY;
        assertEquals(Reply.Rejected.of(Reason.NOT_PRIMARY), get(gateway.purchase("drop", "alice", "k1", 1)));
        Await.until("no engine followed for commands", WAIT, () -> gateway.followedEndpoint() == null);

        // meanwhile a's engine opens a sale (another client of it, with its own source id): its broadcast is heard
        final AeronEngineGateway direct = track(AeronEngineGateway.start(pair.edgeAeron(),
            channels(pair.edgeDriver(), pair.engineA())));
        assertTrue(direct.awaitReachable(WAIT));
        assertInstanceOf(Reply.Sale.class, get(openSale(direct, "meanwhile", 3)));
        Await.until("the followed engine's broadcast heard while no engine takes commands", WAIT,
            () -> heard.contains("meanwhile"));
        assertNull(gateway.followedEndpoint(), "still no engine for commands when it was heard");

        // a is primary again in the same epoch: the same history, followed again without a switch
        a.role = EngineRole.PRIMARY;
        a.refusing = false;
        Await.until("a followed again", WAIT, () -> "a".equals(gateway.followedEndpoint()));
        assertEquals(0, switches.get(), "same engine, same epoch: nothing to clear");
    }

    @Test
    @Timeout(90)
    void followsTheHighestEpochNeverALowerOneAndANotPrimaryRefusalAsksAgainAtOnce() throws Exception
    {
        final ActingPair pair = actingPair();
        final Acting a = pair.a();
        final Acting b = pair.b();
        // probes come only at start and after a NOT_PRIMARY refusal: what follows cannot be the periodic probe's doing
        final FollowingGateway gateway = following(pair, Duration.ofHours(1));
        final AtomicInteger switches = new AtomicInteger();
        gateway.onEngineSwitch(switches::incrementAndGet);
        assertTrue(gateway.awaitFollowing(WAIT));
        assertEquals("a", gateway.followedEndpoint(), "the primary, not the standby");
        assertInstanceOf(Reply.Sale.class, get(openSale(gateway, "drop", 5)));
        assertEquals(1, a.commands.get());
        assertEquals(0, b.commands.get(), "nothing goes to the standby");

        // b is promoted (epoch 2); a, cut off, still believes it is primary but is fenced: it refuses
        b.role = EngineRole.PRIMARY;
        b.epoch = 2;
        a.refusing = true;
        final int probesBefore = a.probes.get() + b.probes.get();
        assertEquals(Reply.Rejected.of(Reason.NOT_PRIMARY), get(gateway.purchase("drop", "alice", "k1", 1)));
        Await.until("a NOT_PRIMARY answer makes the gateway ask every engine again and follow b", WAIT,
            () -> "b".equals(gateway.followedEndpoint()));
        assertTrue(a.probes.get() + b.probes.get() > probesBefore);
        assertEquals(1, switches.get());
        // the shopper's retry with the same key goes to the new primary; nothing was resent on its behalf
        assertEquals(0, b.commands.get());
        assertEquals(Reply.Rejected.of(Reason.UNKNOWN_SALE), get(gateway.purchase("drop", "alice", "k1", 1)),
            "reaches b (which never had the sale: these two engines are not a real pair)");
        assertEquals(1, b.commands.get());
        assertEquals(2, a.commands.get());

        // b refuses too, and now only a claims to be primary, in epoch 1: never chosen again after epoch 2
        a.refusing = false;
        b.refusing = true;
        b.role = EngineRole.STANDBY;
        assertEquals(Reply.Rejected.of(Reason.NOT_PRIMARY), get(gateway.querySale("drop")));
        Await.until("b dropped and asked again", WAIT,
            () -> gateway.engines().get(1).role() == EngineRole.STANDBY && gateway.followedEndpoint() == null);
        assertNull(gateway.followedEndpoint(), "a reports epoch 1 as primary, below the epoch 2 already seen");
        assertInstanceOf(OverloadedException.class, failureOf(gateway.purchase("drop", "carol", "k2", 1)),
            "with no primary a command is refused at once (503), sent nowhere");
        assertEquals(2, a.commands.get());
        assertFalse(gateway.isEngineReachable());
        assertEquals(1, gateway.engines().get(0).epoch());
        assertEquals(EngineRole.PRIMARY, gateway.engines().get(0).role());
    }

    /**
     * A purchase waits on the followed engine, which then goes (here: a newer epoch appears elsewhere and it answers
     * NOT_PRIMARY to the probe's next command); the gateway switches, and the waiting purchase is answered at once
     * (ResultUnknownException: the edge's 504 RESULT_UNKNOWN, retried with its key) instead of after the reply
     * timeout.
     */
    @Test
    @Timeout(90)
    void whatWaitsOnAnEngineThatIsLeftIsAnsweredAtOnceNotAfterTheReplyTimeout() throws Exception
    {
        // B is promoted (epoch 2): the next probe moves the gateway straight to B.
        whatWaitsOnTheLeftEngineIsAnsweredAtOnce((a, b) ->
        {
            b.role = EngineRole.PRIMARY;
            b.epoch = 2;
        }, "b");
    }

    @Test
    @Timeout(90)
    void whatWaitsOnAnEngineThatIsLeftForNoneIsAnsweredAtOnceToo() throws Exception
    {
        // A says it is no longer primary and B is not yet: the gateway follows nobody for a while.
        whatWaitsOnTheLeftEngineIsAnsweredAtOnce((a, b) -> a.role = EngineRole.STANDBY, null);
    }

    private void whatWaitsOnTheLeftEngineIsAnsweredAtOnce(final java.util.function.BiConsumer<Acting, Acting> change,
        final String followedAfter) throws Exception
    {
        final EmbeddedDriver engineDriver = track(EmbeddedDriver.start());
        final EmbeddedDriver edgeDriver = track(EmbeddedDriver.start());
        final UdpEngine engineA = engine(engineDriver, "a");
        final UdpEngine engineB = engine(engineDriver, "b");
        final Aeron edgeAeron = track(edgeDriver.connect());
        // A's commands pass a relay the test cuts once A is followed: a purchase sent then waits for an answer.
        final Duration replyTimeout = Duration.ofSeconds(60);
        final UdpRelay toA = track(UdpRelay.to(engineA.ingress()));
        final Acting a = new Acting(track(AeronEngineGateway.start(edgeAeron, GatewayConfig.udp(
            edgeDriver.aeronDirectory(), toA.endpoint(), engineA.egress(), "127.0.0.1").withReplyTimeout(replyTimeout))),
            EngineRole.PRIMARY, 1);
        final Acting b = new Acting(track(AeronEngineGateway.start(edgeAeron, channels(edgeDriver, engineB))),
            EngineRole.STANDBY, 1);
        assertTrue(a.real.awaitReachable(WAIT) && b.real.awaitReachable(WAIT));
        final FollowingGateway gateway = track(FollowingGateway.start(List.of(
            new FollowingGateway.Member("a", a.gateway), new FollowingGateway.Member("b", b.gateway)),
            Duration.ofMillis(50)));
        assertTrue(gateway.awaitFollowing(WAIT));
        assertEquals("a", gateway.followedEndpoint());
        toA.cut();
        final CompletableFuture<Reply> waiting = gateway.purchase("drop", "alice", "k1", 1);
        assertFalse(waiting.isDone(), "A never hears it, so nobody answers");

        change.accept(a, b);
        final long switchedAt = System.nanoTime();
        Await.until("following " + followedAfter, WAIT,
            () -> java.util.Objects.equals(followedAfter, gateway.followedEndpoint()));
        final Throwable failure = failureOf(waiting);
        final long millis = (System.nanoTime() - switchedAt) / 1_000_000;
        assertInstanceOf(ResultUnknownException.class, failure);
        assertTrue(millis < replyTimeout.toMillis() / 2, "answered " + millis + " ms after the switch began, not " +
            "after the " + replyTimeout.toMillis() + " ms reply timeout");
    }
}
