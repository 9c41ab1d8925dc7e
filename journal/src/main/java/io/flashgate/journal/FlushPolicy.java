package io.flashgate.journal;

/**
 * How far {@link Journal#flush()} pushes a batch of records before it returns.
 */
public enum FlushPolicy
{
    /**
     * {@code write()} the batch into the segment file at the end of each batch. The bytes are then in the
     * operating system's page cache: they survive a crash or {@code kill -9} of the process, but not a
     * power loss or kernel crash, which can lose whatever the kernel had not yet written back.
     */
    PAGE_CACHE,

    /**
     * {@code write()} the batch and then {@code FileChannel.force(false)} (fdatasync) at the end of each
     * batch. When {@link Journal#flush()} returns the records are on stable storage and survive a power
     * loss. New segment files also get their directory entry forced. Costs one device flush per batch.
     */
    FSYNC
}
