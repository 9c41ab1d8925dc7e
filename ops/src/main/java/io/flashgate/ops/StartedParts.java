package io.flashgate.ops;

import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The parts a composition root started, in start order; closing stops them in reverse. */
final class StartedParts implements AutoCloseable
{
    private final List<AutoCloseable> inStartOrder = new ArrayList<>();

    synchronized <T extends AutoCloseable> T add(final T part)
    {
        inStartOrder.add(part);
        return part;
    }

    @Override
    public synchronized void close()
    {
        final List<AutoCloseable> reverse = new ArrayList<>(inStartOrder);
        Collections.reverse(reverse);
        inStartOrder.clear();
        CloseHelper.quietCloseAll(reverse);
    }
}
