package io.flashgate.benchmarks.sink;

import io.flashgate.sink.OrderSink;
import io.flashgate.sink.SinkConfig;
import io.flashgate.sink.SinkDatabase;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Sinks in one long-lived process of its own for {@link SinkBenchmark}, started at background priority as
 * {@code ops/flashgate sink} runs. It follows one engine at a time, as its standard input says:
 * {@code follow DATA_DIR JDBC_URL USER PASSWORD} (the previous sink stops, a new one starts; answers "ready") and
 * {@code stop} (answers "stopped"); it ends when its standard input closes. One JVM for all the benchmark's engines,
 * so that its compiled code is warm, as in a sink that runs for days, rather than a JVM starting in each
 * measurement.
 */
public final class SinkChild
{
    private SinkChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        OrderSink sink = null;
        try
        {
            String line;
            while ((line = commands.readLine()) != null)
            {
                final String[] words = line.trim().split(" ");
                if (sink != null)
                {
                    sink.close();
                    sink = null;
                }
                if (words[0].equals("follow") && words.length == 5)
                {
                    sink = OrderSink.start(new SinkConfig(Path.of(words[1]), new SinkDatabase(words[2], words[3],
                        words[4]), 2_000, 20), System.err);
                    System.out.println("ready");
                }
                else
                {
                    System.out.println("stopped");
                }
                System.out.flush();
            }
        }
        finally
        {
            if (sink != null)
            {
                sink.close();
            }
        }
    }
}
