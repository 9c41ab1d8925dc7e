package io.flashgate.engine.pipeline;

import io.flashgate.client.OverloadedException;
import io.flashgate.config.StageLayout;
import io.flashgate.engine.api.EngineClient;
import io.flashgate.journal.FlushPolicy;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reply;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.flashgate.engine.pipeline.EngineTest.T0;
import static io.flashgate.engine.pipeline.EngineTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Journal I/O faults injected in process (docs/ARCHITECTURE.md, "Faults"): nothing after the last durable command is
 * released, offers are refused, the fault shows in the stats; a failed snapshot keeps the engine serving; a stalled
 * disk shows as a full ring that refuses at once.
 */
@Timeout(60)
class EngineFaultTest
{
    @TempDir
    Path dataDir;

    private final CachedEpochClock clock = new CachedEpochClock();

    @Test
    void aFailedAppendReleasesNothingAfterTheLastDurableCommandAndRefusesOffers() throws Exception
    {
        faultStopsTheEngine(EngineTest.config(dataDir), disk -> disk.failJournalWrites = true);
    }

    @Test
    void aFailedFsyncReleasesNothingAfterTheLastDurableCommandAndRefusesOffers() throws Exception
    {
        faultStopsTheEngine(EngineTest.config(dataDir).withFlushPolicy(FlushPolicy.FSYNC),
            disk -> disk.failJournalForces = true);
    }

    /**
     * The journaller as an agent of a duty cycle (StageLayout.AERON_THREAD, the default behind Aeron UDP): the same
     * guarantees, and the thread, which also runs every socket, is not held by the failed journal: it goes back to
     * its idle park.
     */
    @Test
    void aFailedAppendOnTheAeronThreadReleasesNothingAfterTheLastDurableCommandAndFreesTheThread() throws Exception
    {
        faultStopsTheEngine(EngineTest.config(dataDir).withStageLayout(StageLayout.AERON_THREAD),
            disk -> disk.failJournalWrites = true, true);
    }

    private void faultStopsTheEngine(final EngineConfig config, final java.util.function.Consumer<FailingDisk> breakIt)
        throws Exception
    {
        faultStopsTheEngine(config, breakIt, false);
    }

