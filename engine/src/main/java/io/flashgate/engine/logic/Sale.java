package io.flashgate.engine.logic;

import io.flashgate.protocol.SaleMode;
import io.flashgate.protocol.SaleStatus;

/** One sale's figures. Owned by the business-logic thread; invariant: reserved + confirmed ≤ stock. */
final class Sale
{
    final int index;
    int stock;
    int reserved;
    int confirmed;
    int limitPerUser;
    long startsAt;
    long endsAt;
    int ttlSeconds;
    boolean paused;
    boolean ended;
    SaleMode mode = SaleMode.FIRST_COME;
    /** Most accounts one client address may use in the sale (entries, or buyers); 0: no cap. */
    int accountsPerAddress;
    /** The entries and the draw of a DRAW sale; null for FIRST_COME. */
    DrawBook draw;
    /** Users holding at least one live unit. */
    int buyers;
    /** Reservations in creation order, linked through OrderTable.nextInQueue; expiry pops from the head. */
    int queueHead = -1;
    int queueTail = -1;
    /** What the last SALE_STATUS_CHANGED said, so that only changes are broadcast. */
    SaleStatus announcedStatus;
    int announcedRemaining = -1;
    int announcedEntries;
    boolean announcedDrawn;
    boolean announcedWaitingClosed;

    Sale(final int index)
    {
        this.index = index;
    }

    int entries()
    {
        return draw == null ? 0 : draw.active;
    }

    boolean drawn()
    {
        return draw != null && draw.drawn;
    }

    boolean waitingClosed()
    {
        return draw != null && draw.waitingClosed;
    }

    int remaining()
    {
        return stock - reserved - confirmed;
    }

    SaleStatus status(final long now)
    {
        if (ended || now >= endsAt)
        {
            return SaleStatus.ENDED;
        }
        if (now < startsAt)
        {
            return SaleStatus.SCHEDULED;
        }
        if (paused)
        {
            return SaleStatus.PAUSED;
        }
        return remaining() == 0 ? SaleStatus.SOLD_OUT : SaleStatus.OPEN;
    }
}
