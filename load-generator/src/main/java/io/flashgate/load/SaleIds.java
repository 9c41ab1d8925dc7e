package io.flashgate.load;

/**
 * Fresh sale ids for one run: every phase sells on a sale of its own, and two targets may share one server (the
 * Redis peer with and without pipelining), so the ids count across the whole run.
 */
final class SaleIds
{
    private int next;

    String next(final String prefix)
    {
        return prefix + next++;
    }
}