    private void faultStopsTheEngine(final EngineConfig config, final java.util.function.Consumer<FailingDisk> breakIt,
        final boolean onDutyCycle) throws Exception
    {
        clock.update(T0);
        final FailingDisk disk = new FailingDisk();
        final List<Reply.Order> acknowledged = new ArrayList<>();
        final long durableAtFault;
        try (Faultable engine = Faultable.start(config, clock, disk, onDutyCycle))
        {
            final EngineClient client = engine.client;
            assertInstanceOf(Reply.Sale.class, await(client.createSale("flash", 1000, 1, T0, T0 + 600_000, 300)));
            for (int i = 0; i < 20; i++)
            {
                acknowledged.add((Reply.Order)await(client.purchase("flash", "early-" + i, "k", 1)));
            }
            final CountDownLatch faulted = new CountDownLatch(1);
            engine.engine.onFault(fault -> faulted.countDown());

            // A contested burst, with the disk failing part-way through it.
            final List<CompletableFuture<Reply>> burst = new ArrayList<>();
            for (int i = 0; i < 200; i++)
            {
                if (i == 50)
                {
                    breakIt.accept(disk);
                }
                burst.add(client.purchase("flash", "burst-" + i, "k", 1));
            }
            assertTrue(faulted.await(10, TimeUnit.SECONDS), "the fault was reported");
            final EngineFault fault = engine.engine.fault();
            assertNotNull(fault);
            assertTrue(fault.describe().contains("injected") && fault.describe().contains(dataDir.toString()),
                fault.describe());
            durableAtFault = fault.durableSequence();

            // Wait until nothing more can leak out, then look: the egress has released what was durable and both
            // stages that could release more (logic, egress) are parked with nothing left they may take.
            if (onDutyCycle)
            {
                assertEquals(List.of("flashgate-journaller", "flashgate-logic", "flashgate-egress"),
                    engine.cycle.roleNames(), "the stages run as agents of the duty cycle");
                awaitCycleAtRest(engine.engine, engine.cycle);
            }
            else
            {
                awaitStagesAtRest(engine.engine);
            }
            final EngineStats stats = engine.engine.stats();
            assertTrue(stats.faulted());
            assertEquals(1, stats.faults());
            assertEquals(durableAtFault, stats.durableSequence(), "the durable sequence stopped at the fault");
            assertTrue(stats.releasedSequence() <= durableAtFault, "released " + stats.releasedSequence() +
                " past durable " + durableAtFault);
            for (final CompletableFuture<Reply> future : burst)
            {
                if (future.isDone() && !future.isCompletedExceptionally())
                {
                    acknowledged.add((Reply.Order)future.get());
                }
            }
            final long answered = burst.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
            // 21 commands before the burst: every answer of the burst belongs to a durable command.
            assertTrue(21 + answered <= durableAtFault, answered + " burst answers, durable " + durableAtFault);

            // A faulted engine refuses at once: the answer is there when the call returns, and the call does not wait
            // (the bound is 10x what a loaded machine's scheduling can add; waiting for room would never end here).
            final long before = System.nanoTime();
            final CompletableFuture<Reply> refused = client.purchase("flash", "late", "k", 1);
            final long refusalNanos = System.nanoTime() - before;
            assertTrue(refused.isCompletedExceptionally(), "refused when the call returned: " + refused);
            assertTrue(refusalNanos < TimeUnit.SECONDS.toNanos(1),
                "the refusal took " + TimeUnit.NANOSECONDS.toMillis(refusalNanos) + " ms");
            final ExecutionException ex = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> refused.get(1, TimeUnit.SECONDS));
            assertInstanceOf(OverloadedException.class, ex.getCause());
            assertFalse(engine.engine.offer(new org.agrona.concurrent.UnsafeBuffer(new byte[64]), 0, 64));
            assertFalse(client.isEngineReachable(), "a faulted engine is not ready");
        }

