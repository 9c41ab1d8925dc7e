package io.flashgate.replay;

import java.io.PrintStream;

/**
 * Where a verb writes: results to {@code out}, notes, errors, progress and the final rate to {@code err}.
 *
 * @param out         results (JSON lines, CSV, reports): what a script reads.
 * @param err         everything else.
 * @param interactive true when a person watches (a console is attached): draw a progress bar on {@code err}.
 */
record Terminal(PrintStream out, PrintStream err, boolean interactive)
{
    /** A note on stderr, prefixed so it cannot be taken for a result line. */
    void note(final String message)
    {
        err.println("replay-tool: note: " + message);
    }
}
