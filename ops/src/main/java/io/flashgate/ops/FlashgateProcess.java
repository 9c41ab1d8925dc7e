package io.flashgate.ops;

/**
 * One running Flashgate process, built by the composition root of its kind ({@link RunProcess},
 * {@link EngineProcess}, {@link EdgeProcess}; a hot standby will be a fourth) from the settings tree. Closing it
 * stops its parts in the reverse of the order they started.
 */
interface FlashgateProcess extends AutoCloseable
{
    /** One line for the operator: what runs and where. */
    String description();

    @Override
    void close();
}
