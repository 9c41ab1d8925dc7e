package io.flashgate.engine.pipeline;

import io.flashgate.engine.api.EngineClient;
import io.flashgate.protocol.Reply;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Semaphore;

/**
 * Child-process workload for {@link CrashRecoveryTest}: runs the real pipeline on a data folder and
 * buys as fast as it can, printing a line for every result the engine released. The parent kills it
 * with SIGKILL at a random moment and checks that every printed result survived.
 */
public final class CrashWorkload
{
    static final String SALE = "crash";
    static final int STOCK = 2_000_000;
    static final int LIMIT = 3;

    private CrashWorkload()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dataDir = Path.of(args[0]);
        final Random random = new Random(Long.parseLong(args[1]));
        final PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "US-ASCII");
        final EngineClient client = new EngineClient(1);
        final EngineConfig config = EngineConfig.defaults(dataDir).withTickIntervalMillis(0)
            .withSnapshotEveryCommands(4_000).withRingSize(4096);
        final Engine engine = Engine.start(config, client.eventSink());
        client.attach(engine);
        client.createSale(SALE, STOCK, LIMIT, 0, Long.MAX_VALUE / 2, 3_600).get();
        synchronized (out)
        {
            out.println("READY " + engine.recovered().describe());
            out.flush();
        }
        final Semaphore inFlight = new Semaphore(512);
        final String run = Long.toString(random.nextLong() & 0xFFFFFF, 36);
        for (long i = 0; ; i++)
        {
            inFlight.acquire();
            // Users of this run (an earlier run's users may have reached their limit): every run has buyers.
            final String user = run + "u" + random.nextInt(50_000);
            final String key = run + "-" + i;
            final int quantity = 1 + random.nextInt(2);
            client.purchase(SALE, user, key, quantity).whenComplete((reply, error) ->
            {
                inFlight.release();
                if (reply instanceof Reply.Order order && order.isNew())
                {
                    print(out, "ORDER " + order.orderId() + " " + user + " " + key + " " + quantity);
                    if (random.nextInt(8) == 0)
                    {
                        client.cancel(order.orderId(), user).thenAccept(cancelled ->
                        {
                            if (cancelled instanceof Reply.Order c)
                            {
                                print(out, "CANCELLED " + c.orderId());
                            }
                        });
                    }
                }
            });
        }
    }

    private static void print(final PrintStream out, final String line)
    {
        synchronized (out)
        {
            out.println(line);
            out.flush();
        }
    }
}
