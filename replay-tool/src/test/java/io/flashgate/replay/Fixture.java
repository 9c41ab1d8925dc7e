package io.flashgate.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.flashgate.engine.api.EngineClient;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.protocol.Reply;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.protocol.MessageText;
import io.flashgate.protocol.MessageTypes;
import org.agrona.concurrent.CachedEpochClock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Real journals written by a real engine, the tool run in-process, and file surgery. Offsets of records are found
 * here by walking the documented segment layout (16-byte header; records of int length, int CRC, long sequence,
 * payload), not taken from the code under test.
 */
final class Fixture
{
    static final long T0 = 1_800_000_000_000L;
    static final long SMALL_SEGMENTS = 4096;
    static final int SEGMENT_HEADER = 16;
    static final int RECORD_HEADER = 16;

    private Fixture()
    {
    }

    // ---- running the tool ----

    /** What a run of the tool printed and returned. */
    record Result(int exit, String out, String err)
    {
        List<String> lines()
        {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        /** Lines of stdout that start with the prefix. */
        List<String> linesStartingWith(final String prefix)
        {
            return lines().stream().filter(line -> line.startsWith(prefix)).toList();
        }

        String describe()
        {
            return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    static Result tool(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exit;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8))
        {
            exit = ReplayTool.run(args, outStream, errStream);
        }
        final Result result = new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertFalse(result.err().contains("\tat ") || result.err().contains("Exception in"),
            "no stack trace: " + result.describe());
        return result;
    }

    // ---- a live engine ----

    static EngineConfig config(final Path dataDir, final long segmentSize)
    {
        return EngineConfig.defaults(dataDir).withTickIntervalMillis(0).withSnapshotEveryCommands(0).withRingSize(1024)
            .withSegmentSizeBytes(segmentSize);
    }

    /** An engine on a driven clock that keeps every event it releases, rendered as JSON, in release order. */
    static final class Live implements AutoCloseable
    {
        final Engine engine;
        final EngineClient client;
        final CachedEpochClock clock;
        final List<String> events;
        private long sent;

        private Live(final Engine engine, final EngineClient client, final CachedEpochClock clock,
            final List<String> events)
        {
            this.engine = engine;
            this.client = client;
            this.clock = clock;
            this.events = events;
            this.sent = engine.recovered().lastSequence();
        }

        /** Starts (or restarts) an engine on the folder, its clock at {@code time}. */
        static Live start(final Path dataDir, final long segmentSize, final long time) throws IOException
        {
            final CachedEpochClock clock = new CachedEpochClock();
            clock.update(time);
            final EngineClient client = new EngineClient(1);
            final List<String> events = Collections.synchronizedList(new ArrayList<>());
            final Engine engine = Engine.start(config(dataDir, segmentSize), (buffer, offset, length) ->
            {
                events.add(MessageText.toJson(buffer, offset, length));
                client.onEvent(buffer, offset, length);
            }, clock);
            client.attach(engine);
            return new Live(engine, client, clock, events);
        }

        /** Sends one command, waits for its reply; commands go one at a time, so its sequence is known. */
        Sent send(final Supplier<CompletableFuture<Reply>> command)
        {
            try
            {
                final Reply reply = command.get().get(10, TimeUnit.SECONDS);
                return new Sent(++sent, reply);
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("command " + (sent + 1) + " failed", ex);
            }
        }

        Reply.Order order(final Supplier<CompletableFuture<Reply>> command)
        {
            return assertInstanceOf(Reply.Order.class, send(command).reply());
        }

        Reply.Sale sale(final String saleId)
        {
            return assertInstanceOf(Reply.Sale.class, send(() -> client.querySale(saleId)).reply());
        }

        long lastSequence()
        {
            return sent;
        }

        /** The live business logic's state hash; call only when no command is in flight. */
        long stateHash()
        {
            return StateSnapshot.stateHash(engine.recovered().logic());
        }

        @Override
        public void close()
        {
            engine.close();
        }
    }

    /** A command's sequence and its reply. */
    record Sent(long sequence, Reply reply)
    {
    }

    // ---- the standard workload ----

