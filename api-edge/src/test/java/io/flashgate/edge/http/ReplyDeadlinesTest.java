package io.flashgate.edge.http;

import io.flashgate.protocol.Reply;
import io.flashgate.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One answer per request: the engine's reply or, past the deadline, a timeout; and a sweeper that sleeps when idle. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReplyDeadlinesTest
{
    private static final Reply REPLY = new Reply.Rejected(io.flashgate.protocol.Reason.SOLD_OUT);

    @Test
    void anUnansweredRequestTimesOutOnceAndAnAnsweredOneNever() throws Exception
    {
        final ExecutorService replies = Executors.newSingleThreadExecutor();
        try (ReplyDeadlines deadlines = new ReplyDeadlines(TimeUnit.MILLISECONDS.toNanos(5)))
        {
            final List<Throwable> failures = new CopyOnWriteArrayList<>();
            final List<Reply> answers = new CopyOnWriteArrayList<>();
            final PendingAnswer.Outcome record = (call, reply, failure) ->
            {
                answers.add(reply);
                failures.add(failure);
            };
            final long now = System.nanoTime();
            final PendingAnswer late = new PendingAnswer(now, now + TimeUnit.MILLISECONDS.toNanos(50), replies, record);
            final PendingAnswer answered = new PendingAnswer(now, now + TimeUnit.MILLISECONDS.toNanos(50), replies,
                record);
            deadlines.add(late);
            deadlines.add(answered);
            answered.accept(REPLY, null);
            answered.get(5, TimeUnit.SECONDS);
            late.get(5, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - now >= TimeUnit.MILLISECONDS.toNanos(50), "not before the deadline");

            late.accept(REPLY, null); // the reply after the timeout: ignored
            answered.expire();        // a deadline after the reply: ignored
            // a second answer would be queued on the one reply thread now: a task queued after it runs after it
            replies.submit(() -> { }).get(5, TimeUnit.SECONDS);
            assertEquals(2, answers.size(), "exactly one answer each");
            assertTrue(answers.contains(REPLY));
            assertEquals(1, failures.stream().filter(f -> f instanceof TimeoutException).count());
        }
        finally
        {
            replies.shutdownNow();
        }
    }

    @Test
    void replyAndDeadlineRacingGiveExactlyOneAnswer() throws Exception
    {
        final ExecutorService replies = Executors.newFixedThreadPool(2);
        try (ReplyDeadlines deadlines = new ReplyDeadlines(TimeUnit.MILLISECONDS.toNanos(1)))
        {
            final AtomicInteger answers = new AtomicInteger();
            final int calls = 2_000;
            final PendingAnswer[] pending = new PendingAnswer[calls];
            for (int i = 0; i < calls; i++)
            {
                final long now = System.nanoTime();
                pending[i] = new PendingAnswer(now, now + TimeUnit.MICROSECONDS.toNanos(i % 50), replies,
                    (call, reply, failure) -> answers.incrementAndGet());
                deadlines.add(pending[i]);
            }
            for (final PendingAnswer call : pending)
            {
                call.accept(REPLY, null);
            }
            for (final PendingAnswer call : pending)
            {
                assertNull(call.get(5, TimeUnit.SECONDS));
            }
            // no deadline can fire after the sweeper stopped, and every answer handed over runs before the pool ends
            deadlines.close();
            replies.shutdown();
            assertTrue(replies.awaitTermination(5, TimeUnit.SECONDS));
            assertEquals(calls, answers.get());
        }
        finally
        {
            replies.shutdownNow();
        }
    }

    @Test
    void theSweeperParksWithoutDeadlinesAndWakesForANewOne() throws Exception
    {
        final ExecutorService replies = Executors.newSingleThreadExecutor();
        try (ReplyDeadlines deadlines = new ReplyDeadlines(TimeUnit.MILLISECONDS.toNanos(1)))
        {
            final Thread sweeper = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("flashgate-edge-deadlines") && t.isAlive())
                .findFirst().orElseThrow();
            Await.until("the idle sweeper parks without a timeout", Duration.ofSeconds(5),
                () -> sweeper.getState() == Thread.State.WAITING);
            final long cpuBefore = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(sweeper.getId());
            Thread.sleep(200);
            final long cpuIdle = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(sweeper.getId())
                - cpuBefore;
            assertTrue(cpuIdle < TimeUnit.MILLISECONDS.toNanos(5), "idle sweeper used " + cpuIdle + " ns");

            final long now = System.nanoTime();
            final PendingAnswer call = new PendingAnswer(now, now + TimeUnit.MILLISECONDS.toNanos(20), replies,
                (c, reply, failure) -> assertInstanceOf(TimeoutException.class, failure));
            deadlines.add(call);
            call.get(5, TimeUnit.SECONDS);
            Await.until("parks again", Duration.ofSeconds(5), () -> sweeper.getState() == Thread.State.WAITING);
        }
        finally
        {
            replies.shutdownNow();
        }
    }
}
