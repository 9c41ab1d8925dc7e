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
                e.reserved(), e.confirmed(), e.buyers(), e.saleStatus().name()) + drawPart(e.saleMode().name(),
                e.saleEntries(), e.saleDrawn(), e.saleWaitingClosed(), e.saleAccountsPerAddress());
            case MessageTypes.ENTRY_ACCEPTED, MessageTypes.ENTRY_REPLAYED, MessageTypes.ENTRY_WITHDRAWN,
                MessageTypes.ENTRY_INFO -> entry(type, e.saleId(), e.userId(), e.entryState().name(), e.entryQuantity(),
                e.entryPosition(), e.entryEntries(), e.entryOrderId(), e.entryOrderQuantity(),
                e.entryOrderId() == 0 ? "-" : e.entryOrderStatus().name(), e.entryOrderExpiresAt());
            case MessageTypes.DRAW_COMPLETED, MessageTypes.DRAW_INFO -> draw(type, e.saleId(), e.seed(),
                e.drawEntries(), e.drawWinnersAtDraw(), e.drawWinners(), e.drawWaiting(), e.drawWaitingClosed(),
                java.util.HexFormat.of().formatHex(e.drawSeedHash()),
                java.util.HexFormat.of().formatHex(e.drawEntriesHash()));
            case MessageTypes.DRAW_WINNERS ->
            {
                final StringBuilder hashes = new StringBuilder();
                for (int i = 0; i < e.winnersCount(); i++)
                {
                    hashes.append(i == 0 ? "" : ",").append(java.util.HexFormat.of().formatHex(e.winnerHash(i)));
                }
                yield winners(e.winnersFrom(), e.winnersTotal(), hashes.toString());
            }
            default -> order(type, e.orderId(), e.saleId(), e.userId(), e.quantity(), e.orderStatus().name(), e.expiresAt());
        };
    }

    static String sale(final String type, final String sale, final int stock, final int reserved, final int confirmed,
        final int buyers, final String status)
    {
        return type + " sale=" + sale + " stock=" + stock + " reserved=" + reserved + " confirmed=" + confirmed +
            " buyers=" + buyers + " status=" + status;
    }

    static String drawPart(final String mode, final int entries, final boolean drawn, final boolean closed,
        final int cap)
    {
        return " mode=" + mode + " entries=" + entries + " drawn=" + drawn + " closed=" + closed + " cap=" + cap;
    }

    static String entry(final String type, final String sale, final String user, final String state, final int qty,
        final int position, final int entries, final long orderId, final int orderQty, final String orderStatus,
        final long expiresAt)
    {
        return type + " sale=" + sale + " user=" + user + " state=" + state + " qty=" + qty + " position=" + position +
            " entries=" + entries + " order=" + orderId + " orderQty=" + orderQty + " orderStatus=" + orderStatus +
            " expiresAt=" + expiresAt;
    }

    static String draw(final String type, final String sale, final String seed, final int entries,
        final int winnersAtDraw, final int winners, final int waiting, final boolean closed, final String seedHash,
        final String entriesHash)
    {
        return type + " sale=" + sale + " seed=" + seed + " entries=" + entries + " winnersAtDraw=" + winnersAtDraw +
            " winners=" + winners + " waiting=" + waiting + " closed=" + closed + " seedHash=" + seedHash +
            " entriesHash=" + entriesHash;
    }

    static String winners(final int from, final int total, final String hashes)
    {
        return "DRAW_WINNERS from=" + from + " total=" + total + " hashes=" + hashes;
    }

    static String order(final String type, final long id, final String sale, final String user, final int qty,
        final String status, final long expiresAt)
    {
        return type + " order=" + id + " sale=" + sale + " user=" + user + " qty=" + qty + " status=" + status +
            " expiresAt=" + expiresAt;
    }
}
