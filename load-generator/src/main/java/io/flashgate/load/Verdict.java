package io.flashgate.load;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.List;

/**
 * The correctness checks of one phase, from what the generator saw and what the system reports:
 * <ul>
 *   <li>sold ≤ stock, as observed (distinct new orders) and as the system reports it;</li>
 *   <li>the system's own count equals the orders observed, and when every request got a definite answer,
 *       sold == min(stock, demand), where a buyer's demand is min(limit, distinct keys it sent);</li>
 *   <li>no buyer holds more than the limit; no order id is handed out as new twice;</li>
 *   <li>every re-sent Idempotency-Key got the same order as the original (or the same kind of refusal).</li>
 * </ul>
 * A crowd that shares its sale with others at the same time ({@code share}) cannot judge the second point: the sale
 * sold to the other crowds too. Its verdict keeps the rest, and says what share of the sale it got; the sale's own
 * verdict belongs to whoever ran every crowd.
 */
public record Verdict(long soldObserved, long soldReported, long expectedSold, long demand, long duplicatesSent,
    long duplicatesConsistent, long maxPerBuyer, long unknown, List<String> failures, boolean share)
{
    /** For phases that are not a sale (GET status, the bare endpoints, a sold-out sale): nothing to check. */
    static final Verdict NOT_APPLICABLE = new Verdict(0, 0, -1, 0, 0, 0, 0, 0, List.of(), false);

    public boolean passed()
    {
        return failures.isEmpty();
    }

    /** One line: "OK sold 5000/5000 (= min(stock, demand 12000)), limit held (max 2/2), 812 duplicates same order". */
    public String summary(final int stock, final int limit)
    {
        if (this == NOT_APPLICABLE)
        {
            return "n/a (not a purchase phase)";
        }
        if (share)
        {
            return (passed() ? "OK" : "FAILED " + failures) + ": its share of a sale other crowds bought at the same " +
                "time: got " + soldObserved + " of the " + soldReported + " units the sale sold" +
                (soldReported > 0 ? String.format(java.util.Locale.ROOT, " (%.1f %%)", 100.0 * soldObserved /
                    soldReported) : "") + ", max per buyer " + maxPerBuyer + "/" + limit + ", " + duplicatesConsistent +
                "/" + duplicatesSent + " re-sent keys answered consistently";
        }
        final String expected = expectedSold >= 0 ? " = min(stock, demand " + demand + ")" : " (demand not derivable: " +
            unknown + " unknown outcomes)";
        return (passed() ? "OK" : "FAILED " + failures) + ": sold " + soldObserved + "/" + stock + expected +
            ", system says " + soldReported + ", max per buyer " + maxPerBuyer + "/" + limit + ", " +
            duplicatesConsistent + "/" + duplicatesSent + " re-sent keys answered consistently";
    }

    /** The verdicts of several rounds (each its own sale) as one: figures add up, failures are kept. */
    static Verdict merge(final List<Verdict> rounds)
    {
        if (rounds.stream().allMatch(v -> v == NOT_APPLICABLE))
        {
            return NOT_APPLICABLE;
        }
        long sold = 0;
        long reported = 0;
        long expected = 0;
        long demand = 0;
        long duplicates = 0;
        long consistent = 0;
        long max = 0;
        long unknown = 0;
        final List<String> failures = new ArrayList<>();
        for (final Verdict v : rounds)
        {
            sold += v.soldObserved;
            reported += v.soldReported;
            expected = expected < 0 || v.expectedSold < 0 ? -1 : expected + v.expectedSold;
            demand += v.demand;
            duplicates += v.duplicatesSent;
            consistent += v.duplicatesConsistent;
            max = Math.max(max, v.maxPerBuyer);
            unknown += v.unknown;
            failures.addAll(v.failures);
        }
        return new Verdict(sold, reported, expected, demand, duplicates, consistent, max, unknown, List.copyOf(failures),
            rounds.stream().anyMatch(Verdict::share));
    }

    /** The verdict of a phase that had its sale to itself. */
    static Verdict check(final Workload workload, final Ledger ledger, final long sent, final int stock,
        final int limit, final Target.SaleFigures figures)
    {
        return check(workload, ledger, sent, stock, limit, figures, false);
    }

    /**
     * @param share true when other crowds bought the same sale at the same time: sold == min(stock, demand) and the
     *              system's count against this crowd's orders are not checked (the sale sold to the others too).
     */
    static Verdict check(final Workload workload, final Ledger ledger, final long sent, final int stock,
        final int limit, final Target.SaleFigures figures, final boolean share)
    {
        if (figures == null)
        {
            return NOT_APPLICABLE;
        }
        final List<String> failures = new ArrayList<>();
        final int n = (int)sent;
        // Per key (the index of the request that first carried it): its order id, or -outcome for a refusal.
        final Long2LongHashMap answerByKey = new Long2LongHashMap(Long.MIN_VALUE);
        final LongHashSet newOrders = new LongHashSet();
        final LongHashSet attemptedKeys = new LongHashSet();
        final int[] perBuyer = new int[workload.buyers()];
        final int[] attempts = new int[workload.buyers()];
        long unknown = 0;
        long duplicates = 0;
        long consistent = 0;
        long maxPerBuyer = 0;
        for (int i = 0; i < n; i++)
        {
            final byte outcome = ledger.outcome(i);
            final int buyer = workload.buyer(i);
            final boolean duplicate = workload.isDuplicate(i);
            if (outcome == Outcome.REFUSED)
            {
                continue; // never reached the engine: not an attempt, nothing to compare
            }
            final long key = workload.keyIndex(i);
            if (attemptedKeys.add(key))
            {
                attempts[buyer]++; // a key that reached the system: one attempt at a unit
            }
            if (outcome == Outcome.UNKNOWN || outcome == Outcome.NONE)
            {
                unknown++;
                continue;
            }
            final long answer = Outcome.isOrder(outcome) ? ledger.orderId(i) : -outcome;
            if (outcome == Outcome.ACCEPTED)
            {
                if (!newOrders.add(ledger.orderId(i)))
                {
                    failures.add("order " + ledger.orderId(i) + " given as new twice");
                }
                perBuyer[buyer]++;
                maxPerBuyer = Math.max(maxPerBuyer, perBuyer[buyer]);
            }
            final long previous = answerByKey.get(key);
            if (duplicate)
            {
                duplicates++;
            }
            if (previous == Long.MIN_VALUE)
            {
                answerByKey.put(key, answer);
                if (duplicate)
                {
                    consistent++; // the original's outcome is unknown or refused: nothing to compare with
                }
            }
            else if (previous == answer || (previous < 0 && answer < 0))
            {
                consistent++;
            }
            else
            {
                if (failures.size() < 20)
                {
                    failures.add("key k" + key + " of u" + buyer + " answered " + previous + " then " + answer);
                }
            }
            if (outcome == Outcome.ACCEPTED && previous != Long.MIN_VALUE && failures.size() < 20)
            {
                failures.add("re-sent key k" + key + " made a second order " + answer);
            }
        }
        long demand = 0;
        for (final int a : attempts)
        {
            demand += Math.min(limit, a);
        }
        final long sold = newOrders.size();
        if (sold > stock)
        {
            failures.add("oversold: " + sold + " orders for " + stock + " units");
        }
        if (figures.sold() > stock)
        {
            failures.add("system reports " + figures.sold() + " sold of " + stock);
        }
        if (figures.remaining() < 0)
        {
            failures.add("negative remaining stock " + figures.remaining());
        }
        if (maxPerBuyer > limit || figures.maxPerBuyer() > limit)
        {
            failures.add("a buyer holds " + Math.max(maxPerBuyer, figures.maxPerBuyer()) + " > limit " + limit);
        }
        long expected = -1;
        if (share)
        {
            if (figures.sold() < sold)
            {
                failures.add("system reports " + figures.sold() + " sold, this crowd alone got " + sold);
            }
        }
        else if (unknown == 0)
        {
            expected = Math.min(stock, demand);
            if (sold != expected)
            {
                failures.add("sold " + sold + " != min(stock, demand) = " + expected);
            }
            if (figures.sold() != sold)
            {
                failures.add("system reports " + figures.sold() + " sold, answers say " + sold);
            }
        }
        else if (figures.sold() < sold || figures.sold() > sold + unknown)
        {
            failures.add("system reports " + figures.sold() + " sold, answers say " + sold + " (+ up to " + unknown +
                " unknown)");
        }
        return new Verdict(sold, figures.sold(), expected, demand, duplicates, consistent,
            Math.max(maxPerBuyer, figures.maxPerBuyer()), unknown, List.copyOf(failures), share);
    }
}
