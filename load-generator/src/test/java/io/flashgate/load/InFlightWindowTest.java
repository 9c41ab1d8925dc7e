package io.flashgate.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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
        final Thread answerer = new Thread(window::release);
        answerer.start();
        assertTrue(window.awaitBatch(10, TimeUnit.SECONDS), "the release woke the waiting pacer");
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
                assertTrue(window.awaitBatch(10, TimeUnit.SECONDS), "a wake-up was lost after " + sent);
            }
        }
        assertTrue(window.awaitAll(10, TimeUnit.SECONDS), "every answer freed its slot");
        answerer.join();
        assertEquals(null, failure.get());
        assertEquals(0, window.inFlight());
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
