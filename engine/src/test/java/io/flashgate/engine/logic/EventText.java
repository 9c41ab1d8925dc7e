package io.flashgate.engine.logic;

import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageTypes;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/** Collects events as one-line summaries so the engine and the reference model can be compared. */
final class EventText implements EventSink
{
    final List<String> lines = new ArrayList<>();
    private final EventDecoder decoder = new EventDecoder();

    @Override
    public void onEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        if (decoder.wrapAndValidate(buffer, offset, length) != null)
        {
            throw new AssertionError("engine emitted an event that does not decode");
        }
        lines.add(summary(decoder));
    }

    static String summary(final EventDecoder e)
    {
        final String type = MessageTypes.name(e.type());
        return switch (e.type())
        {
            case MessageTypes.REJECTED -> type + " " + e.reason();
            case MessageTypes.ACK -> type + " " + e.ackValue();
            case MessageTypes.SALE_INFO, MessageTypes.SALE_STATUS_CHANGED -> sale(type, e.saleId(), e.stock(),
                e.reserved(), e.confirmed(), e.buyers(), e.saleStatus().name());
            default -> order(type, e.orderId(), e.saleId(), e.userId(), e.quantity(), e.orderStatus().name(), e.expiresAt());
        };
    }

    static String sale(final String type, final String sale, final int stock, final int reserved, final int confirmed,
        final int buyers, final String status)
    {
        return type + " sale=" + sale + " stock=" + stock + " reserved=" + reserved + " confirmed=" + confirmed +
            " buyers=" + buyers + " status=" + status;
    }

    static String order(final String type, final long id, final String sale, final String user, final int qty,
        final String status, final long expiresAt)
    {
        return type + " order=" + id + " sale=" + sale + " user=" + user + " qty=" + qty + " status=" + status +
            " expiresAt=" + expiresAt;
    }
}
