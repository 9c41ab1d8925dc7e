package io.flashgate.load;

import io.aeron.Aeron;
import io.aeron.driver.status.SystemCounterDescriptor;
import org.agrona.concurrent.status.CountersReader;

import java.util.List;
import java.util.Locale;

/**
 * What Aeron lost and repaired on the way, read from its media drivers' system counters: NAKs a receiver sent for a
 * gap, retransmissions that filled one, and gaps given up on. A datagram lost on loopback (a full socket buffer) is
 * repaired only after a NAK's delay and a retransmission, so a leg with a few of these has a latency tail that the
 * systems' code did not cause.
 */
final class AeronLoss
{
    private final List<CountersReader> drivers;
    private long naks;
    private long retransmits;
    private long gapFills;

    /** @param clients one client of each media driver the system uses. */
    AeronLoss(final List<Aeron> clients)
    {
        this.drivers = clients.stream().map(Aeron::countersReader).toList();
        sinceLast();
    }

    /** The counts since the previous call, as a line for a leg's report. */
    String sinceLast()
    {
        final long nowNaks = sum(SystemCounterDescriptor.NAK_MESSAGES_SENT);
        final long nowRetransmits = sum(SystemCounterDescriptor.RETRANSMITS_SENT);
        final long nowGapFills = sum(SystemCounterDescriptor.LOSS_GAP_FILLS);
        final String line = String.format(Locale.ROOT, "aeron since the last leg: %,d NAKs sent, %,d retransmits, " +
            "%,d loss gaps given up", nowNaks - naks, nowRetransmits - retransmits, nowGapFills - gapFills);
        naks = nowNaks;
        retransmits = nowRetransmits;
        gapFills = nowGapFills;
        return line;
    }

    private long sum(final SystemCounterDescriptor counter)
    {
        long total = 0;
        for (final CountersReader driver : drivers)
        {
            final int[] found = {CountersReader.NULL_COUNTER_ID};
            // A system counter's key is its descriptor's id (as AeronStat reads them).
            driver.forEach((counterId, typeId, key, label) ->
            {
                if (typeId == SystemCounterDescriptor.SYSTEM_COUNTER_TYPE_ID && key.getInt(0) == counter.id())
                {
                    found[0] = counterId;
                }
            });
            if (found[0] != CountersReader.NULL_COUNTER_ID)
            {
                total += driver.getCounterValue(found[0]);
            }
        }
        return total;
    }
}
