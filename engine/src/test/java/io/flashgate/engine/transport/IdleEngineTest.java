package io.flashgate.engine.transport;

import io.aeron.Aeron;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.config.StageLayout;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.pipeline.EngineStats;
import io.flashgate.protocol.Reply;
import io.flashgate.testsupport.Await;
import io.flashgate.testsupport.ThreadActivity;
import org.agrona.CloseHelper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code ops/flashgate run} is without its HTTP edge, on the default settings: embedded media driver, engine,
 * engine transport and the edge's gateway over IPC, in this JVM, the driver, the client conductor and both pollers
 * on one Aeron duty cycle. Commands still reach every stage, in order; then,
 * idle, the threads these parts started must cost almost nothing (docs/ARCHITECTURE.md, "Threads, and what wakes
 * each"). Per-thread CPU and sleeps come from /proc, so a thread that spins (CPU) or naps (wake-ups) is caught
 * however cheap each nap is; the bounds leave room for a loaded 2-core machine.
 */
@Timeout(120)
class IdleEngineTest
{
    private static final int PURCHASES = 500;
    private static final long WINDOW_MILLIS = 4_000;
    /**
     * The whole of these parts, idle: 10 % of a core. They use about 3 % on a loaded 2-core machine (120 ms in 4 s,
     * the Aeron client's and the edge's pollers most); a bound nearer that failed by chance when the machine was busy.
     * A spinning thread takes a whole core, or on a machine loaded 10 deep still several times this; a napping one is
     * caught by its wake-ups below, however little CPU it takes.
     */
    private static final long IDLE_CPU_MILLIS = WINDOW_MILLIS * 10 / 100;
    /** A pipeline stage wakes for the clock command (once a second by default) and for nothing else. */
    private static final long STAGE_WAKE_UPS = WINDOW_MILLIS / 1000 + 6;
    /** A poller (or the driver) parks up to 16 ms when idle, about 60 times a second; 1 ms parks would be 1,000. */
    private static final long POLLER_WAKE_UPS_PER_SECOND = 200;

    @TempDir
    Path dataDir;

    /** The default layout (every stage an agent of the Aeron thread), and the stages on threads of their own. */
    @ParameterizedTest
    @EnumSource(StageLayout.class)
    void commandsReachEveryStageInOrderAndTheIdlePartsUseAlmostNoCpu(final StageLayout layout) throws Exception
    {
        final Set<Long> threadsBefore = ThreadActivity.sample().threads(name -> true).stream()
            .map(ThreadActivity.Figures::tid).collect(Collectors.toSet());
        EmbeddedDriver driver = null;
        Aeron aeron = null;
        EngineTransport transport = null;
        Engine engine = null;
        AeronEngineGateway gateway = null;
        try
        {
            // As run has it: every channel is IPC, so the one Aeron thread parks for timers alone.
            driver = EmbeddedDriver.start(EmbeddedDriver.THREAD_NAME, io.flashgate.client.aeron.DutyCycle.signalledIdle());
            aeron = driver.connect();
            transport = EngineTransport.open(aeron, TransportConfig.ipc(driver.aeronDirectory()));
            engine = Engine.start(EngineConfig.defaults(dataDir).withStageLayout(layout), transport.egressSink(),
                transport.egressHost());
            transport.start(engine);
            gateway = AeronEngineGateway.start(aeron, GatewayConfig.ipc(driver.aeronDirectory()));
            assertTrue(gateway.awaitReachable(Duration.ofSeconds(30)), "engine not reachable");

            everyCommandReachesEveryStageInOrder(gateway, engine);

            Await.sleep(1_500); // let the pollers' backoff deepen and the start-up work finish
            final ThreadActivity before = ThreadActivity.sample();
            Await.sleep(WINDOW_MILLIS);
            final List<ThreadActivity.Figures> ours = ThreadActivity.sample().since(before).stream()
                .filter(t -> !threadsBefore.contains(t.tid()))
                .filter(t -> t.name().startsWith("flashgate-") || t.name().contains("aeron"))
                .toList();
            System.out.println("idle for " + WINDOW_MILLIS + " ms: " + ours);
            assertIdleCostsAlmostNothing(ours, layout);
        }
        finally
        {
            CloseHelper.quietCloseAll(gateway, transport, engine, aeron, driver);
        }
    }

    private static void everyCommandReachesEveryStageInOrder(final AeronEngineGateway gateway, final Engine engine)
        throws Exception
    {
        final long now = System.currentTimeMillis();
        assertInstanceOf(Reply.Sale.class, gateway.createSale("idle", PURCHASES, 1, now - 1_000, now + 3_600_000, 600)
            .get(10, TimeUnit.SECONDS));
        final List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < PURCHASES; i++)
        {
            replies.add(gateway.purchase("idle", "user-" + i, "key-" + i, 1));
        }
        long lastOrderId = Long.MIN_VALUE;
        for (final CompletableFuture<Reply> reply : replies)
        {
            final Reply.Order order = assertInstanceOf(Reply.Order.class, reply.get(10, TimeUnit.SECONDS));
            assertTrue(order.isNew() && order.orderId() > lastOrderId, "out of order: " + order);
            lastOrderId = order.orderId();
        }
        // The journaller and the egress passed every command the receiver published (the ticker's too).
        Await.until("journal and egress caught up", Duration.ofSeconds(10), () ->
        {
            final EngineStats stats = engine.stats();
            return stats.durableSequence() == stats.publishedSequence() &&
                stats.releasedSequence() == stats.publishedSequence();
        });
    }

    private static void assertIdleCostsAlmostNothing(final List<ThreadActivity.Figures> ours, final StageLayout layout)
    {
        final String all = ours.toString();
        final Set<String> names = ours.stream().map(ThreadActivity.Figures::name).collect(Collectors.toSet());
        // The egress is an agent of the Aeron thread either way; the journaller and the logic are too by default.
        final List<String> threads = layout == StageLayout.AERON_THREAD ? List.of("flashgate-aeron") :
            List.of("flashgate-journ", "flashgate-logic", "flashgate-aeron");
        for (final String stage : threads)
        {
            assertTrue(names.contains(stage), stage + " missing from " + all);
        }
        // No thread without work: no replicator without a standby, no driver executor, and no driver, client
        // conductor, ingress, egress or reply poller thread (nor, by default, journaller or logic thread) beside the
        // one Aeron duty cycle that runs them all.
        assertTrue(names.stream().noneMatch(n -> n.startsWith("flashgate-repli") || n.startsWith("aeron-executor") ||
                n.startsWith("flashgate-ingre") || n.startsWith("flashgate-edge-") || n.startsWith("aeron-client") ||
                n.startsWith("/") || n.startsWith("flashgate-egres") || (layout == StageLayout.AERON_THREAD &&
                (n.startsWith("flashgate-journ") || n.startsWith("flashgate-logic")))),
            "a thread without work: " + all);
        for (final ThreadActivity.Figures thread : ours)
        {
            if (thread.name().startsWith("flashgate-journ") || thread.name().startsWith("flashgate-logic") ||
                thread.name().startsWith("flashgate-egres"))
            {
                assertTrue(thread.wakeUps() <= STAGE_WAKE_UPS, "a pipeline stage woke without work: " + thread);
            }
            else
            {
                assertTrue(thread.wakeUps() <= POLLER_WAKE_UPS_PER_SECOND * WINDOW_MILLIS / 1000,
                    "a thread polls too often when idle: " + thread);
            }
        }
        final long cpu = ours.stream().mapToLong(ThreadActivity.Figures::cpuMillis).sum();
        assertTrue(cpu <= IDLE_CPU_MILLIS, "idle parts used " + cpu + " ms CPU in " + WINDOW_MILLIS + " ms: " + all);
    }
}
