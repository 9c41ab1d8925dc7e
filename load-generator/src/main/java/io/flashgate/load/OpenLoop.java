package io.flashgate.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one phase against one {@link Target}: an open-loop schedule at a fixed rate, or (rate 0) as fast as a
 * bounded number of requests in flight allows, to find the capacity.
 *
 * <p>At a fixed rate request {@code i} is due at {@code start + i / rate}, and its latency is measured from
 * that intended send time, not from when it was actually sent: if the system (or this generator) stalls, the
 * requests that should have gone out meanwhile are charged the stall, which corrects for coordinated
 * omission. The pacer sleeps ({@code parkNanos}) between due times and sends every request that is due in one
 * go, so it never busy-spins. When the in-flight bound is reached the pacer waits for a slot (in capacity mode
 * with a large bound, for a batch of slots: {@link InFlightWindow}); the waiting is charged to latency at a fixed
 * rate (the intended times do not move), and is the point in capacity mode.
 *
 * <p>Latency is recorded only for answers of the system under test (orders and business rejections);
 * refusals and unknown outcomes are counted and reported, never hidden.
 *
 * <p>One file on purpose, although long: a phase's pacing ({@code pace}), its sending ({@code Sender}) and its
 * progress line ({@code Progress}) share the phase's recorders, window and ledger, and are read together.
 */
