package io.flashgate.config;

/**
 * The kinds of Flashgate process, one composition root each (docs/CONFIG.md, "Process kinds"). Each setting names
 * the kinds that read it, so a command offers only the flags that change what it runs.
 */
public enum ProcessKind
{
    /** Engine, edge and an embedded media driver in one JVM, over Aeron IPC ({@code ops/flashgate run}). */
    RUN,
    /** The engine alone, taking commands over UDP ({@code ops/flashgate engine}). */
    ENGINE,
    /** An HTTP edge for an engine in another process ({@code ops/flashgate edge}). */
    EDGE,
    /** The order sink: tails an engine's journal into PostgreSQL ({@code ops/flashgate sink}). */
    SINK
}
