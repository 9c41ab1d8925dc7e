package io.flashgate.engine.pair;

import io.aeron.Aeron;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.journal.JournalReader;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.StandbyState;
import io.flashgate.testsupport.Await;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Catch-up under load (docs/ARCHITECTURE.md, "Hot standby and failover"): a standby started after a million commands,
 * and the same standby restarted mid-sale, each reach in-sync from the primary's journal while purchases go on;
 * then both journals hold the same records, byte for byte, and the two states hash the same.
 */
@Timeout(300)
class PairCatchUpTest
{
    private static final int EARLY_COMMANDS = 1_000_000;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path folderA;
    @TempDir
    Path folderB;

    @Test
    void aLateAndARestartedStandbyCatchUpWhilePurchasesGoOn() throws Exception
    {
        try (EmbeddedDriver driver = EmbeddedDriver.start(); Aeron aeron = driver.connect();
            PairOnLoopback pair = new PairOnLoopback(driver.aeronDirectory(), aeron, folderA, folderB))
        {
            final AtomicBoolean selling = new AtomicBoolean(true);
            final AtomicLong sold = new AtomicLong();
            Thread shoppers = null;
            try
            {
                pair.a.startPromoted();
                Await.until(() -> "A alone: " + pair.a, WAIT, () -> pair.a.paired.state().role() == EngineRole.SOLO);
                final AeronEngineGateway toA = pair.a.gateway();
                assertTrue(toA.awaitReachable(WAIT));
                final long now = System.currentTimeMillis();
                toA.createSale("early", EARLY_COMMANDS, 1, now - 1_000, now + 3_600_000, 600).get(10, TimeUnit.SECONDS);
                toA.createSale("live", 1_000_000, 1, now - 1_000, now + 3_600_000, 600).get(10, TimeUnit.SECONDS);
                offerEarlyPurchases(pair.a.engine());

                final AeronEngineGateway shop = toA;
                shoppers = new Thread(() -> shop(shop, selling, sold), "shoppers");
                shoppers.start();

                pair.b.start(false);
                Await.until(() -> "late standby in sync: " + pair.a + " " + pair.b, WAIT, () -> pair.a.isPrimaryInSync());
                final long soldBeforeRestart = sold.get();
                Await.until("purchases go on while in sync", WAIT, () -> sold.get() > soldBeforeRestart + 200);

                pair.b.stop();
                // The primary has noticed (not a fixed wait: the restart below must be a rejoin, however busy the machine).
                Await.until(() -> "A without its standby: " + pair.a, WAIT,
                    () -> pair.a.paired.state().standbyState() == io.flashgate.protocol.StandbyState.ABSENT);
                pair.b.start(false);
                Await.until(() -> "restarted standby in sync: " + pair.a + " " + pair.b, WAIT, () -> pair.a.isPrimaryInSync());
                final long soldAfterRestart = sold.get();
                Await.until("purchases go on after the restart", WAIT, () -> sold.get() > soldAfterRestart + 200);

                selling.set(false);
                shoppers.join(30_000);
                final long last = pair.a.engine().lastPublishedSequence();
                assertTrue(last > EARLY_COMMANDS, "sequence " + last);
                assertEquals(pair.a.stateHashAt(last), pair.b.stateHashAt(last), "same state at " + last);
                assertEquals(journalDigest(pair.a.folder, last), journalDigest(pair.b.folder, last),
                    "the two journals hold the same records up to " + last);
            }
            finally
            {
                selling.set(false);
                if (shoppers != null)
                {
                    shoppers.join(30_000);
                }
            }
        }
    }

    /** Straight into A's ring (this JVM): a million purchases before any standby exists. */
    private static void offerEarlyPurchases(final Engine engine)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
        for (int i = 0; i < EARLY_COMMANDS; i++)
        {
            final int length = encoder.purchase(7, i, "early", "u" + i, "k" + i, 1);
            while (!engine.offer(buffer, 0, length))
            {
                Thread.onSpinWait();
            }
        }
    }

    private static void shop(final AeronEngineGateway gateway, final AtomicBoolean selling, final AtomicLong sold)
    {
        int next = 0;
        while (selling.get())
        {
            final List<java.util.concurrent.CompletableFuture<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 20; i++, next++)
            {
                replies.add(gateway.purchase("live", "s" + next, "k" + next, 1));
            }
            for (final var reply : replies)
            {
                if (reply.handle((r, ex) -> r).join() instanceof Reply.Order)
                {
                    sold.incrementAndGet();
                }
            }
            io.flashgate.testsupport.Await.sleep(5);
        }
    }

    private static long journalDigest(final Path folder, final long upTo) throws Exception
    {
        final CRC32C crc = new CRC32C();
        final JournalReader reader = JournalReader.open(folder.resolve("journal"));
        final byte[] bytes = new byte[1 << 16];
        final long records = reader.replay(0, upTo, (sequence, buffer, offset, length) ->
        {
            buffer.getBytes(offset, bytes, 0, length);
            crc.update(bytes, 0, length);
            crc.update((int)sequence);
        });
        assertEquals(upTo, records, "records in " + folder);
        return crc.getValue();
    }

}