public final class OpenLoop
{
    /** 1 ns .. 60 s at 3 significant digits. */
    static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * @param label      "flashgate-aeron @ 200000/s" style name for progress and reports.
     * @param rate       requests per second, or 0 for capacity mode.
     * @param maxInFlight bound on requests sent and not yet answered.
     * @param seconds    how long requests are sent.
     * @param drainSeconds how long to wait for the last answers after sending stops.
     * @param requests   when above 0, the phase sends exactly this many requests (the first ones of the workload)
     *                   however long it takes (up to 20 × {@code seconds}): every system then gets the same mix of
     *                   purchases and sold-out refusals, whatever its speed.
     * @param sharedSale true when other crowds buy the same sale at the same time (the demo's honest shoppers and
     *                   bots): the phase then checks only what one crowd can see ({@link Verdict#check}), and the
     *                   sale's own verdict is the caller's, over every crowd.
     */
    public record Phase(String label, String saleId, int stock, int limitPerUser, double rate, int maxInFlight,
        double seconds, double drainSeconds, long requests, boolean sharedSale)
    {
        public Phase(final String label, final String saleId, final int stock, final int limitPerUser,
            final double rate, final int maxInFlight, final double seconds, final double drainSeconds)
        {
            this(label, saleId, stock, limitPerUser, rate, maxInFlight, seconds, drainSeconds, 0);
        }

        public Phase(final String label, final String saleId, final int stock, final int limitPerUser,
            final double rate, final int maxInFlight, final double seconds, final double drainSeconds,
            final long requests)
        {
            this(label, saleId, stock, limitPerUser, rate, maxInFlight, seconds, drainSeconds, requests, false);
        }

        /** The same phase, run by one of several crowds that buy the same sale at once. */
        public Phase sharingTheSale()
        {
            return new Phase(label, saleId, stock, limitPerUser, rate, maxInFlight, seconds, drainSeconds, requests,
                true);
        }

        public boolean isCapacity()
        {
            return rate <= 0;
        }
    }

    /** Everything measured in one phase. */
    public record Result(Phase phase, String target, Histogram histogram, long sent, long answered, long elapsedNanos,
        long[] counts, Verdict verdict, CpuUse cpuUse)
    {
        /** Several rounds of one phase on one target (each on its own sale) as one result. */
        public static Result merge(final List<Result> rounds)
        {
            if (rounds.size() == 1)
            {
                return rounds.get(0);
            }
            final Result first = rounds.get(0);
            final Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
            final long[] counts = new long[first.counts.length];
            long sent = 0;
            long answered = 0;
            long elapsed = 0;
            double seconds = 0;
            int stock = 0;
            for (final Result r : rounds)
            {
                histogram.add(r.histogram);
                for (int i = 0; i < counts.length; i++)
                {
                    counts[i] += r.counts[i];
                }
                sent += r.sent;
                answered += r.answered;
                elapsed += r.elapsedNanos;
                seconds += r.phase.seconds();
                stock += r.phase.stock();
            }
            final Phase p = first.phase;
            final Phase merged = new Phase(p.label(), p.saleId() + "+" + (rounds.size() - 1), stock, p.limitPerUser(),
                p.rate(), p.maxInFlight(), seconds, p.drainSeconds(), p.requests() * rounds.size(), p.sharedSale());
            return new Result(merged, first.target, histogram, sent, answered, elapsed, counts,
                Verdict.merge(rounds.stream().map(Result::verdict).toList()),
                CpuUse.merge(rounds.stream().map(Result::cpuUse).toList()));
        }

        public String cpu()
        {
            return cpuUse.toString();
        }

        /** The system's CPU per answered purchase, by thread group, and the generator's apart; "" if unmeasured. */
        public String cpuPerPurchase()
        {
            return cpuUse.perPurchase(target, answered);
        }

        public String countsText()
        {
            return Ledger.countsText(counts);
        }

        public long count(final byte outcome)
        {
            return counts[outcome];
        }

        /** Answers per second over the phase (first send to last answer). */
        public double throughput()
        {
            return elapsedNanos == 0 ? 0 : answered * 1e9 / elapsedNanos;
        }

        public double percentileMicros(final double percentile)
        {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /**
     * The common open-loop rate every system is driven at: half a measured capacity, rounded down to two
     * significant digits (14,000/s rather than 14,231/s), at least 1/s.
     */
    public static double commonRate(final double capacity)
    {
        final double rate = capacity / 2;
        final double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(rate, 1))) - 1);
        return Math.max(1, Math.floor(rate / magnitude) * magnitude);
    }

    private final PrintStream progress;

    public OpenLoop(final PrintStream progress)
    {
        this.progress = progress;
    }

    /**
     * Waits until the compilers of this JVM and of the target's own process are idle ({@link CompilerQuiet}), before
     * a measured phase, so that it is not charged the compiles of the phases before it; says so when they never went
     * quiet.
     */
    public void awaitCompilersQuiet(final Target target)
    {
        final CompilerQuiet.Outcome outcome = CompilerQuiet.await(CpuWatch.systemPid(target));
        if (!outcome.quiet())
        {
            progress.printf(Locale.ROOT, "  [%s] the JIT was still compiling after %.1f s (%,d ms of compiling): " +
                "measured anyway%n", target.name(), outcome.waitedNanos() / 1e9, outcome.compileMillis());
        }
    }

    /**
     * Runs the phase on a thread of its own, named as the generator's ({@code flashgate-bench-pacer}) so that /proc
     * tells its CPU from the system's: the kernel name of the launcher's main thread cannot be changed.
     */
    public Result run(final Target target, final Workload workload, final Phase phase) throws Exception
    {
        final FutureTask<Result> task = new FutureTask<>(() -> pace(target, workload, phase));
        final Thread pacer = new Thread(task, "flashgate-bench-pacer");
        pacer.setDaemon(true);
        pacer.start();
        try
        {
            return task.get();
        }
        catch (final InterruptedException ex)
        {
            pacer.interrupt();
            pacer.join(10_000);
            throw ex;
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof Exception cause)
            {
                throw cause;
            }
            if (ex.getCause() instanceof Error error)
            {
                throw error;
            }
            throw ex;
        }
    }

