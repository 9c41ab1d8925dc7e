package io.flashgate.benchmarks;

import io.flashgate.client.CommandChannel;
import io.flashgate.client.CommandSender;
import io.flashgate.client.OverloadedException;
import io.flashgate.client.PendingCommands;
import io.flashgate.client.ReplyRouter;
import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.EventEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.OrderStatus;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.WireFormat;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's own share of a purchase, on one thread so that {@code -prof gc} sees all of it: encode the command,
 * correlate it, hand it to a channel, then route the engine's reply back to its future. The channel here plays the
 * engine (it answers every command at once, as the reply poller would hand the reply in), so the figure is the
 * gateway's cost without Aeron or the engine. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar GatewayPathBenchmark -prof gc} and read
 * {@code gc.alloc.rate.norm} (bytes per purchase).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Xms1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class GatewayPathBenchmark
{
    private static final int SOURCE = 7;
    private Loopback engine;
    private Gateway gateway;
    private long round;

    @Setup(Level.Trial)
    public void start()
    {
        final PendingCommands pending = new PendingCommands(Duration.ofSeconds(2));
        engine = new Loopback();
        gateway = new Gateway(engine, pending);
    }

    /** The usual answer in a flash sale: sold out. */
    @Benchmark
    public Reply purchaseRejected()
    {
        engine.accept = false;
        return roundTrip();
    }

    /** A purchase that gets an order (the reply names the sale and the buyer). */
    @Benchmark
    public Reply purchaseAccepted()
    {
        engine.accept = true;
        return roundTrip();
    }

    private Reply roundTrip()
    {
        final CompletableFuture<Reply> future = gateway.purchase("flash", "alice", "key-1", 1);
        engine.answer(gateway);
        if ((++round & 0xFFF) == 0)
        {
            gateway.expireNow(); // the poller's sweep, as often as it would run
        }
        return future.getNow(null);
    }

    /** Takes each command and answers it on the next {@link #answer}, as the engine's egress would. */
    private static final class Loopback implements CommandChannel
    {
        private final CommandDecoder command = new CommandDecoder();
        private final EventEncoder encoder = new EventEncoder();
        private final UnsafeBuffer event = new UnsafeBuffer(new byte[WireFormat.MAX_EVENT_LENGTH]);
        private final UnsafeBuffer sale = new UnsafeBuffer("flash".getBytes(StandardCharsets.US_ASCII));
        private final UnsafeBuffer user = new UnsafeBuffer("alice".getBytes(StandardCharsets.US_ASCII));
        private long correlationId;
        private long sequence;
        boolean accept;

        @Override
        public OverloadedException offer(final long correlationId, final DirectBuffer buffer, final int offset,
            final int length)
        {
            command.wrapAndValidate(buffer, offset, length);
            this.correlationId = command.correlationId();
            return null;
        }

        void answer(final Gateway gateway)
        {
            encoder.wrap(event, 0).header(accept ? MessageTypes.ORDER_ACCEPTED : MessageTypes.REJECTED, SOURCE,
                correlationId, ++sequence, sequence);
            final int length = accept ?
                encoder.order(sequence, 1, OrderStatus.RESERVED, 0, sale, 0, sale.capacity(), user, 0,
                    user.capacity()) :
                encoder.rejected(Reason.SOLD_OUT, MessageTypes.PURCHASE);
            gateway.route(event, length);
        }
    }

    private static final class Gateway extends CommandSender
    {
        Gateway(final CommandChannel channel, final PendingCommands pending)
        {
            super(SOURCE, channel, pending, new ReplyRouter(SOURCE, pending, id -> false), new AtomicLong());
        }

        void route(final DirectBuffer event, final int length)
        {
            router().onEvent(event, 0, length);
        }

        void expireNow()
        {
            pending().expire(System.nanoTime());
        }

        @Override
        public boolean isEngineReachable()
        {
            return true;
        }

        @Override
        public void close()
        {
            pending().failAll();
        }
    }
}
