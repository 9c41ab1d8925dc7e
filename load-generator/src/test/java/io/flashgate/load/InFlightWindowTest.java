package io.flashgate.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator's bound on requests in flight: never exceeded, refilled by the batch, no answer's wake-up lost. */
@Timeout(60)
class InFlightWindowTest
{
    @Test
    void aFullWindowWaitsForAWholeBatchOfAnswers() throws Exception
    {
        final InFlightWindow window = new InFlightWindow(8, 4);
        for (int i = 0; i < 8; i++)
        {
            assertTrue(window.tryAcquire());
        }
        assertFalse(window.tryAcquire(), "never more in flight than the window");
        assertEquals(8, window.inFlight());

        for (int i = 0; i < 3; i++)
        {
            window.release();
        }
        assertFalse(window.awaitBatch(20, TimeUnit.MILLISECONDS), "three answers are not a batch of four");
        window.release();
        assertTrue(window.awaitBatch(20, TimeUnit.MILLISECONDS));
        assertEquals(4, window.inFlight());
    }

    @Test
    void anAnswerFromAnotherThreadEndsTheWait() throws Exception
    {
        final InFlightWindow window = new InFlightWindow(4, 1);
        for (int i = 0; i < 4; i++)
        {
            window.tryAcquire();
        }
        final Thread pacer = Thread.currentThread();
        final Thread answerer = new Thread(() ->
        {
            // Release only once the pacer parks in the window, so that the wake-up path is the one taken.
            while (LockSupport.getBlocker(pacer) != window)
            {
                Thread.onSpinWait();
            }
            window.release();
        });
        answerer.setDaemon(true);
        answerer.start();
        // No timeout to fall back on: only the release's wake-up ends this wait (else the class's @Timeout fails it).
        assertTrue(window.awaitBatch(1, TimeUnit.HOURS), "the release woke the waiting pacer");
        answerer.join();
    }

    /**
     * A pacer and an answering thread, as in a capacity run: every wait must end in a batch, never in the timeout,
     * which is what a lost wake-up would leave.
     */
    @Test
    void noWakeUpIsLostBetweenThePacerAndTheAnswers() throws Exception
    {
        final InFlightWindow window = new InFlightWindow(64, 8);
        final BlockingQueue<Integer> inFlight = new ArrayBlockingQueue<>(64);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final int requests = 200_000;
        final Thread answerer = new Thread(() ->
        {
            try
            {
                for (int i = 0; i < requests; i++)
                {
                    inFlight.take();
                    window.release();
                }
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        });
        answerer.setDaemon(true);
        answerer.start();
        int sent = 0;
        while (sent < requests)
        {
            if (window.tryAcquire())
            {
                assertTrue(inFlight.offer(sent++), "more in flight than the window allows");
            }
            else
            {
                // No timeout to fall back on: a lost wake-up leaves the pacer parked, and the class's @Timeout fails.
                assertTrue(window.awaitBatch(1, TimeUnit.HOURS), "no batch after " + sent);
            }
        }
        assertTrue(window.awaitAll(10, TimeUnit.SECONDS), "every answer freed its slot");
        answerer.join();
        assertEquals(null, failure.get());
        assertEquals(0, window.inFlight());
    }

    @Test
    void onlyALargeWindowAtCapacityIsRefilledInBatches()
    {
        assertEquals(256, InFlightWindow.batchFor(new OpenLoop.Phase("capacity", "s", 1, 1, 0, 4096, 1, 1)));
        assertEquals(1, InFlightWindow.batchFor(new OpenLoop.Phase("saturated", "s", 1, 1, 0, 64, 1, 1)),
            "a connection per request in flight: each answer is sent again at once");
        assertEquals(1, InFlightWindow.batchFor(new OpenLoop.Phase("15,000/s", "s", 1, 1, 15_000, 30_000, 1, 1)),
            "at a fixed rate a due request never waits for a batch");
    }

    @Test
    void theDrainGivesUpWhenAnAnswerNeverComes() throws Exception
    {
        final InFlightWindow window = new InFlightWindow(4);
        window.tryAcquire();
        assertFalse(window.awaitAll(30, TimeUnit.MILLISECONDS));
        assertEquals(1, window.inFlight());
    }

    @Test
    void anInterruptEndsTheWait()
    {
        final InFlightWindow window = new InFlightWindow(1);
        window.tryAcquire();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> window.awaitAll(10, TimeUnit.SECONDS));
        assertFalse(Thread.interrupted());
    }
}
