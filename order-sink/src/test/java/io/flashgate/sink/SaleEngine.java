package io.flashgate.sink;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.flashgate.engine.api.EngineClient;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.protocol.Reply;
import org.agrona.concurrent.CachedEpochClock;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** A real engine writing a real journal in a folder, on a clock the test drives, with its in-process client. */
final class SaleEngine implements AutoCloseable
{
    static final long T0 = 1_800_000_000_000L;

    final Engine engine;
    final EngineClient client;
    final CachedEpochClock clock;

    private SaleEngine(final Engine engine, final EngineClient client, final CachedEpochClock clock)
    {
        this.engine = engine;
        this.client = client;
        this.clock = clock;
    }

    /** Small segments so that the journal rolls often; no ticks or snapshots unless asked for. */
    static SaleEngine start(final Path dataDir, final long time) throws IOException
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(time);
        final EngineClient client = new EngineClient(1);
        final Engine engine = Engine.start(EngineConfig.defaults(dataDir).withTickIntervalMillis(0)
            .withSnapshotEveryCommands(0).withRingSize(1024).withSegmentSizeBytes(64 * 1024), client.eventSink(), clock);
        client.attach(engine);
        return new SaleEngine(engine, client, clock);
    }

    Reply call(final Supplier<CompletableFuture<Reply>> command)
    {
        try
        {
            return command.get().get(10, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("command failed", ex);
        }
    }

    Reply.Order order(final Supplier<CompletableFuture<Reply>> command)
    {
        return assertInstanceOf(Reply.Order.class, call(command));
    }

    /** The last journaled sequence. */
    long durable()
    {
        return engine.stats().durableSequence();
    }

    @Override
    public void close()
    {
        engine.close();
    }
}
