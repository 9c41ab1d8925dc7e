package io.flashgate.ops.drill;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code ops/flashgate drill failover} found (ops/RUNBOOK.md, "Failover drill").
 *
 * @param failoverMillis      per round: SIGKILL of the primary to the first order acknowledged for a purchase sent
 *                            after it (so by the new primary).
 * @param acknowledged        orders acknowledged to shoppers (201, or 200 for a retry whose first answer was lost).
 * @param found               of those, the orders the last primary holds for their owner.
 * @param duplicateOrders     order ids acknowledged to two purchases (must be 0).
 * @param sold                units reserved and confirmed on the last primary.
 * @param stock               the sale's stock.
 * @param acknowledgedUnits   units of the acknowledged orders (must equal {@code sold}).
 * @param usersAboveLimit     shoppers with more units than the sale's per-user limit (must be 0).
 * @param unresolved          purchases that found no outcome within 30 s of retrying with their key (must be 0).
 * @param journalsAgree       {@code replay diff} of the two engines' journals found no divergence.
 * @param roleChanges         faults after which nothing may change (ZooKeeper cut off or a server lost) that left
 *                            another primary, or its standby not in sync (must be empty).
 * @param unanswered          lookups of acknowledged orders the edge answered neither 200 nor 404 after a few tries,
 *                            by last status: not counted as found, and said apart (a lost order is a 404).
 */
public record DrillReport(
    List<Long> failoverMillis,
    long purchases,
    long retries,
    long acknowledged,
    long found,
    long duplicateOrders,
    long sold,
    long stock,
    long acknowledgedUnits,
    long usersAboveLimit,
    long unresolved,
    Map<String, Long> refusals,
    boolean journalsAgree,
    String diffSummary,
    Map<Scenario, Halts> halts,
    List<String> roleChanges,
    Map<String, Long> unanswered)
{
    /** One scenario's rounds: how long sales stood still, and the 504s shoppers saw. */
    public static final class Halts
    {
        final List<Long> millis = new java.util.ArrayList<>();
        long timedOut;

        void add(final long haltMillis, final long timeouts)
        {
            millis.add(haltMillis);
            timedOut += timeouts;
        }

        long percentile(final double p)
        {
            final List<Long> sorted = millis.stream().sorted().toList();
            return sorted.isEmpty() ? -1 : sorted.get((int)Math.ceil(p * sorted.size()) - 1);
        }

        @Override
        public String toString()
        {
            return String.format(Locale.ROOT, "%d rounds, halted p50 %d ms, p99 %d ms, max %d ms; 504s %d; %s ms",
                millis.size(), percentile(0.5), percentile(0.99), percentile(1.0), timedOut, millis);
        }
    }

    public long failoverP50Millis()
    {
        final List<Long> sorted = failoverMillis.stream().sorted().toList();
        return sorted.isEmpty() ? -1 : sorted.get((sorted.size() - 1) / 2);
    }

    public long failoverMaxMillis()
    {
        return failoverMillis.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    /** Every promise a pair makes held in this drill. */
    public boolean passed()
    {
        return found == acknowledged && duplicateOrders == 0 && sold <= stock && acknowledgedUnits == sold &&
            usersAboveLimit == 0 && unresolved == 0 && journalsAgree && roleChanges.isEmpty();
    }

    private String perScenario()
    {
        final StringBuilder text = new StringBuilder("  per scenario (halted: the longest gap between two orders " +
            "acknowledged, from the last before the fault):");
        halts.forEach((scenario, h) -> text.append("\n    ").append(scenario).append(": ").append(h));
        return text.toString();
    }

    public String describe()
    {
        return String.format(Locale.ROOT, """
            failover drill: %d rounds of the primary scenario (SIGKILL of the primary, automatic promotion, the killed engine back as standby)
              failover time (SIGKILL to the first 201 from the new primary): p50 %d ms, max %d ms; rounds %s ms
              purchases: %d (retries with the same key: %d, unresolved: %d); refused: %s
              orders acknowledged: %d; found on the last primary: %d%s; acknowledged twice: %d
              sold %d of stock %d (acknowledged units %d); shoppers above the limit: %d
              replay diff of the two journals: %s
              roles changed where nothing may change: %s
            %s
            %s""", failoverMillis.size(), failoverP50Millis(), failoverMaxMillis(), failoverMillis, purchases, retries,
            unresolved, refusals, acknowledged, found,
            unanswered.isEmpty() ? "" : " (lookups never answered 200 or 404, by last status: " + unanswered + ")",
            duplicateOrders, sold, stock, acknowledgedUnits, usersAboveLimit,
            diffSummary, roleChanges.isEmpty() ? "none" : roleChanges, perScenario(), passed() ? "PASSED: nothing acknowledged was lost, nothing oversold" : "FAILED");
    }
}
