package io.flashgate.replay;

import java.util.Locale;

/**
 * Counts records through a long run. When a person watches ({@link Terminal#interactive()}) it redraws a progress
 * bar on stderr at most ten times a second; it always ends with one line giving the count and the rate, so a
 * run's speed is on record. Per record it costs an increment and a mask test.
 */
final class Progress implements io.flashgate.engine.pipeline.StateBuilder.Progress
{
    private static final long CHECK_MASK = (1 << 16) - 1;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 30;

    private final Terminal terminal;
    private final String label;
    private final long started = System.nanoTime();
    private long total;
    private long count;
    /** So that the first check may draw at once, whatever the origin of nanoTime. */
    private long lastDrawn = started - REDRAW_NANOS;
    private boolean drawn;

    /**
     * @param terminal where to draw.
     * @param label    what runs ("verify"), for the lines.
     * @param total    records expected, for the bar's percentage; 0 if unknown.
     */
    Progress(final Terminal terminal, final String label, final long total)
    {
        this.terminal = terminal;
        this.label = label;
        this.total = total;
    }

    @Override
    public void total(final long records)
    {
        total = records;
    }

    /** One more record. */
    @Override
    public void step()
    {
        count++;
        if ((count & CHECK_MASK) == 0 && terminal.interactive())
        {
            maybeDraw();
        }
    }

    long count()
    {
        return count;
    }

    /** Clears the bar and prints the count and rate of what was stepped. */
    void finish()
    {
        finish(count, "records");
    }

    /** Clears the bar and prints {@code records} over the time since creation as the rate. */
    void finish(final long records, final String what)
    {
        final long nanos = Math.max(1, System.nanoTime() - started);
        if (drawn)
        {
            terminal.err().print("\r" + " ".repeat(BAR_WIDTH + 60) + "\r");
        }
        terminal.err().println(String.format(Locale.ROOT, "replay-tool: %s: %,d %s in %.3f s (%,.0f records/s)",
            label, records, what, nanos / 1e9, records * 1e9 / nanos));
        terminal.err().flush();
    }

    private void maybeDraw()
    {
        final long now = System.nanoTime();
        if (now - lastDrawn < REDRAW_NANOS)
        {
            return;
        }
        lastDrawn = now;
        drawn = true;
        final double rate = count * 1e9 / Math.max(1, now - started);
        final String line;
        if (total > 0)
        {
            final double done = Math.min(1.0, (double)count / total);
            final int filled = (int)(done * BAR_WIDTH);
            line = String.format(Locale.ROOT, "\r%s [%s%s] %3.0f%% %,d/%,d  %,.0f records/s", label,
                "#".repeat(filled), "-".repeat(BAR_WIDTH - filled), done * 100, count, total, rate);
        }
        else
        {
            line = String.format(Locale.ROOT, "\r%s %,d records  %,.0f records/s", label, count, rate);
        }
        terminal.err().print(line);
        terminal.err().flush();
    }
}
