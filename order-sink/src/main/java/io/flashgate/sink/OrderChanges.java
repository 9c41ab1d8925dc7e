package io.flashgate.sink;

import io.flashgate.engine.logic.EventSink;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageTypes;
import org.agrona.DirectBuffer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the journal records applied since the last commit changed, read from the events business logic emitted for
 * them (the same events the engine released): which orders changed, at which sequence, and the stamped times of
 * their creation, confirmation, cancellation and expiry. The rows themselves are read from the business logic's state
 * at commit time, so they are exactly the state at the commit's sequence. Every other event (replies to queries,
 * rejections, acks of ticks, snapshots or a new epoch) changes no row and is passed over.
 */
final class OrderChanges implements EventSink
{
    /** One changed order: the sequence of its last change and the times this batch saw (0: not in this batch). */
    static final class Change
    {
        long lastSequence;
        long createdAt;
        long confirmedAt;
        long cancelledAt;
        long expiredAt;
    }

    private final EventDecoder event = new EventDecoder();
    private final Map<Long, Change> orders = new LinkedHashMap<>();
    private long sequence;
    private long records;
    private long firstTimestamp = Long.MIN_VALUE;
    private long lastTimestamp = Long.MIN_VALUE;

    /** Call before applying the record at {@code journalSequence}; its events are attributed to it. */
    void beginRecord(final long journalSequence)
    {
        sequence = journalSequence;
        records++;
    }

    @Override
    public void onEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        if (event.wrapAndValidate(buffer, offset, length) != null)
        {
            return;
        }
        final long time = event.timestamp();
        if (firstTimestamp == Long.MIN_VALUE)
        {
            firstTimestamp = time;
        }
        lastTimestamp = Math.max(lastTimestamp, time);
        switch (event.type())
        {
            case MessageTypes.ORDER_ACCEPTED, MessageTypes.ORDER_ALLOCATED -> change(event.orderId()).createdAt = time;
            case MessageTypes.ORDER_CONFIRMED -> change(event.orderId()).confirmedAt = time;
            case MessageTypes.ORDER_CANCELLED -> change(event.orderId()).cancelledAt = time;
            case MessageTypes.ORDER_EXPIRED -> change(event.orderId()).expiredAt = time;
            default ->
            {
                // replies, rejections, sale figures and acks change no order row
            }
        }
    }

    private Change change(final long orderId)
    {
        final Change change = orders.computeIfAbsent(orderId, id -> new Change());
        change.lastSequence = sequence;
        return change;
    }

    Map<Long, Change> orders()
    {
        return orders;
    }

    /** @return records applied since the last {@link #clear()}. */
    long records()
    {
        return records;
    }

    /** @return the stamped time of the newest event seen since the last clear, or {@code Long.MIN_VALUE}. */
    long lastTimestamp()
    {
        return lastTimestamp;
    }

    /** @return the stamped time of the oldest event seen since the last clear, or {@code Long.MIN_VALUE}. */
    long firstTimestamp()
    {
        return firstTimestamp;
    }

    void clear()
    {
        orders.clear();
        records = 0;
        firstTimestamp = Long.MIN_VALUE;
        lastTimestamp = Long.MIN_VALUE;
    }
}
