package io.flashgate.engine.pipeline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The engine's fault, once there is one: set once, logged as one line, and told once to each listener
 * (docs/ARCHITECTURE.md, "Faults"). Read by any thread.
 */
final class FaultReport
{
    private final List<Consumer<EngineFault>> listeners = new CopyOnWriteArrayList<>();
    private volatile EngineFault fault;

    /** The fault, or null while there is none. */
    EngineFault current()
    {
        return fault;
    }

    /** Tells {@code listener} of the fault once: when it happens, or at once if it already has. */
    void onFault(final Consumer<EngineFault> listener)
    {
        listeners.add(listener);
        final EngineFault now = fault;
        if (now != null && listeners.remove(listener))
        {
            listener.accept(now);
        }
    }

    /** The first fault only: records it, logs its one line and tells the listeners; later ones are ignored. */
    synchronized void report(final EngineFault now)
    {
        if (fault != null)
        {
            return;
        }
        fault = now;
        System.getLogger("flashgate.engine").log(System.Logger.Level.ERROR, now.describe());
        for (final Consumer<EngineFault> listener : listeners)
        {
            if (listeners.remove(listener))
            {
                try
                {
                    listener.accept(now);
                }
                catch (final RuntimeException listenerFailure)
                {
                    listenerFailure.printStackTrace();
                }
            }
        }
    }
}