    private Result pace(final Target target, final Workload workload, final Phase phase) throws Exception
    {
        final boolean onTime = PacerTimerSlack.tightenForThisThread();
        target.createSale(phase.saleId(), phase.stock(), phase.limitPerUser());
        final int capacity = ledgerCapacity(phase);
        // How late each request left after its due time (fixed rate only): the generator's share of every latency.
        final Recorder late = new Recorder(HIGHEST_NANOS, 3);
        final Ledger ledger = new Ledger(capacity);
        final Recorder recorder = new Recorder(HIGHEST_NANOS, 3);
        final Histogram total = new Histogram(HIGHEST_NANOS, 3);
        final InFlightWindow window = new InFlightWindow(phase.maxInFlight(), InFlightWindow.batchFor(phase));
        final AtomicLong answered = new AtomicLong();
        final AtomicLong lastAnswerNanos = new AtomicLong();

        final long durationNanos = (long)(phase.seconds() * (phase.requests() > 0 ? 20 : 1) * 1e9);
        final double nanosPerRequest = phase.isCapacity() ? 0 : 1e9 / phase.rate();
        final CpuWatch cpu = new CpuWatch(target);
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        final Sender sender = new Sender(target, workload, phase, start, durationNanos, nanosPerRequest, window, late,
            recorder, answered, ledger, lastAnswerNanos);
        final Progress printer = new Progress(phase, target.name(), recorder, total, answered, start);
        printer.start();
        long sent = 0;
        final CpuUse cpuUse;
        try
        {
            sent = sender.sendAll(capacity);
            printer.sendingStopped(sent);
            if (!phase.isCapacity())
            {
                final Histogram lateness = late.getIntervalHistogram();
                progress.printf(Locale.ROOT, "  [%s] sent after its due time: p50 %d µs, p99 %d µs (the generator's " +
                    "own share of every latency of this leg)%s%n", target.name(),
                    lateness.getValueAtPercentile(50) / 1_000, lateness.getValueAtPercentile(99) / 1_000,
                    onTime ? "" : "; its timer slack is the system's default: Linux did not let it ask for 1 µs");
            }
            // Drain: wait for every request in flight to be answered (or given up on by the target).
            if (!window.awaitAll((long)(phase.drainSeconds() * 1000), TimeUnit.MILLISECONDS))
            {
                progress.printf("  [%s] %d requests still unanswered after the drain%n", target.name(),
                    window.inFlight());
            }
            final String loss = target.transportLoss();
            if (loss != null)
            {
                progress.printf("  [%s] %s%n", target.name(), loss);
            }
        }
        finally
        {
            printer.finish();
            cpuUse = cpu.report(target.runsInThisJvm());
        }
        total.add(recorder.getIntervalHistogram());
        final long elapsed = Math.max(1, lastAnswerNanos.get() - start);
        final Target.SaleFigures figures = target.figures(phase.saleId(), phase.limitPerUser());
        final Verdict verdict = Verdict.check(workload, ledger, sent, phase.stock(), phase.limitPerUser(), figures,
            phase.sharedSale());
        return new Result(phase, target.name(), total, sent, answered.get(), elapsed, ledger.counts(), verdict, cpuUse);
    }

    /**
     * True while both are positive: requests left to send, and nanoseconds left to send them in. One comparison on
     * purpose: the pacer's loops then have one exit however a phase ends, which the warm-ups take, so no measured
     * phase ends by a branch the JIT compiled as never taken, a trap that threw the compiled pacer away ({@link
     * Sender}).
     */
    static boolean keepsSending(final long requestsLeft, final long nanosLeft)
    {
        return (requestsLeft - 1 | nanosLeft - 1) >= 0;
    }

    static int ledgerCapacity(final Phase phase)
    {
        if (phase.requests() > 0)
        {
            return (int)Math.min(Integer.MAX_VALUE - 8, phase.requests());
        }
        // Capacity mode: room for 3 M/s over the phase, bounded to keep the ledger at a few hundred MB at most.
        final double perSecond = phase.isCapacity() ? 3_000_000 : phase.rate() * 1.01 + 16;
        return (int)Math.min(Integer.MAX_VALUE - 8, Math.min(40_000_000L, (long)(perSecond * phase.seconds()) + 1024));
    }