    /**
     * What the standard workload did, as the live engine answered. Sequences are exact: commands go one at a time
     * on a fresh journal.
     *
     * @param lastSequence     the journal's last record.
     * @param snapshotSequence the snapshot the engine wrote on request.
     * @param midQuery         a query of sale "flash" in the middle (its sequence, and the figures then).
     * @param midTime          the clock when {@code midQuery} was stamped; the next command is stamped 61 s later.
     * @param finalSales       each sale's figures from queries at the very end.
     * @param flashOrders      every order of "flash", queried at the end, by order id.
     * @param keys             Idempotency-Key of each order id.
     * @param aliceOrder       flash order of alice: purchased, retried, cancelled.
     * @param bobOrder         flash order of bob: confirmed.
     * @param carolOrder       flash order of carol: expired by the tick at {@code tickSequence}.
     * @param tickSequence     the EXPIRE_RESERVATIONS command.
     * @param events           every event the engine released, rendered, in order.
     * @param midHash          the live engine's state hash right after {@code midQuery}.
     * @param finalHash        the live engine's state hash at the end, after it stopped.
     */
    record Workload(long lastSequence, long snapshotSequence, Sent midQuery, long midTime,
        Map<String, Reply.Sale> finalSales, List<Reply.Order> flashOrders, Map<Long, String> keys, long aliceOrder,
        long bobOrder, long carolOrder, long tickSequence, List<String> events, long midHash, long finalHash)
    {
        static final int BULK_BUYERS = 150;

        /** Two sales; purchases, a retry, a confirm, cancels, a refused purchase, expiry, a snapshot, a rush. */
        static Workload write(final Path dataDir, final long segmentSize) throws IOException
        {
            final Map<Long, String> keys = new LinkedHashMap<>();
            try (Live live = Live.start(dataDir, segmentSize, T0))
            {
                final EngineClient c = live.client;
                live.send(() -> c.createSale("flash", 5, 2, T0, T0 + 3_600_000, 60));
                live.send(() -> c.createSale("other", 500, 1, T0, T0 + 3_600_000, 60));
                final long alice = purchase(live, keys, "flash", "alice", "a-1", 1).orderId();
                final long bob = purchase(live, keys, "flash", "bob", "b-1", 2).orderId();
                purchase(live, keys, "other", "alice", "a-2", 1);
                assertEquals(MessageTypes.ORDER_REPLAYED,
                    live.order(() -> c.purchase("flash", "alice", "a-1", 1)).type());
                live.order(() -> c.confirm(bob));
                live.order(() -> c.cancel(alice, "alice"));
                assertInstanceOf(Reply.Rejected.class, live.send(() -> c.cancel(bob, "mallory")).reply());
                live.clock.advance(1_000);
                final long carol = purchase(live, keys, "flash", "carol", "c-1", 1).orderId();
                assertInstanceOf(Reply.Rejected.class, live.send(() -> c.purchase("flash", "dave", "d-1", 5)).reply());
                final long midTime = live.clock.time();
                final Sent midQuery = live.send(() -> c.querySale("flash"));
                // Safe to read: commands go one at a time, and the reply came after business logic finished it.
                final long midHash = live.stateHash();
                live.clock.advance(61_000);
                final Sent tick = live.send(c::expireReservations);
                live.order(() -> c.queryOrder(carol, ""));
                for (int i = 0; i < BULK_BUYERS; i++)
                {
                    purchase(live, keys, "other", "buyer-" + i, "k-" + i, 1);
                }
                final Sent snapshot = live.send(c::snapshot);
                assertEquals(new Reply.Ack(snapshot.sequence()), snapshot.reply());
                for (int i = 0; i < 10; i++)
                {
                    final int n = i;
                    final Reply reply = live.send(() -> c.purchase("flash", "late-" + n, "l-" + n, 1)).reply();
                    if (reply instanceof Reply.Order order)
                    {
                        keys.put(order.orderId(), "l-" + n);
                    }
                }
                final List<Reply.Order> flashOrders = new ArrayList<>();
                for (final long orderId : keys.keySet())
                {
                    final Reply.Order order = live.order(() -> c.queryOrder(orderId, ""));
                    if (order.saleId().equals("flash"))
                    {
                        flashOrders.add(order);
                    }
                }
                final Map<String, Reply.Sale> sales = new LinkedHashMap<>();
                sales.put("flash", live.sale("flash"));
                sales.put("other", live.sale("other"));
                final long last = live.lastSequence();
                live.close();
                final long finalHash = live.stateHash();
                synchronized (live.events)
                {
                    return new Workload(last, snapshot.sequence(), midQuery, midTime, sales, flashOrders, keys, alice,
                        bob, carol, tick.sequence(), List.copyOf(live.events), midHash, finalHash);
                }
            }
        }

        private static Reply.Order purchase(final Live live, final Map<Long, String> keys, final String sale,
            final String user, final String key, final long quantity)
        {
            final Reply.Order order = live.order(() -> live.client.purchase(sale, user, key, quantity));
            assertEquals(MessageTypes.ORDER_ACCEPTED, order.type(), order.toString());
            keys.put(order.orderId(), key);
            return order;
        }
    }

