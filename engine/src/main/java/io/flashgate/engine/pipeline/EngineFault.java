package io.flashgate.engine.pipeline;

import java.nio.file.Path;

/**
 * Why the engine stopped taking commands: a journal write, fsync or segment roll failed (docs/ARCHITECTURE.md,
 * "Faults"). After a failed write or fsync what reached the disk is unknown and the page cache cannot be trusted,
 * so the engine does not retry: it releases nothing after {@code durableSequence} and waits to be restarted.
 *
 * @param file            the journal file (or folder) being written.
 * @param error           the I/O error, as the operating system gave it.
 * @param durableSequence the last command made durable; nothing after it was or will be released.
 */
public record EngineFault(Path file, String error, long durableSequence)
{
    /** What the operator should do, in the one log line. */
    public static final String ADVICE = "free or fix the disk, then restart: recovery cuts the torn tail";

    /** The one line for the log: the file, the error and what to do. */
    public String describe()
    {
        return "engine fault: journal I/O error on " + file + ": " + error + "; stopped taking commands after "
            + "sequence " + durableSequence + "; " + ADVICE;
    }
}