    /**
     * A phase's requests as they go out, a burst at a time. The loops live here, not in {@link #pace}: the JIT
     * compiles a loop that runs once a phase on the stack, with all of the method around it, and a phase that went
     * another way than the ones before it (a branch never taken so far, another system at a call site) threw that code
     * away; its recompile (half a second of a compiler thread, for all of {@code pace}) then ran inside the next
     * measured window, on 2 cores at the expense of the system measured (docs/PERFORMANCE.md, "The pacer's
     * recompiles"). Here the per-request code is compiled by its calls, many a phase, and kept from phase to phase.
     */
    private record Sender(Target target, Workload workload, Phase phase, long start, long durationNanos,
        double nanosPerRequest, InFlightWindow window, Recorder late, Recorder recorder, AtomicLong answered,
        Ledger ledger, AtomicLong lastAnswerNanos)
    {
        /** Sends the phase's requests on schedule (at capacity: as the window lets them); returns how many. */
        long sendAll(final long capacity) throws InterruptedException
        {
            long sent = 0;
            while (true)
            {
                final long now = System.nanoTime();
                // One branch for every way a phase ends (all its requests sent, or its time up): see keepsSending.
                if (!keepsSending(capacity - sent, durationNanos - (now - start)))
                {
                    return sent;
                }
                final long due = phase.isCapacity() ? capacity :
                    Math.min(capacity, (long)((now - start) / nanosPerRequest) + 1);
                if (sent >= due)
                {
                    final long nextDue = start + (long)(sent * nanosPerRequest);
                    LockSupport.parkNanos(Math.max(1_000, nextDue - System.nanoTime()));
                    continue;
                }
                sent = burst(sent, Math.min(due, sent + 4096));
            }
        }

        /** Sends requests {@code sent} up to {@code burstEnd} (exclusive) while the window and the phase allow. */
        long burst(final long first, final long burstEnd) throws InterruptedException
        {
            long sent = first;
            // the clock is read per request too: a burst of 4,096 at a few thousand a second would overrun a
            // short phase by a second or more
            while (keepsSending(burstEnd - sent, durationNanos - (System.nanoTime() - start)))
            {
                if (!window.tryAcquire())
                {
                    // Full: wait for a batch of answers (one, but at capacity; InFlightWindow says why).
                    window.awaitBatch(50, TimeUnit.MILLISECONDS);
                    break;
                }
                final long intended = phase.isCapacity() ? System.nanoTime() : start + (long)(sent * nanosPerRequest);
                if (!phase.isCapacity())
                {
                    late.recordValue(Math.min(HIGHEST_NANOS, Math.max(1, System.nanoTime() - intended)));
                }
                send(sent, intended);
                sent++;
            }
            return sent;
        }

        private void send(final long request, final long intended)
        {
            final int index = (int)request;
            target.purchase(phase.saleId(), request, workload.userId(request),
                phase.saleId() + "." + workload.idempotencyKey(request),
                (outcome, orderId) ->
                {
                    final long answeredAt = System.nanoTime();
                    if (Outcome.isAnswer(outcome))
                    {
                        recorder.recordValue(Math.min(HIGHEST_NANOS, Math.max(1, answeredAt - intended)));
                        answered.incrementAndGet();
                    }
                    ledger.record(index, outcome, orderId);
                    lastAnswerNanos.accumulateAndGet(answeredAt, Math::max);
                    window.release();
                });
        }
    }

    /** Prints one progress line a second and folds interval histograms into the total. */
    private final class Progress extends Thread
    {
        private final Phase phase;
        private final String target;
        private final Recorder recorder;
        private final Histogram total;
        private final AtomicLong answered;
        private final long start;
        private volatile boolean running = true;
        private volatile long sentWhenStopped = -1;

        Progress(final Phase phase, final String target, final Recorder recorder, final Histogram total,
            final AtomicLong answered, final long start)
        {
            super("flashgate-bench-progress");
            setDaemon(true);
            this.phase = phase;
            this.target = target;
            this.recorder = recorder;
            this.total = total;
            this.answered = answered;
            this.start = start;
        }

        void sendingStopped(final long sent)
        {
            sentWhenStopped = sent;
        }

        void finish() throws InterruptedException
        {
            running = false;
            interrupt();
            join();
        }

        @Override
        public void run()
        {
            Histogram interval = null;
            long lastAnswered = 0;
            long lastAt = System.nanoTime();
            while (running)
            {
                try
                {
                    Thread.sleep(1000);
                }
                catch (final InterruptedException ex)
                {
                    // finish() or the end of a sleep: fold what is there and stop if asked.
                }
                interval = recorder.getIntervalHistogram(interval);
                synchronized (total)
                {
                    total.add(interval);
                }
                if (!running)
                {
                    break;
                }
                final long now = System.nanoTime();
                final long done = answered.get();
                progress.println(String.format(Locale.ROOT,
                    "  [%s %s] %4.1fs  answered %,d  %,.0f/s  p50 %s  p99 %s  max %s%s",
                    target, phase.isCapacity() ? "capacity" : String.format(Locale.ROOT, "@%,.0f/s", phase.rate()),
                    (now - start) / 1e9, done, (done - lastAnswered) * 1e9 / (now - lastAt),
                    Report.micros(interval.getValueAtPercentile(50)), Report.micros(interval.getValueAtPercentile(99)),
                    Report.micros(interval.getMaxValue()), sentWhenStopped >= 0 ? "  (draining)" : ""));
                lastAnswered = done;
                lastAt = now;
            }
        }
    }
}