    // ---- files ----

    static Path journalDir(final Path dataDir)
    {
        return dataDir.resolve("journal");
    }

    static Path snapshotDir(final Path dataDir)
    {
        return dataDir.resolve("snapshots");
    }

    static List<Path> segments(final Path dataDir) throws IOException
    {
        return filesEndingWith(journalDir(dataDir), ".seg");
    }

    static List<Path> snapshots(final Path dataDir) throws IOException
    {
        return filesEndingWith(snapshotDir(dataDir), ".snap");
    }

    static List<Path> filesEndingWith(final Path dir, final String suffix) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** Offsets of the records of a segment, by walking the length fields (stops at anything implausible). */
    static List<Long> recordOffsets(final Path segment) throws IOException
    {
        final ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
        final List<Long> offsets = new ArrayList<>();
        int offset = SEGMENT_HEADER;
        while (offset + RECORD_HEADER <= file.capacity())
        {
            final int length = file.getInt(offset);
            if (length < 0 || offset + RECORD_HEADER + length > file.capacity())
            {
                break;
            }
            offsets.add((long)offset);
            offset += RECORD_HEADER + length;
        }
        return offsets;
    }

    /** Sequence of the record at {@code offset} of a segment. */
    static long sequenceAt(final Path segment, final long offset) throws IOException
    {
        return ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN)
            .getLong(Math.toIntExact(offset) + 8);
    }

    static long firstSequenceInName(final Path segment)
    {
        final String name = segment.getFileName().toString();
        return Long.parseLong(name.substring("journal-".length(), name.length() - ".seg".length()));
    }

    static void truncate(final Path file, final long length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(length);
        }
    }

    static void flipBit(final Path file, final long offset, final int bit) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        bytes[Math.toIntExact(offset)] ^= (byte)(1 << bit);
        Files.write(file, bytes);
    }

    static void overwrite(final Path file, final long offset, final byte[] data) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(data), offset);
        }
    }

    /** Every file below {@code dir} with its bytes, to prove a tool changed nothing. */
    static Map<Path, byte[]> contents(final Path dir) throws IOException
    {
        final Map<Path, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(dir))
        {
            for (final Path file : walk.filter(Files::isRegularFile).sorted().toList())
            {
                files.put(dir.relativize(file), Files.readAllBytes(file));
            }
        }
        return files;
    }

    static void assertUnchanged(final Map<Path, byte[]> before, final Path dir) throws IOException
    {
        final Map<Path, byte[]> after = contents(dir);
        assertEquals(before.keySet(), after.keySet(), "same files");
        for (final Map.Entry<Path, byte[]> file : before.entrySet())
        {
            org.junit.jupiter.api.Assertions.assertArrayEquals(file.getValue(), after.get(file.getKey()),
                file.getKey() + " unchanged");
        }
    }

    static void copyTree(final Path from, final Path to) throws IOException
    {
        try (Stream<Path> walk = Files.walk(from))
        {
            for (final Path source : walk.sorted().toList())
            {
                final Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source))
                {
                    Files.createDirectories(target);
                }
                else
                {
                    Files.copy(source, target);
                }
            }
        }
    }
}
