package io.flashgate.benchmarks;

import io.flashgate.protocol.WireFormat;
import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.EventEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.OrderStatus;
import io.flashgate.protocol.Reason;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The binary protocol on its own: encode a purchase the way an edge does, validate and read it the way the engine
 * does, then encode and decode the order event that answers it. Run with {@code -prof gc}: 0 B/op expected.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark
{
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
    private final UnsafeBuffer event = new UnsafeBuffer(new byte[WireFormat.MAX_EVENT_LENGTH]);
    private final UnsafeBuffer ids = new UnsafeBuffer(new byte[64]);
    private final CommandEncoder commandEncoder = new CommandEncoder();
    private final CommandDecoder commandDecoder = new CommandDecoder();
    private final EventEncoder eventEncoder = new EventEncoder();
    private final EventDecoder eventDecoder = new EventDecoder();
    private final UnsafeBuffer encoded = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
    private int encodedLength;
    private int saleLength;
    private int userLength;
    private int keyLength;
    private long correlation;

    @Setup
    public void ids()
    {
        saleLength = put(0, "flash-sale-2026");
        userLength = put(16, "user-0012345");
        keyLength = put(32, "key-7f3a9c");
        commandEncoder.wrap(command, 0);
        eventEncoder.wrap(event, 0);
        final UnsafeBuffer shopper = new UnsafeBuffer(new byte[96]);
        shopper.putStringWithoutLengthAscii(0, "flash-sale-2026");
        shopper.putStringWithoutLengthAscii(16, "user-0012345");
        shopper.putStringWithoutLengthAscii(32, "6f1c2a9e-3b7d-4e10-9a55-0c2e8b7f4d31");
        encodedLength = new CommandEncoder().wrap(encoded, 0).purchase(7, 1, shopper, 0, 15, 16, 12, 32, 36, 1);
    }

    private int put(final int at, final String id)
    {
        final byte[] bytes = id.getBytes(StandardCharsets.US_ASCII);
        ids.putBytes(at, bytes);
        return bytes.length;
    }

    /** Edge side: a purchase command from ids already in a buffer. */
    @Benchmark
    public int encodePurchase()
    {
        return commandEncoder.purchase(7, ++correlation, ids, 0, saleLength, 16, userLength, 32, keyLength, 1);
    }

    /** Engine side: full validation (type, version, lengths, id characters), then the fields business logic reads. */
    @Benchmark
    public long decodePurchase()
    {
        final int length = commandEncoder.purchase(7, ++correlation, ids, 0, saleLength, 16, userLength, 32,
            keyLength, 1);
        final Reason problem = commandDecoder.wrapAndValidate(command, 0, length);
        return problem == null ? commandDecoder.quantity() + commandDecoder.correlationId() : -1;
    }

    /** Engine side, validation alone: a purchase as an edge sends it (a UUID as its Idempotency-Key). */
    @Benchmark
    public Reason validatePurchase()
    {
        return commandDecoder.wrapAndValidate(encoded, 0, encodedLength);
    }

    /** The answer: an ORDER_ACCEPTED event encoded by the engine and validated and read by an edge. */
    @Benchmark
    public long orderEventRoundTrip()
    {
        final int length = eventEncoder.header(MessageTypes.ORDER_ACCEPTED, 7, ++correlation, correlation, 1L)
            .order(correlation, 1, OrderStatus.RESERVED, 600_000L, ids, 0, saleLength, ids, 16, userLength);
        final Reason problem = eventDecoder.wrapAndValidate(event, 0, length);
        return problem == null ? eventDecoder.orderId() + eventDecoder.quantity() : -1;
    }
}
