package io.flashgate.testsupport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for something that happens on another thread or in another process, always with a deadline. */
public final class Await
{
    private static final long POLL_MILLIS = 10;

    private Await()
    {
    }

    /** Waits until {@code condition} holds; fails with {@code what} (and how long it waited) at the deadline. */
    public static void until(final String what, final Duration timeout, final BooleanSupplier condition)
    {
        until(() -> what, timeout, condition);
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}, the message built only on failure. */
    public static void until(final Supplier<String> what, final Duration timeout, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what.get());
            }
            sleep(POLL_MILLIS);
        }
    }

    /** Sleeps without a checked exception; an interrupt is kept and ends the wait. */
    public static void sleep(final long millis)
    {
        try
        {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }
}
