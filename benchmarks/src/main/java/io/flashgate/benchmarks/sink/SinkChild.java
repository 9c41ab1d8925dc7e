package io.flashgate.benchmarks.sink;

import io.flashgate.sink.OrderSink;
import io.flashgate.sink.SinkConfig;
import io.flashgate.sink.SinkDatabase;

import java.nio.file.Path;

/**
 * A sink in a process of its own for {@link SinkBenchmark}, started under {@code nice} as {@code ops/flashgate sink}
 * runs: {@code SinkChild DATA_DIR JDBC_URL USER PASSWORD}. Prints "ready", then its lag once a second, until its
 * standard input closes.
 */
public final class SinkChild
{
    private SinkChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        try (OrderSink sink = OrderSink.start(new SinkConfig(Path.of(args[0]), new SinkDatabase(args[1], args[2],
            args[3]), 2_000, 20), System.err))
        {
            System.out.println("ready");
            System.out.flush();
            final Thread watch = new Thread(() ->
            {
                while (!Thread.currentThread().isInterrupted())
                {
                    System.out.println("lag " + sink.status().lagRecords() + " committed "
                        + sink.status().committedSequence());
                    System.out.flush();
                    try
                    {
                        Thread.sleep(1000);
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                }
            });
            watch.setDaemon(true);
            watch.start();
            while (System.in.read() >= 0)
            {
                // until the parent closes our stdin
            }
        }
    }
}
