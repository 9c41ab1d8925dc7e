package io.flashgate.client;

import io.flashgate.protocol.EventEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A faulted engine's ENGINE_FAULT answers make the client report it, until the engine answers anything else. */
class EngineFaultNoticeTest
{
    private static final int SOURCE = 7;

    private final UnsafeBuffer event = new UnsafeBuffer(new byte[EventEncoder.MAX_EVENT_LENGTH]);
    private final EventEncoder encoder = new EventEncoder();

    @Test
    void anEngineFaultAnswerOrNoticeMarksTheEngineFaultedUntilItAnswersAgain()
    {
        final PendingCommands pending = new PendingCommands(null);
        final ReplyRouter router = new ReplyRouter(SOURCE, pending, id -> false);
        assertFalse(router.isEngineFaulted());

        // The notice to every edge: another source id, correlation id 0.
        router.onEvent(event, 0, refusal(0, 0));
        assertTrue(router.isEngineFaulted());

        // A command's own answer completes it with the refusal (the edge: 503).
        final CompletableFuture<Reply> waiting = pending.send(41, (id, bytes, offset, length) -> null, event, 0, 0);
        router.onEvent(event, 0, refusal(SOURCE, 41));
        assertEquals(Reply.Rejected.of(Reason.ENGINE_FAULT), waiting.join());
        assertTrue(router.isEngineFaulted());

        // A restarted engine answers: no longer faulted.
        final int ack = encoder.wrap(event, 0).header(MessageTypes.ACK, SOURCE, 42, 1, 0).ack(0);
        router.onEvent(event, 0, ack);
        assertFalse(router.isEngineFaulted());
    }

    private int refusal(final int sourceId, final long correlationId)
    {
        return encoder.wrap(event, 0).header(MessageTypes.REJECTED, sourceId, correlationId, 0, 0)
            .rejected(Reason.ENGINE_FAULT, MessageTypes.PURCHASE);
    }
}
