package io.flashgate.ops;

import io.flashgate.cli.ExitCodes;
import io.flashgate.processes.FreePorts;
import io.flashgate.processes.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ops/flashgate run} with its data folder on a 4 MiB tmpfs that fills during a contested sale
 * (docs/ARCHITECTURE.md, "Faults"): every 201 before the fault survives; after it, purchases are answered 503 at once
 * (not 504 after the reply timeout), {@code /health/ready} turns 503 during the drain before the exit, and the process
 * exits with code 4; once space is freed, a restart sells again. Needs root to mount; skipped where mounting is
 * refused.
 */
class DiskFullRunTest
{
    private static final String SECRET = "disk-full-test-secret-0123456789";
    /** Left free when the filler is written: about 1,500 journal records, so the disk fills within seconds. */
    private static final long LEFT_FREE = 96 * 1024;
    /**
     * A 503 after the fault comes from the edge or the engine's receiver at once, never after the reply timeout
     * (edge.replyTimeoutMillis, 2000 by default). Half of that tells the two apart with room for a busy machine.
     */
    private static final long AT_ONCE_MILLIS = 1_000;

    @TempDir
    Path base;

    @TempDir
    Path logs;

    private Path mount;
    private boolean mounted;
    private final List<ChildJvm> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception
    {
        // DISK_FULL_TEST_LOGS=<folder> keeps the child processes' logs for a look after a failure.
        if (System.getenv("DISK_FULL_TEST_LOGS") != null)
        {
            final Path keep = Files.createDirectories(Path.of(System.getenv("DISK_FULL_TEST_LOGS")));
            try (var files = Files.list(logs))
            {
                for (final Path file : files.toList())
                {
                    Files.copy(file, keep.resolve(System.nanoTime() + "-" + file.getFileName()));
                }
            }
        }
        for (final ChildJvm process : processes)
        {
            process.close();
        }
        if (mounted)
        {
            final Process umount = new ProcessBuilder("umount", mount.toString()).inheritIO().start();
            if (!umount.waitFor(20, TimeUnit.SECONDS) || umount.exitValue() != 0)
            {
                new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private ChildJvm run(final Path dataDir, final int port, final String flushPolicy, final String log)
        throws Exception
    {
        final ChildJvm process = LauncherProcess.start(logs.resolve(log), Map.of(
            "FLASHGATE_FLUSH_POLICY", flushPolicy,
            "FLASHGATE_HTTP_PORT", Integer.toString(port),
            "FLASHGATE_DATA_DIR", dataDir.toString(),
            "FLASHGATE_TOKEN_SECRET", SECRET), "run");
        processes.add(process);
        return LauncherProcess.awaitReady(process, 1, 60);
    }

    /** Under FSYNC the full disk may show at the write or at the fsync; either is the same fault. */
    @ParameterizedTest(name = "flush policy {0}")
    @ValueSource(strings = {"PAGE_CACHE", "FSYNC"})
    @Timeout(120)
    void aFullDiskIsA503AtOnceNotReadyAnExitWithCode4AndARestartSellsAgain(final String flushPolicy) throws Exception
    {
        mount = Files.createDirectories(base.resolve("tmpfs"));
        final boolean mountWorks = mountTmpfs(mount);
        Assumptions.assumeTrue(mountWorks, "skipped: cannot mount a tmpfs here (needs root and mount permission)");
        mounted = true;
        final Path dataDir = mount.resolve("data");
        final int port = FreePorts.tcp();
        final ChildJvm first = run(dataDir, port, flushPolicy, "first.log");
        final Shopper shopper = new Shopper(SECRET, port);
        assertEquals(201, shopper.createSale("drop", 1_000_000, 1).status());
        final Path filler = fill(mount.resolve("filler"), Files.getFileStore(mount).getUsableSpace() - LEFT_FREE);

        // A contested sale, at most 16 purchases in flight, until the disk is full and the engine faults.
        final Map<String, String> acknowledged = new ConcurrentHashMap<>(); // orderId -> user
        final ConcurrentLinkedQueue<Long> afterFaultLatenciesNanos = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Integer> afterFaultStatuses = new ConcurrentLinkedQueue<>();
        final AtomicLong firstFaultAnswerAt = new AtomicLong();
        final AtomicLong gatewayTimeouts = new AtomicLong();
        final AtomicLong gatewayTimeoutsBeforeFault = new AtomicLong();
        final AtomicLong outstanding = new AtomicLong();
        final AtomicLong outstandingAtFault = new AtomicLong(-1);
        final List<CompletableFuture<?>> inFlight = new ArrayList<>();
        final AtomicLong notReadyAt = new AtomicLong();
        final Thread readiness = new Thread(() ->
        {
            while (first.isAlive() && notReadyAt.get() == 0)
            {
                try
                {
                    if (shopper.ready().status() == 503)
                    {
                        notReadyAt.set(System.nanoTime());
                    }
                    Thread.sleep(20);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                catch (final Exception goneOrSlow)
                {
                    // the process exited, or a slow answer: look again
                }
            }
        }, "readiness");
        readiness.setDaemon(true);
        readiness.start();
        final long started = System.nanoTime();
        for (int i = 0; first.isAlive() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(40); i++)
        {
            final String user = "u" + i;
            final long sentAt = System.nanoTime();
            final boolean sentAfterFault = firstFaultAnswerAt.get() != 0;
            outstanding.incrementAndGet();
            inFlight.add(shopper.purchase("drop", user, "k").whenComplete((answer, ex) -> outstanding.decrementAndGet())
                .thenAccept(answer ->
            {
                final long latency = System.nanoTime() - sentAt;
                if (answer.status() == 201)
                {
                    acknowledged.put(answer.body().get("orderId").asText(), user);
                }
                else if (answer.status() == 503)
                {
                    if (firstFaultAnswerAt.compareAndSet(0, System.nanoTime()))
                    {
                        // this request's own count is still in it: it has not completed for the count yet
                        outstandingAtFault.set(outstanding.get());
                    }
                }
                else if (answer.status() == 504)
                {
                    // a 504 before any 503 is a stall of the machine (no answer within the reply timeout), not the
                    // fault: it is reported, not counted against the fault
                    (firstFaultAnswerAt.get() == 0 ? gatewayTimeoutsBeforeFault : gatewayTimeouts).incrementAndGet();
                }
                if (sentAfterFault)
                {
                    afterFaultLatenciesNanos.add(latency);
                    afterFaultStatuses.add(answer.status());
                }
            }).exceptionally(closedByExit -> null));
            if (i % 16 == 15)
            {
                try
                {
                    inFlight.get(i - 8).get(200, TimeUnit.MILLISECONDS);
                }
                catch (final java.util.concurrent.TimeoutException stuck)
                {
                    // in the batch that failed: never answered (504, or closed at the exit); send on regardless
                }
            }
            if (sentAfterFault && afterFaultStatuses.size() >= 100)
            {
                break;
            }
        }
        assertTrue(firstFaultAnswerAt.get() != 0, "the disk never filled: " + acknowledged.size() + " sold");

        final int exitCode = first.awaitExit(Duration.ofSeconds(15));
        readiness.join(5_000);
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        final String log = first.output();
        System.out.println("disk full after " + acknowledged.size() + " acknowledged purchases; " +
            afterFaultStatuses.size() + " answers after the fault; " + gatewayTimeouts.get() + " 504s after it of " +
            outstandingAtFault.get() + " in flight at it, " + gatewayTimeoutsBeforeFault.get() + " before it; " +
            "slowest 503 after it " + TimeUnit.NANOSECONDS.toMillis(afterFaultLatenciesNanos.stream()
            .mapToLong(Long::longValue).max().orElse(0)) + " ms; not ready " +
            TimeUnit.NANOSECONDS.toMillis(notReadyAt.get() - firstFaultAnswerAt.get()) + " ms after it");
        assertEquals(ExitCodes.JOURNAL_FAULT, exitCode, log);
        // The engine drains 1.5 s before it exits, for the edges to answer 503 and turn not ready: the promise is
        // "not ready before the exit", the poller's own timing is no part of it (how soon is printed above).
        assertTrue(notReadyAt.get() != 0, "/health/ready never said 503 before the exit");
        assertTrue(log.contains("engine fault: journal I/O error on") && log.contains("No space left on device"),
            log);
        assertTrue(acknowledged.size() > 0, "nothing sold before the disk filled");
        assertTrue(afterFaultStatuses.size() > 0, "no purchase was sent after the fault");
        for (final int status : afterFaultStatuses)
        {
            assertEquals(503, status, "every purchase sent after the fault: " + afterFaultStatuses);
        }
        for (final long latency : afterFaultLatenciesNanos)
        {
            assertTrue(latency < TimeUnit.MILLISECONDS.toNanos(AT_ONCE_MILLIS), "a 503 after the fault took " +
                TimeUnit.NANOSECONDS.toMillis(latency) + " ms, not at once (bound " + AT_ONCE_MILLIS + " ms)");
        }
        // Only commands in flight at the fault may go unanswered (504); never a wall of them.
        assertTrue(gatewayTimeouts.get() <= outstandingAtFault.get(), gatewayTimeouts.get() +
            " answers after the fault were 504, more than the " + outstandingAtFault.get() + " in flight at it");

        // Space back: the restart cuts the torn tail, every 201 is there, and it sells again.
        Files.delete(filler);
        run(dataDir, port, flushPolicy, "second.log");
        for (final Map.Entry<String, String> order : acknowledged.entrySet())
        {
            final Shopper.Answer answer = shopper.order(order.getValue(), order.getKey());
            assertEquals(200, answer.status(), "acknowledged order " + order.getKey() + " lost: " + answer.body());
        }
        assertEquals(201, shopper.purchase("drop", "after-restart", "k").get(10, TimeUnit.SECONDS).status());
        assertEquals(200, shopper.ready().status());
    }

    private static boolean mountTmpfs(final Path folder) throws InterruptedException
    {
        try
        {
            final Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", folder.toString())
                .redirectErrorStream(true).start();
            return mount.waitFor(20, TimeUnit.SECONDS) && mount.exitValue() == 0;
        }
        catch (final IOException noMountCommand)
        {
            return false;
        }
    }

    /** Writes real bytes (a sparse file would take no space on tmpfs). */
    private static Path fill(final Path file, final long bytes) throws IOException
    {
        final byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file))
        {
            for (long left = Math.max(0, bytes); left > 0; left -= chunk.length)
            {
                out.write(chunk, 0, (int)Math.min(chunk.length, left));
            }
        }
        return file;
    }
}
