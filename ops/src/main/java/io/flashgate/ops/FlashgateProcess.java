package io.flashgate.ops;

import java.io.IOException;

/**
 * One running Flashgate process, assembled by the composition root of its kind ({@link RunProcess},
 * {@link EngineProcess}, {@link EdgeProcess}; and the sink's) from the settings tree. Closing it
 * stops its parts in the reverse of the order they started; a root that fails half-way closes what it started.
 */
final class FlashgateProcess implements AutoCloseable
{
    /**
     * What a composition root does: start its parts on {@code parts}, in order, hand {@code faults} to the parts
     * that can see a fault the process cannot work through, and say what runs where.
     */
    @FunctionalInterface
    interface Assembly
    {
        String assemble(StartedParts parts, FaultSignal faults) throws IOException, ProcessFault;
    }

    private final StartedParts parts;
    private final FaultSignal faults;
    private final String description;

    private FlashgateProcess(final StartedParts parts, final FaultSignal faults, final String description)
    {
        this.parts = parts;
        this.faults = faults;
        this.description = description;
    }

    static FlashgateProcess start(final Assembly assembly) throws IOException, ProcessFault
    {
        final StartedParts parts = new StartedParts();
        final FaultSignal faults = new FaultSignal();
        try
        {
            return new FlashgateProcess(parts, faults, assembly.assemble(parts, faults));
        }
        catch (final IOException | ProcessFault | RuntimeException ex)
        {
            parts.close();
            throw ex;
        }
    }

    /** One line for the operator: what runs and where. */
    String description()
    {
        return description;
    }

    /** How the process ends: a stop request or its first fault. */
    FaultSignal faults()
    {
        return faults;
    }

    @Override
    public void close()
    {
        parts.close();
    }
}