        // Restart on a good disk: every acknowledged order is there, and the engine sells again.
        try (Faultable engine = Faultable.start(config, clock, new FailingDisk(), onDutyCycle))
        {
            assertTrue(engine.engine.stats().recoveredSequence() >= 21, "recovered " +
                engine.engine.stats().recoveredSequence());
            for (final Reply.Order order : acknowledged)
            {
                final Reply info = await(engine.client.queryOrder(order.orderId(), ""));
                assertInstanceOf(Reply.Order.class, info, "acknowledged order " + order.orderId() + " lost");
            }
            assertEquals(MessageTypes.ORDER_ACCEPTED,
                ((Reply.Order)await(engine.client.purchase("flash", "after-restart", "k", 1))).type());
        }
    }

    @Test
    void aFailedSnapshotIsReportedLeavesNoFileAndTheEngineGoesOn() throws Exception
    {
        clock.update(T0);
        final FailingDisk disk = new FailingDisk();
        final EngineConfig config = EngineTest.config(dataDir);
        try (Faultable engine = Faultable.start(config, clock, disk))
        {
            final EngineClient client = engine.client;
            assertInstanceOf(Reply.Sale.class, await(client.createSale("flash", 10, 1, T0, T0 + 600_000, 300)));
            disk.failSnapshots = true;
            await(client.snapshot());
            assertEquals(1, engine.engine.stats().snapshotFailures());
            assertNull(engine.engine.fault(), "a failed snapshot is no engine fault");
            assertEquals(List.of(), filesIn(config.snapshotDirectory()), "no file a recovery could trust, no temp");
            assertEquals(MessageTypes.ORDER_ACCEPTED, ((Reply.Order)await(client.purchase("flash", "a", "k", 1))).type());

            disk.failSnapshots = false;
            final Reply.Ack ack = (Reply.Ack)await(client.snapshot());
            assertEquals(List.of(String.format("snapshot-%020d.snap", ack.value())),
                filesIn(config.snapshotDirectory()), "the next snapshot is written");
        }
    }

    /**
     * A snapshot is written on a thread of its own: while its disk stalls, the Aeron thread that runs the logic and
     * the journaller goes on (the commands after it are journaled, the thread idles between them), and the egress
     * holds back the snapshot's acknowledgement and every result after it until the file is written.
     */
    @Test
    void aSnapshotOnAStalledDiskHoldsResultsBackButNotTheThreadThatRunsTheLogic() throws Exception
    {
        clock.update(T0);
        final FailingDisk disk = new FailingDisk();
        final EngineConfig config = EngineTest.config(dataDir).withStageLayout(StageLayout.AERON_THREAD);
        try (Faultable engine = Faultable.start(config, clock, disk, true))
        {
            final EngineClient client = engine.client;
            assertInstanceOf(Reply.Sale.class, await(client.createSale("flash", 10, 1, T0, T0 + 600_000, 300)));
            final CountDownLatch stall = new CountDownLatch(1);
            disk.stallSnapshots = stall;
            final CompletableFuture<Reply> snapshot = client.snapshot();
            assertTrue(disk.snapshotStalled.await(10, TimeUnit.SECONDS), "the snapshot's write began");
            final List<CompletableFuture<Reply>> after = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                after.add(client.purchase("flash", "after-" + i, "k", 1));
            }
            final long published = engine.engine.lastPublishedSequence();
            io.flashgate.testsupport.Await.until(() -> "journaled while the snapshot is written: " +
                engine.engine.stats() + ", the cycle " + cycleState(engine.cycle), java.time.Duration.ofSeconds(10),
                () -> engine.engine.durableSequence() >= published &&
                    cycleState(engine.cycle).equals("WAITING in its idle park"));
            assertFalse(snapshot.isDone(), "the snapshot acknowledged before its file was written");
            assertTrue(after.stream().noneMatch(CompletableFuture::isDone), "a result after the snapshot released");

            stall.countDown();
            final Reply.Ack ack = (Reply.Ack)snapshot.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(String.format("snapshot-%020d.snap", ack.value())),
                filesIn(config.snapshotDirectory()), "the snapshot is written when it is acknowledged");
            for (final CompletableFuture<Reply> purchase : after)
            {
                assertInstanceOf(Reply.Order.class, purchase.get(10, TimeUnit.SECONDS));
            }
            assertEquals(0, engine.engine.stats().snapshotFailures());
        }
    }

    /**
     * The periodic snapshot (the engine's clock asks for it; no one awaits its acknowledgement) holds nothing back:
     * while its disk stalls, every purchase after it is answered, the clock's next snapshot is skipped rather than
     * queued behind it, and its file is written once the disk answers.
     */
    @Test
    void aPeriodicSnapshotOnAStalledDiskHoldsNoResultBack() throws Exception
    {
        clock.update(T0);
        final FailingDisk disk = new FailingDisk();
        final EngineConfig config = EngineTest.config(dataDir).withStageLayout(StageLayout.AERON_THREAD)
            .withSnapshotEveryCommands(3);
        try (Faultable engine = Faultable.start(config, clock, disk, true))
        {
            final EngineClient client = engine.client;
            final CountDownLatch stall = new CountDownLatch(1);
            disk.stallSnapshots = stall;
            assertInstanceOf(Reply.Sale.class, await(client.createSale("flash", 1_000, 1, T0, T0 + 600_000, 300)));
            // Purchases until the clock's snapshot begins its write: the clock counts commands from its own first
            // look, which on a loaded machine may come after any number of them.
            final AtomicInteger before = new AtomicInteger();
            io.flashgate.testsupport.Await.until("the clock's snapshot began its write", Duration.ofSeconds(20), () ->
            {
                if (disk.snapshotStalled.getCount() == 0)
                {
                    return true;
                }
                assertOrder(client, "before-" + before.getAndIncrement());
                return false;
            });

            for (int i = 0; i < 5; i++)
            {
                assertInstanceOf(Reply.Order.class, await(client.purchase("flash", "after-" + i, "k", 1)),
                    "a purchase answered while the periodic snapshot's disk stalls");
            }
            // The only commands not ours are the clock's SNAPSHOTs (no reservation ticks here): wait for the next one,
            // which finds the first still being written.
            final long ours = engine.engine.lastPublishedSequence();
            io.flashgate.testsupport.Await.until("the clock's next snapshot", Duration.ofSeconds(20),
                () -> engine.engine.lastPublishedSequence() > ours);
            assertEquals(List.of(), snapshotFiles(config.snapshotDirectory()), "the snapshot is still being written");

            stall.countDown();
            io.flashgate.testsupport.Await.until("the periodic snapshot written", Duration.ofSeconds(10),
                () -> !snapshotFiles(config.snapshotDirectory()).isEmpty());
            // One asked for (never skipped; acknowledged once written): a second one queued would be on disk before it.
            final Reply.Ack asked = (Reply.Ack)await(client.snapshot());
            assertEquals(List.of(), snapshotFiles(config.snapshotDirectory()).stream()
                .filter(name -> sequenceOf(name) > ours && sequenceOf(name) < asked.value()).toList(),
                "the clock's snapshot while the first was written was skipped, not queued");
            assertEquals(0, engine.engine.stats().snapshotFailures());
        }
    }

    /** A purchase, answered as an order (an assertion error otherwise, which ends a wait that calls it). */
    private static void assertOrder(final EngineClient client, final String user)
    {
        try
        {
            assertInstanceOf(Reply.Order.class, await(client.purchase("flash", user, "k", 1)));
        }
        catch (final Exception ex)
        {
            throw new AssertionError("purchase by " + user, ex);
        }
    }

    @Test
    void aStalledDiskFillsTheRingAndOffersAreRefusedAtOnce() throws Exception
    {
        clock.update(T0);
        final FailingDisk disk = new FailingDisk();
        final EngineConfig config = EngineTest.config(dataDir).withRingSize(64);
        try (Faultable engine = Faultable.start(config, clock, disk))
        {
            final EngineClient client = engine.client;
            assertInstanceOf(Reply.Sale.class, await(client.createSale("flash", 10_000, 1, T0, T0 + 600_000, 300)));
            final CountDownLatch stall = new CountDownLatch(1);
            disk.stallJournalWrites = stall;
            final List<CompletableFuture<Reply>> sent = new ArrayList<>();
            long slowestSubmitNanos = 0;
            for (int i = 0; i < 500; i++)
            {
                final long start = System.nanoTime();
                sent.add(client.purchase("flash", "u" + i, "k", 1));
                slowestSubmitNanos = Math.max(slowestSubmitNanos, System.nanoTime() - start);
            }
            // At once: refused when the call returned, and no call waited (10x what a loaded machine can add).
            final long refused = sent.stream().filter(f -> f.isCompletedExceptionally()).count();
            assertTrue(refused >= 500 - 64 - 1, refused + " refused at once of 500 into a ring of 64");
            assertTrue(slowestSubmitNanos < TimeUnit.SECONDS.toNanos(1), "a refusal took " +
                TimeUnit.NANOSECONDS.toMillis(slowestSubmitNanos) + " ms");
            // A stall of at least 1.2 s, counted from the moment the journaller is inside it (the slow-flush mark is 1 s).
            assertTrue(disk.journalWriteStalled.await(10, TimeUnit.SECONDS), "the journaller reached the stalled write");
            Thread.sleep(1_200);
            disk.stallJournalWrites = null;
            stall.countDown();
            for (final CompletableFuture<Reply> future : sent)
            {
                if (!future.isCompletedExceptionally())
                {
                    assertEquals(MessageTypes.ORDER_ACCEPTED, ((Reply.Order)await(future)).type());
                }
            }
            final EngineStats stats = engine.engine.stats();
            assertTrue(stats.maxFlushNanos() >= TimeUnit.MILLISECONDS.toNanos(1_000), stats.toString());
            assertTrue(stats.slowFlushes() >= 1, stats.toString());
            assertTrue(stats.refusedOffers() >= refused, stats.toString());
            assertNull(engine.engine.fault(), "a slow disk is no fault");
        }
    }

    /** Waits until the engine's fault is drained and its logic and egress threads are parked on the ring's wait. */
    private static void awaitStagesAtRest(final Engine engine)
    {
        io.flashgate.testsupport.Await.until(() -> "stages at rest after the fault: " + stageStates() + " " +
            engine.stats(), java.time.Duration.ofSeconds(10), () -> engine.isFaultDrained() && stageStates().values()
            .stream().allMatch(parked -> parked));
    }

    /**
     * Waits until the engine's fault is drained and the duty cycle that runs its stages is parked in its idle park:
     * the failed journaller holds nothing, so the thread that would also run the sockets goes on.
     */
    private static void awaitCycleAtRest(final Engine engine, final io.flashgate.client.aeron.DutyCycle cycle)
    {
        io.flashgate.testsupport.Await.until(() -> "the duty cycle at rest after the fault: " + cycleState(cycle) +
            " " + engine.stats(), java.time.Duration.ofSeconds(10), () -> engine.isFaultDrained() &&
            cycleState(cycle).equals("WAITING in its idle park"));
    }

    private static String cycleState(final io.flashgate.client.aeron.DutyCycle cycle)
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.isAlive() && thread.getName().equals(cycle.name()))
            {
                final Object blocker = java.util.concurrent.locks.LockSupport.getBlocker(thread);
                return thread.getState() + (blocker instanceof org.agrona.concurrent.IdleStrategy ? " in its idle park" :
                    " on " + blocker);
            }
        }
        return "no thread";
    }

    /** Each live logic and egress thread: parked until signalled (no timer, no spin)? */
    private static java.util.Map<String, Boolean> stageStates()
    {
        final java.util.Map<String, Boolean> states = new java.util.TreeMap<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.isAlive() && (thread.getName().equals("flashgate-logic") ||
                thread.getName().equals("flashgate-egress")))
            {
                // The logic parks in the ring's wait; the egress, an agent, in its duty cycle's park until signalled.
                final Object blocker = java.util.concurrent.locks.LockSupport.getBlocker(thread);
                states.put(thread.getName() + "#" + thread.getId(), thread.getState() == Thread.State.WAITING &&
                    (thread.getName().equals("flashgate-logic") ? blocker instanceof ParkingWaitStrategy :
                        blocker instanceof org.agrona.concurrent.IdleStrategy));
            }
        }
        return states.size() == 2 ? states : java.util.Map.of("expected one logic and one egress thread", false);
    }

    /** The snapshot files written, by name (no temporary file). */
    private static List<String> snapshotFiles(final Path folder)
    {
        try
        {
            return filesIn(folder).stream().filter(name -> name.endsWith(".snap")).toList();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static long sequenceOf(final String snapshotFile)
    {
        return Long.parseLong(snapshotFile.substring("snapshot-".length(), snapshotFile.length() - ".snap".length()));
    }

    private static List<String> filesIn(final Path folder) throws Exception
    {
        if (!Files.isDirectory(folder))
        {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * An engine on a disk of the test's, with an in-process client, and its stages on a duty cycle of the test's when
     * asked (as behind Aeron, where that cycle is the Aeron thread); closes them all.
     */
    record Faultable(Engine engine, EngineClient client, io.flashgate.client.aeron.DutyCycle cycle)
        implements AutoCloseable
    {
        static Faultable start(final EngineConfig config, final org.agrona.concurrent.EpochClock clock,
            final FailingDisk disk) throws Exception
        {
            return start(config, clock, disk, false);
        }

        static Faultable start(final EngineConfig config, final org.agrona.concurrent.EpochClock clock,
            final FailingDisk disk, final boolean onDutyCycle) throws Exception
        {
            final io.flashgate.client.aeron.DutyCycle cycle = onDutyCycle ? io.flashgate.client.aeron.DutyCycle.start(
                "faultable-stages", io.flashgate.client.aeron.DutyCycle.parkUntilSignalled()) : null;
            final EngineClient client = new EngineClient(1);
            final Engine engine = cycle == null ? Engine.start(config, client.eventSink(), clock, disk) :
                Engine.start(config, client.eventSink(), clock, disk, cycle);
            client.attach(engine);
            return new Faultable(engine, client, cycle);
        }

        @Override
        public void close()
        {
            client.close();
            engine.close();
            if (cycle != null)
            {
                cycle.close();
            }
        }
    }
}
