package io.flashgate.load;

import io.flashgate.engine.pair.PairedEngine;
import io.flashgate.engine.pipeline.Engine;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How far the standby is behind its primary under load (docs/ARCHITECTURE.md, "Hot standby and failover"): the
 * engine-direct target with a hot standby ({@link AeronTarget}, synchronous), driven by the load generator at a fixed
 * open-loop rate and then at capacity, while a sampler reads, every 100 µs, the commands the primary has taken that
 * the standby has not yet acknowledged. Prints p50 / p99 / max of that lag in commands and, divided by the measured
 * rate, in time; and the purchases' own latency.
 *
 * <p>{@code java -cp benchmarks.jar io.flashgate.load.ReplicationLag [rate] [seconds]} (default 15000, 10).
 */
public final class ReplicationLag
{
    private ReplicationLag()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final double rate = args.length > 0 ? Double.parseDouble(args[0]) : 15_000;
        final double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        final PrintStream out = System.out;
        final Path dataDir = Files.createTempDirectory("flashgate-replication-lag");
        final Workload workload = new Workload(200_000, 0.05);
        final OpenLoop loop = new OpenLoop(out);
        final SaleIds sales = new SaleIds();
        try (AeronTarget target = AeronTarget.start(dataDir.resolve("engine"), 200_000, 1, null, null, true))
        {
            loop.run(target, workload, new OpenLoop.Phase("warm-up", sales.next("warm"), 100_000_000, 2, 0, 4096, 3,
                30));
            for (final OpenLoop.Phase phase : new OpenLoop.Phase[] {
                new OpenLoop.Phase(String.format(Locale.ROOT, "%,.0f/s", rate), sales.next("rate"), 100_000_000, 2,
                    rate, (int)Math.max(4096, rate * 2), seconds, 30),
                new OpenLoop.Phase("capacity", sales.next("capacity"), 100_000_000, 2, 0, 4096, seconds, 30)})
            {
                final Sampler sampler = new Sampler(target.pair());
                sampler.start();
                final OpenLoop.Result result = loop.run(target, workload, phase);
                sampler.stop();
                out.println(ResultText.line(result));
                final double perSecond = result.throughput();
                final Histogram lag = sampler.lag;
                out.printf(Locale.ROOT, "replication lag at %s (%,.0f purchases/s): p50 %d, p99 %d, max %d commands " +
                        "not yet acknowledged by the standby = p50 %.0f µs, p99 %.0f µs, max %.0f µs at that rate; " +
                        "%d samples%n", phase.isCapacity() ? "capacity" : phase.label(), perSecond,
                    lag.getValueAtPercentile(50), lag.getValueAtPercentile(99), lag.getMaxValue(),
                    micros(lag.getValueAtPercentile(50), perSecond), micros(lag.getValueAtPercentile(99), perSecond),
                    micros(lag.getMaxValue(), perSecond), lag.getTotalCount());
            }
        }
        finally
        {
            RunFolders.deleteTree(dataDir);
        }
    }

    private static double micros(final long commands, final double perSecond)
    {
        return perSecond <= 0 ? 0 : commands * 1e6 / perSecond;
    }

    /** Samples the primary's taken-but-unacknowledged commands on a thread of its own. */
    private static final class Sampler
    {
        final Histogram lag = new Histogram(10_000_000, 3);
        private final PairedEngine pair;
        private final Thread thread;
        private volatile boolean running = true;

        Sampler(final PairedEngine pair)
        {
            this.pair = pair;
            this.thread = new Thread(this::sample, "replication-lag-sampler");
            thread.setDaemon(true);
        }

        void start()
        {
            thread.start();
        }

        void stop() throws InterruptedException
        {
            running = false;
            thread.join();
        }

        private void sample()
        {
            while (running)
            {
                final Engine engine = pair.engine();
                final long published = engine.lastPublishedSequence();
                final long acked = pair.state().standbyAckedSequence();
                lag.recordValue(Math.max(0, Math.min(10_000_000, published - acked)));
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        }
    }
}
